//! Form bodies (`application/x-www-form-urlencoded`) and what `POST /token` accepts.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode;

use super::DEMO_VENDOR;
use super::clock;
use super::render::Failure;
use super::token::{StoredToken, TokenType};
use crate::api::role::Role;

/// Form fields in the order they came.
pub(crate) type Fields = Vec<(String, String)>;

/// Properties the server sets; a form may not.
const SERVER_SET: [&str; 5] = [
    "number",
    "active",
    "vendorNumber",
    "expirationTime",
    "shopURL",
];

const MAX_VALUE_LEN: usize = 1024;
const MAX_CUSTOM_FIELDS: usize = 32;

/// Decoded PKCS#8 lengths accepted for `privateKey`: an RSA-2048 key is about 1,220 bytes,
/// RSA-4096 about 2,400; anything far outside is not a private key.
const PRIVATE_KEY_BYTES: std::ops::RangeInclusive<usize> = 256..=8192;

/// Parses a form body strictly: the right content type, UTF-8 after decoding, every field
/// named, none twice, and none empty (the live service errors on empty fields, API.md
/// section 1).
pub(crate) fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Fields, Failure> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let is_form = content_type.as_deref() == Some("application/x-www-form-urlencoded");
    let bodiless = content_type.is_none() && body.is_empty();
    if !is_form && !bodiless {
        return Err(Failure::malformed(
            "The request body must be application/x-www-form-urlencoded.",
        ));
    }
    let mut fields: Fields = Vec::new();
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let mut halves = pair.splitn(2, |&b| b == b'=');
        let name = decode(halves.next().unwrap_or_default())?;
        let value = decode(halves.next().unwrap_or_default())?;
        if name.is_empty() {
            return Err(Failure::malformed("The form has a field without a name."));
        }
        if fields.iter().any(|(existing, _)| *existing == name) {
            return Err(Failure::malformed(format!(
                "The field '{name}' is given more than once."
            )));
        }
        if value.trim().is_empty() {
            return Err(Failure::malformed(format!(
                "The field '{name}' is empty; leave it out instead."
            )));
        }
        if value.chars().any(char::is_control) {
            return Err(Failure::malformed(format!(
                "The field '{name}' contains control characters."
            )));
        }
        fields.push((name, value));
    }
    Ok(fields)
}

fn decode(raw: &[u8]) -> Result<String, Failure> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&spaced)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| Failure::malformed("The form is not UTF-8 text."))
}

/// The `tokenType` a create request asks for; only `APIKEY` and `SHOP` may be created here.
pub(crate) fn requested_type(fields: &Fields) -> Result<TokenType, Failure> {
    let value = field(fields, "tokenType")
        .ok_or_else(|| Failure::malformed("The field 'tokenType' is required."))?;
    match TokenType::parse(value) {
        Some(kind @ (TokenType::Apikey | TokenType::Shop)) => Ok(kind),
        Some(_) => Err(Failure::malformed(format!(
            "Tokens of type {value} cannot be created through this API; use APIKEY or SHOP."
        ))),
        None => Err(Failure::malformed(format!(
            "Unknown tokenType '{value}': use APIKEY or SHOP."
        ))),
    }
}

