//! The `filter` query parameter of `GET /token`: `key=value` pairs joined by `;`.

use super::render::Failure;
use super::token::TokenType;

/// Items per page when the filter names no `items`.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The most items one page holds; larger `items` values are lowered to this, and the paging
/// fields of the answer say so (`itemsnumber`, `totalpages`), as a server with a maximum would.
pub const MAX_PAGE_SIZE: usize = 1000;

/// What a list request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ListQuery {
    /// `None`: every token type.
    pub token_type: Option<TokenType>,
    /// 0-based.
    pub page: u64,
    pub items: usize,
}

impl ListQuery {
    /// Reads the `filter` parameter of a raw query string. Keys other than `tokenType`,
    /// `page` and `items` are ignored; bad values of those three are 400s.
    pub(crate) fn parse(raw_query: Option<&str>) -> Result<ListQuery, Failure> {
        let mut query = ListQuery {
            token_type: None,
            page: 0,
            items: DEFAULT_PAGE_SIZE,
        };
        let filter = raw_query.and_then(|raw| {
            url::form_urlencoded::parse(raw.as_bytes())
                .find(|(name, _)| name == "filter")
                .map(|(_, value)| value.into_owned())
        });
        let Some(filter) = filter else {
            return Ok(query);
        };
        for pair in filter.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(Failure::malformed(format!(
                    "The filter part '{pair}' is not a key=value pair; join pairs with ';'."
                )));
            };
            let value = value.trim();
            match key.trim() {
                "tokenType" => {
                    query.token_type = Some(TokenType::parse(value).ok_or_else(|| {
                        Failure::malformed(format!(
                            "Unknown tokenType '{value}': use DEFAULT, SHOP, APIKEY or ACTION."
                        ))
                    })?);
                }
                "page" => {
                    query.page = value.parse().map_err(|_| {
                        Failure::malformed(format!(
                            "The page '{value}' is not a page number (0, 1, 2, ...)."
                        ))
                    })?;
                }
                "items" => {
                    let items: usize = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                        Failure::malformed(format!(
                            "The page size '{value}' is not a positive number."
                        ))
                    })?;
                    query.items = items.min(MAX_PAGE_SIZE);
                }
                _ => {}
            }
        }
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<ListQuery, Failure> {
        ListQuery::parse(Some(query))
    }

    #[test]
    fn reads_type_page_and_size() {
        assert_eq!(
            parse("filter=tokenType%3DAPIKEY%3Bpage%3D2%3Bitems%3D50"),
            Ok(ListQuery {
                token_type: Some(TokenType::Apikey),
                page: 2,
                items: 50
            })
        );
        assert_eq!(
            parse("filter=tokenType=SHOP;;unknown=1;"),
            Ok(ListQuery {
                token_type: Some(TokenType::Shop),
                page: 0,
                items: DEFAULT_PAGE_SIZE
            })
        );
        assert_eq!(ListQuery::parse(None).map(|q| q.token_type), Ok(None));
        assert_eq!(parse("other=1").map(|q| q.items), Ok(DEFAULT_PAGE_SIZE));
        assert_eq!(
            parse("filter=items=5000").map(|q| q.items),
            Ok(MAX_PAGE_SIZE)
        );
    }

    #[test]
    fn bad_values_are_malformed_requests() {
        for bad in [
            "filter=page=-1",
            "filter=page=x",
            "filter=items=0",
            "filter=items=ten",
            "filter=tokenType=LICENSE",
            "filter=tokenType",
        ] {
            let failure = parse(bad).err();
            assert_eq!(
                failure.map(|f| f.id),
                Some("MalformedRequestException"),
                "{bad}"
            );
        }
    }
}
