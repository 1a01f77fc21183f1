//! Filtering and sorting a key list, shared by the table in the app and `list` on the command line.

use std::cmp::Ordering;

use crate::api::{ApiKey, Role};

/// What the user asked to see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyQuery {
    /// Matches the name, the customer, or the characters of the key (case-insensitive).
    pub text: String,
    /// `None` shows every role.
    pub role: Option<Role>,
}

impl KeyQuery {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.role.is_none()
    }

    pub fn matches(&self, key: &ApiKey) -> bool {
        Matcher::new(self).matches(key)
    }
}

/// A query made ready to test many keys: the text is lowercased once, not once per key, and
/// testing a key allocates nothing (typing into the filter of 100,000 keys stays quick).
struct Matcher {
    role: Option<Role>,
    needle: String,
}

impl Matcher {
    fn new(query: &KeyQuery) -> Self {
        Matcher {
            role: query.role,
            needle: query.text.trim().to_lowercase(),
        }
    }

    fn matches(&self, key: &ApiKey) -> bool {
        if self.role.is_some() && key.role != self.role {
            return false;
        }
        if self.needle.is_empty() {
            return true;
        }
        let contains =
            |text: Option<&str>| text.is_some_and(|t| contains_lowercase(t, &self.needle));
        contains(key.name())
            || contains(key.customer())
            || matches_key(key.number.expose(), &self.needle)
    }
}

/// A key matches its last characters (what the masked column shows), its first characters, or
/// the masked form itself (`5b0…4b10` pasted from a table). Keys are ASCII; case is ignored.
fn matches_key(number: &str, needle: &str) -> bool {
    let number = number.as_bytes();
    let starts = |head: &str| {
        number.len() >= head.len() && number[..head.len()].eq_ignore_ascii_case(head.as_bytes())
    };
    let ends = |tail: &str| {
        number.len() >= tail.len()
            && number[number.len() - tail.len()..].eq_ignore_ascii_case(tail.as_bytes())
    };
    if let Some((head, tail)) = needle.split_once('…').or_else(|| needle.split_once("...")) {
        return starts(head) && ends(tail);
    }
    ends(needle) || starts(needle)
}

fn contains_lowercase(text: &str, lowercase_needle: &str) -> bool {
    if text.is_ascii() && lowercase_needle.is_ascii() {
        // No allocation on the common path: compare windows ignoring ASCII case.
        let needle = lowercase_needle.as_bytes();
        return text
            .as_bytes()
            .windows(needle.len().max(1))
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    text.to_lowercase().contains(lowercase_needle)
}

/// The columns a key list can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortColumn {
    Key,
    Name,
    Role,
    Customer,
    #[default]
    Created,
}

/// A column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SortOrder {
    pub column: SortColumn,
    pub ascending: bool,
}

impl Default for SortOrder {
    /// Newest first, as people look for the key they just made.
    fn default() -> Self {
        SortOrder {
            column: SortColumn::Created,
            ascending: false,
        }
    }
}

/// Indices into `keys` of the keys that match, in the requested order. Missing values sort
/// last either way; ties keep the server's order.
pub fn select(keys: &[ApiKey], query: &KeyQuery, order: SortOrder) -> Vec<usize> {
    let mut indices: Vec<usize> = if query.is_empty() {
        (0..keys.len()).collect()
    } else {
        let matcher = Matcher::new(query);
        (0..keys.len())
            .filter(|&i| matcher.matches(&keys[i]))
            .collect()
    };
    indices.sort_by(|&a, &b| compare(&keys[a], &keys[b], order));
    indices
}

fn compare(a: &ApiKey, b: &ApiKey, order: SortOrder) -> Ordering {
    let directed = |ordering: Ordering| {
        if order.ascending {
            ordering
        } else {
            ordering.reverse()
        }
    };
    match order.column {
        SortColumn::Key => directed(a.number.expose().cmp(b.number.expose())),
        SortColumn::Role => directed(a.role.cmp(&b.role)),
        SortColumn::Name => optional(a.name(), b.name(), directed),
        SortColumn::Customer => optional(a.customer(), b.customer(), directed),
        SortColumn::Created => optional(a.created(), b.created(), directed),
    }
}

/// Compares present values in the requested direction and puts absent ones last.
fn optional(a: Option<&str>, b: Option<&str>, directed: impl Fn(Ordering) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => directed(natural(a, b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Case-insensitive, so that "acme" and "Acme" sit together.
fn natural(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{KeyDetails, Secret};

    fn key(
        number: &str,
        name: Option<&str>,
        role: Role,
        customer: Option<&str>,
        created: Option<&str>,
    ) -> ApiKey {
        let details = KeyDetails {
            name,
            customer,
            created,
            unknown_role: None,
        };
        ApiKey::new(Secret::new(number), Some(role), details)
    }

    fn sample() -> Vec<ApiKey> {
        vec![
            key(
                "aaaa-1111-0001",
                Some("CRM export"),
                Role::Analytics,
                None,
                Some("2026-01-02T00:00:00Z"),
            ),
            key(
                "bbbb-2222-0002",
                None,
                Role::Licensee,
                Some("I042-ACME"),
                None,
            ),
            key(
                "cccc-3333-0003",
                Some("Deploy"),
                Role::Admin,
                None,
                Some("2026-03-01T00:00:00Z"),
            ),
        ]
    }

    #[test]
    fn text_matches_name_customer_and_key_ends() {
        let keys = sample();
        let find = |text: &str| {
            select(
                &keys,
                &KeyQuery {
                    text: text.into(),
                    role: None,
                },
                SortOrder {
                    column: SortColumn::Key,
                    ascending: true,
                },
            )
        };
        assert_eq!(find("crm"), [0]);
        assert_eq!(find("acme"), [1]);
        assert_eq!(find("0003"), [2]);
        assert_eq!(find("bbbb"), [1]);
        assert_eq!(find("bbb…0002"), [1]);
        assert_eq!(find("BBBB"), [1], "case does not matter");
        assert_eq!(find("CCC...0003"), [2]);
        assert_eq!(
            find("2222"),
            Vec::<usize>::new(),
            "the middle of a key is not shown, so not matched"
        );
        assert_eq!(find("  "), [0, 1, 2]);
    }

    #[test]
    fn role_filter_combines_with_text() {
        let keys = sample();
        let query = KeyQuery {
            text: String::new(),
            role: Some(Role::Admin),
        };
        assert_eq!(select(&keys, &query, SortOrder::default()), [2]);
        let query = KeyQuery {
            text: "crm".into(),
            role: Some(Role::Admin),
        };
        assert!(select(&keys, &query, SortOrder::default()).is_empty());
    }

    #[test]
    fn sorting_puts_missing_values_last_both_ways() {
        let keys = sample();
        let all = KeyQuery::default();
        let by = |column, ascending| select(&keys, &all, SortOrder { column, ascending });
        assert_eq!(by(SortColumn::Created, false), [2, 0, 1]);
        assert_eq!(by(SortColumn::Created, true), [0, 2, 1]);
        assert_eq!(by(SortColumn::Name, true), [0, 2, 1]);
        assert_eq!(by(SortColumn::Role, true), [1, 0, 2]);
        assert_eq!(by(SortColumn::Role, false), [2, 0, 1]);
    }
}