/// The new token described by the fields, numbered `number`.
pub(crate) fn new_token(
    token_type: TokenType,
    fields: Fields,
    number: String,
) -> Result<StoredToken, Failure> {
    let mut token = StoredToken {
        number,
        token_type,
        active: true,
        vendor_number: DEMO_VENDOR.to_owned(),
        api_key_role: (token_type == TokenType::Apikey).then_some(Role::Licensee),
        licensee_number: None,
        expiration_time: None,
        shop_url: None,
        private_key: None,
        custom: Vec::new(),
    };
    for (name, value) in fields {
        match name.as_str() {
            "tokenType" => {}
            "apiKeyRole" if token_type == TokenType::Apikey => {
                token.api_key_role = Some(role(&value)?);
            }
            "privateKey" if token_type == TokenType::Apikey => {
                check_private_key(&value)?;
                token.private_key = Some(value);
            }
            "apiKeyRole" | "privateKey" => {
                return Err(Failure::malformed(format!(
                    "The field '{name}' applies only to APIKEY tokens."
                )));
            }
            "licenseeNumber" => {
                check_length(&name, &value)?;
                token.licensee_number = Some(value);
            }
            _ if SERVER_SET.contains(&name.as_str()) => {
                return Err(Failure::malformed(format!(
                    "The field '{name}' is set by the server and cannot be sent."
                )));
            }
            _ => {
                check_custom_name(&name)?;
                check_length(&name, &value)?;
                if token.custom.len() == MAX_CUSTOM_FIELDS {
                    return Err(Failure::malformed(format!(
                        "A token holds at most {MAX_CUSTOM_FIELDS} custom properties."
                    )));
                }
                token.custom.push((name, value));
            }
        }
    }
    if token_type == TokenType::Shop {
        if token.licensee_number.is_none() {
            return Err(Failure::malformed(
                "A SHOP token needs the field 'licenseeNumber'.",
            ));
        }
        token.expiration_time = Some(clock::from_now(clock::HALF_AN_HOUR));
        token.shop_url = Some(format!(
            "https://go.netlicensing.io/shop/v2/?shoptoken={}",
            token.number
        ));
    }
    Ok(token)
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Only the exact RoleIDs, as the REST API documents them; the short names are the app's.
fn role(value: &str) -> Result<Role, Failure> {
    Role::ALL
        .into_iter()
        .find(|role| role.id() == value)
        .ok_or_else(|| {
            Failure::malformed(format!(
                "Unknown apiKeyRole '{value}': use ROLE_APIKEY_LICENSEE, ROLE_APIKEY_ANALYTICS, ROLE_APIKEY_OPERATION, ROLE_APIKEY_MAINTENANCE or ROLE_APIKEY_ADMIN."
            ))
        })
}

/// A PKCS#8 PEM body: base64 on one line, no spaces, no `-----BEGIN` line, decoding to a
/// DER sequence of a plausible size. The key itself is never echoed.
fn check_private_key(value: &str) -> Result<(), Failure> {
    let refuse = |why: &str| Err(Failure::malformed(format!("The privateKey {why}.")));
    if value.contains("-----") {
        return refuse("must be the PEM body only, without the -----BEGIN/-----END lines");
    }
    if value.chars().any(char::is_whitespace) {
        return refuse("must be on one line without spaces");
    }
    let Ok(der) = STANDARD.decode(value) else {
        return refuse("is not base64");
    };
    if !PRIVATE_KEY_BYTES.contains(&der.len()) || der.first() != Some(&0x30) {
        return refuse("is not a PKCS#8 RSA private key");
    }
    Ok(())
}

fn check_custom_name(name: &str) -> Result<(), Failure> {
    let fine = name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if fine {
        Ok(())
    } else {
        Err(Failure::malformed(
            "A custom property name may hold only letters, digits, '_', '-' and '.' (at most 64).",
        ))
    }
}

fn check_length(name: &str, value: &str) -> Result<(), Failure> {
    if value.chars().count() > MAX_VALUE_LEN {
        return Err(Failure::malformed(format!(
            "The field '{name}' is longer than {MAX_VALUE_LEN} characters."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn form_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"),
        );
        headers
    }

    fn create(body: &str) -> Result<StoredToken, Failure> {
        let fields = parse(&form_headers(), body.as_bytes())?;
        let kind = requested_type(&fields)?;
        new_token(kind, fields, "n-1".to_owned())
    }

    fn message(result: Result<StoredToken, Failure>) -> String {
        result.err().map(|f| f.message).unwrap_or_default()
    }

    /// A stand-in for an RSA-2048 PKCS#8 body: the right header and size.
    fn private_key() -> String {
        let mut der = vec![0x30, 0x82, 0x04, 0xbd];
        der.extend((0..1213_u32).map(|i| u8::try_from(i % 251).unwrap_or(0)));
        STANDARD.encode(der)
    }

    #[test]
    fn api_keys_default_to_licensee_and_keep_extra_fields() {
        let token =
            create("tokenType=APIKEY&name=Deploy+pipeline&createdAt=2025-01-01T00%3A00%3A00Z")
                .unwrap_or_else(|f| panic!("{f:?}"));
        assert_eq!(token.api_key_role, Some(Role::Licensee));
        assert_eq!(
            token.custom,
            [
                ("name".to_owned(), "Deploy pipeline".to_owned()),
                ("createdAt".to_owned(), "2025-01-01T00:00:00Z".to_owned())
            ]
        );
        let key = private_key();
        let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
        let token = create(&format!(
            "tokenType=APIKEY&apiKeyRole=ROLE_APIKEY_ADMIN&licenseeNumber=I042-ACME&privateKey={encoded}"
        ))
        .unwrap_or_else(|f| panic!("{f:?}"));
        assert_eq!(token.api_key_role, Some(Role::Admin));
        assert_eq!(token.private_key.as_deref(), Some(key.as_str()));
    }

    #[test]
    fn shop_tokens_need_a_customer_and_get_a_url_and_expiry() {
        let token =
            create("tokenType=SHOP&licenseeNumber=I042-ACME").unwrap_or_else(|f| panic!("{f:?}"));
        assert!(token.shop_url.is_some_and(|u| u.ends_with("shoptoken=n-1")));
        assert!(token.expiration_time.is_some());
        assert!(message(create("tokenType=SHOP")).contains("licenseeNumber"));
        assert!(
            message(create(
                "tokenType=SHOP&licenseeNumber=X&apiKeyRole=ROLE_APIKEY_ADMIN"
            ))
            .contains("only to APIKEY")
        );
    }

    #[test]
    fn each_mistake_has_its_message() {
        let cases = [
            ("", "'tokenType' is required"),
            ("tokenType=DEFAULT", "cannot be created"),
            ("tokenType=LICENSE", "Unknown tokenType"),
            ("tokenType=APIKEY&apiKeyRole=admin", "Unknown apiKeyRole"),
            (
                "tokenType=APIKEY&apiKeyRole=ROLE_APIKEY_ROOT",
                "Unknown apiKeyRole",
            ),
            ("tokenType=APIKEY&name=", "'name' is empty"),
            ("tokenType=APIKEY&name=+++", "'name' is empty"),
            ("tokenType=APIKEY&name", "'name' is empty"),
            ("tokenType=APIKEY&name=a&name=b", "more than once"),
            ("tokenType=APIKEY&=x", "without a name"),
            ("tokenType=APIKEY&name=%FF", "not UTF-8"),
            ("tokenType=APIKEY&name=a%0Ab", "control characters"),
            ("tokenType=APIKEY&number=abc", "set by the server"),
            ("tokenType=APIKEY&bad%20name=x", "custom property name"),
            (
                "tokenType=APIKEY&privateKey=-----BEGIN",
                "without the -----BEGIN",
            ),
            (
                "tokenType=APIKEY&privateKey=MIIE+vQ",
                "one line without spaces",
            ),
            ("tokenType=APIKEY&privateKey=MIIE*vQ", "not base64"),
            ("tokenType=APIKEY&privateKey=MIIEvQ%3D%3D", "not a PKCS#8"),
        ];
        for (body, expected) in cases {
            let got = message(create(body));
            assert!(got.contains(expected), "{body:?} gave {got:?}");
        }
        let long = format!("tokenType=APIKEY&name={}", "x".repeat(MAX_VALUE_LEN + 1));
        assert!(message(create(&long)).contains("longer than"));
    }

    #[test]
    fn the_body_must_be_a_form() {
        let mut json = HeaderMap::new();
        json.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert!(parse(&json, b"{\"tokenType\":\"APIKEY\"}").is_err());
        assert!(parse(&HeaderMap::new(), b"tokenType=APIKEY").is_err());
        assert_eq!(parse(&HeaderMap::new(), b"").map(|f| f.len()), Ok(0));
    }
}
