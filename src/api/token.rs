//! API keys as the app sees them, read tolerantly from token items.

use std::collections::BTreeMap;
use std::fmt;

use super::envelope::Item;
use super::packed_texts::PackedTexts;
use super::role::Role;
use super::secret::Secret;

/// The `tokenType` of an API key.
pub const API_KEY_TOKEN_TYPE: &str = "APIKEY";

/// Property names that may hold the date a key was created. The real name is unverified
/// (API.md section 6), so the first one present wins.
const CREATED_PROPERTIES: [&str; 5] = [
    "createdAt",
    "creationDate",
    "created",
    "createDate",
    "dateCreated",
];

/// Properties that have a field of their own, or that must never be shown.
const SPECIAL_PROPERTIES: [&str; 9] = [
    "number",
    "active",
    "tokenType",
    "apiKeyRole",
    "role",
    "name",
    "licenseeNumber",
    "vendorNumber",
    "privateKey",
];

/// One API key (a token of type `APIKEY`).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key itself: for API keys the token number is the secret.
    pub number: Secret,
    pub active: bool,
    /// The role, when the server named one this app knows.
    pub role: Option<Role>,
    /// Name, customer, creation date and an unknown RoleID, packed: a vendor can hold 100,000
    /// keys, and every byte counts.
    texts: PackedTexts<4>,
    /// Every other property, except `privateKey`, which is never kept. Boxed: most keys have
    /// none, and an empty map would still take 24 bytes of every key.
    #[allow(clippy::box_collection)]
    extra: Option<Box<BTreeMap<String, String>>>,
}

/// Where each text of an [`ApiKey`] is packed.
const NAME: usize = 0;
const CUSTOMER: usize = 1;
const CREATED: usize = 2;
const UNKNOWN_ROLE: usize = 3;

/// What an [`ApiKey`] holds besides its number, role and state. Empty texts count as none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyDetails<'a> {
    pub name: Option<&'a str>,
    /// The customer (licensee number) the key is restricted to.
    pub customer: Option<&'a str>,
    /// The creation date as the server wrote it.
    pub created: Option<&'a str>,
    /// The RoleID as the server sent it, when this app does not know it (`role` is `None`).
    pub unknown_role: Option<&'a str>,
}

static NO_EXTRA: BTreeMap<String, String> = BTreeMap::new();

impl ApiKey {
    /// Reads an API key from a token item; `None` when the item is not an `APIKEY` token
    /// or has no number.
    pub fn from_item(item: &Item) -> Option<Self> {
        if !item
            .property("tokenType")?
            .eq_ignore_ascii_case(API_KEY_TOKEN_TYPE)
        {
            return None;
        }
        let number = item.property("number").filter(|n| !n.is_empty())?;
        let role_id = item
            .property("apiKeyRole")
            .or_else(|| item.property("role"))
            .filter(|r| !r.is_empty());
        let role: Option<Role> = role_id.and_then(|r| r.parse().ok());
        let text = |name: &str| item.property(name).filter(|v| !v.is_empty());
        let extra = item
            .properties
            .iter()
            .filter(|(name, _)| {
                !SPECIAL_PROPERTIES.contains(&name.as_str())
                    && !CREATED_PROPERTIES.contains(&name.as_str())
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let details = KeyDetails {
            name: text("name"),
            customer: text("licenseeNumber"),
            created: CREATED_PROPERTIES.iter().find_map(|name| text(name)),
            unknown_role: role_id.filter(|_| role.is_none()),
        };
        let mut key = ApiKey::new(Secret::new(number), role, details);
        // A key is active unless the server says otherwise.
        key.active = !item
            .property("active")
            .is_some_and(|a| a.eq_ignore_ascii_case("false"));
        // `vendorNumber` is the account's, the same on every key: not kept.
        Some(key.with_extra(extra))
    }

    /// An active key.
    pub fn new(number: Secret, role: Option<Role>, details: KeyDetails<'_>) -> Self {
        ApiKey {
            number,
            active: true,
            role,
            texts: PackedTexts::new([
                details.name,
                details.customer,
                details.created,
                details.unknown_role,
            ]),
            extra: None,
        }
    }

    /// The key with these other properties (`privateKey` is dropped).
    #[must_use]
    pub fn with_extra(mut self, mut extra: BTreeMap<String, String>) -> Self {
        extra.remove("privateKey");
        self.extra = (!extra.is_empty()).then(|| Box::new(extra));
        self
    }

    /// The details as a [`KeyDetails`], to build a changed copy.
    pub fn details(&self) -> KeyDetails<'_> {
        KeyDetails {
            name: self.name(),
            customer: self.customer(),
            created: self.created(),
            unknown_role: self.texts.get(UNKNOWN_ROLE),
        }
    }

    pub fn name(&self) -> Option<&str> {
        self.texts.get(NAME)
    }

    /// The customer (licensee number) the key is restricted to.
    pub fn customer(&self) -> Option<&str> {
        self.texts.get(CUSTOMER)
    }

    /// The creation date as the server wrote it.
    pub fn created(&self) -> Option<&str> {
        self.texts.get(CREATED)
    }

    /// Every other property the server sent, except `privateKey`.
    pub fn extra(&self) -> &BTreeMap<String, String> {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// The key as the table shows it: first 3 and last 4 characters.
    pub fn masked(&self) -> String {
        self.number.masked()
    }

    /// The RoleID: the known role's, or the one the server sent.
    pub fn role_id(&self) -> Option<&str> {
        self.role.map(Role::id).or(self.texts.get(UNKNOWN_ROLE))
    }

    /// The role for people: the label when known, else the raw RoleID, else "Unknown".
    pub fn role_label(&self) -> &str {
        match (self.role, self.texts.get(UNKNOWN_ROLE)) {
            (Some(role), _) => role.label(),
            (None, Some(raw)) => raw,
            (None, None) => "Unknown",
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("number", &self.masked())
            .field("active", &self.active)
            .field("role_id", &self.role_id())
            .field("name", &self.name())
            .field("customer", &self.customer())
            .field("created", &self.created())
            .finish_non_exhaustive()
    }
}

/// What to send when creating an API key. Empty optional fields are never sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewApiKey {
    pub role: Option<Role>,
    pub name: Option<String>,
    pub customer: Option<String>,
    /// PKCS#8 PEM body on one line, without header, footer or spaces.
    pub private_key: Option<Secret>,
}

/// A token number that is safe to put into a URL path.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenNumber(Secret);

/// Why a token number was refused before any request was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTokenNumber {
    #[error("the key is empty")]
    Empty,
    #[error("the key is too long to be a NetLicensing key")]
    TooLong,
    #[error("a key may contain only letters, digits and dashes")]
    BadCharacter,
}

impl TokenNumber {
    const MAX_LEN: usize = 128;

    /// Accepts UUID-like numbers only: ASCII letters, digits, `-` and `_`.
    /// Anything else (`/`, `..`, `%`, spaces) could change the path the request goes to.
    pub fn parse(text: &str) -> Result<Self, InvalidTokenNumber> {
        let text = text.trim();
        if text.is_empty() {
            return Err(InvalidTokenNumber::Empty);
        }
        if text.len() > Self::MAX_LEN {
            return Err(InvalidTokenNumber::TooLong);
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(InvalidTokenNumber::BadCharacter);
        }
        Ok(TokenNumber(Secret::new(text)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub fn masked(&self) -> String {
        self.0.masked()
    }
}

impl fmt::Debug for TokenNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(props: &[(&str, &str)]) -> Item {
        Item {
            item_type: "Token".into(),
            properties: props
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            lists: Vec::new(),
        }
    }

    #[test]
    fn reads_an_api_key_and_keeps_unknown_properties_as_extra() {
        let key = ApiKey::from_item(&item(&[
            ("number", "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10"),
            ("active", "true"),
            ("tokenType", "APIKEY"),
            ("role", "ROLE_APIKEY_ANALYTICS"),
            ("licenseeNumber", "I042-ACME"),
            ("privateKey", "MIIEvQ"),
            ("color", "blue"),
        ]))
        .unwrap_or_else(|| panic!("an APIKEY item is a key"));
        assert_eq!(key.role, Some(Role::Analytics));
        assert_eq!(key.customer(), Some("I042-ACME"));
        assert_eq!(key.created(), None);
        assert_eq!(key.extra().get("color").map(String::as_str), Some("blue"));
        assert!(!key.extra().contains_key("privateKey"));
        assert!(!format!("{key:?}").contains("8c41"));
    }

    #[test]
    fn a_key_stays_small_in_memory() {
        // A list can hold 100,000 keys: each 8 bytes here are 0.8 MB there.
        assert!(std::mem::size_of::<ApiKey>() <= 64);
    }

    #[test]
    fn other_token_types_are_not_api_keys() {
        assert!(ApiKey::from_item(&item(&[("number", "x"), ("tokenType", "SHOP")])).is_none());
        assert!(ApiKey::from_item(&item(&[("number", "x")])).is_none());
    }

    #[test]
    fn unknown_roles_are_kept_verbatim() {
        let key = ApiKey::from_item(&item(&[
            ("number", "abc"),
            ("tokenType", "APIKEY"),
            ("apiKeyRole", "ROLE_APIKEY_FUTURE"),
        ]))
        .unwrap_or_else(|| panic!("an APIKEY item is a key"));
        assert_eq!(key.role, None);
        assert_eq!(key.role_label(), "ROLE_APIKEY_FUTURE");
    }

    #[test]
    fn token_numbers_refuse_path_characters() {
        assert!(TokenNumber::parse("5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10").is_ok());
        for bad in ["", "../etc", "a/b", "a%2Fb", "a b", "a?b", "a#b", "ä"] {
            assert!(TokenNumber::parse(bad).is_err(), "{bad} must be refused");
        }
        assert_eq!(
            TokenNumber::parse(&"a".repeat(129)),
            Err(InvalidTokenNumber::TooLong)
        );
    }
}
