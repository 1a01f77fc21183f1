//! A token as the sandbox keeps it, and how it appears in a response.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::envelope::Item;
use crate::api::role::Role;
use crate::api::secret::mask;

/// The `tokenType`s NetLicensing knows (API.md section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum TokenType {
    Default,
    Shop,
    Apikey,
    Action,
}

impl TokenType {
    pub(crate) const ALL: [TokenType; 4] = [
        TokenType::Default,
        TokenType::Shop,
        TokenType::Apikey,
        TokenType::Action,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenType::Default => "DEFAULT",
            TokenType::Shop => "SHOP",
            TokenType::Apikey => "APIKEY",
            TokenType::Action => "ACTION",
        }
    }

    /// Position in per-type tables.
    pub(crate) fn index(self) -> usize {
        match self {
            TokenType::Default => 0,
            TokenType::Shop => 1,
            TokenType::Apikey => 2,
            TokenType::Action => 3,
        }
    }

    /// Case-insensitive, so that hand-typed curl filters (`tokenType=apikey`) work too.
    pub(crate) fn parse(text: &str) -> Option<TokenType> {
        TokenType::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// One token. For API keys the number is the secret, so `Debug` masks it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredToken {
    pub number: String,
    pub token_type: TokenType,
    pub active: bool,
    pub vendor_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "role_id")]
    pub api_key_role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensee_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    #[serde(default, rename = "shopURL", skip_serializing_if = "Option::is_none")]
    pub shop_url: Option<String>,
    /// Kept (the live service signs with it) but never written into a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    /// Extra form fields, in the order they were sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<(String, String)>,
}

impl StoredToken {
    /// The role that decides what this token may do when it is used as an API key;
    /// `None` unless it is an active API key.
    pub(crate) fn active_api_key_role(&self) -> Option<Role> {
        (self.active && self.token_type == TokenType::Apikey)
            .then_some(self.api_key_role)
            .flatten()
    }

    /// The entity as the live service lists it: core properties in its order, then custom
    /// ones. `privateKey` is left out on purpose.
    pub(crate) fn to_item(&self) -> Item {
        let mut properties = Vec::with_capacity(8 + self.custom.len());
        let mut push = |name: &str, value: &str| {
            properties.push((name.to_owned(), value.to_owned()));
        };
        push("number", &self.number);
        push("active", if self.active { "true" } else { "false" });
        if let Some(expiration) = &self.expiration_time {
            push("expirationTime", expiration);
        }
        push("tokenType", self.token_type.as_str());
        if let Some(role) = self.api_key_role {
            push("apiKeyRole", role.id());
        }
        if let Some(url) = &self.shop_url {
            push("shopURL", url);
        }
        if let Some(licensee) = &self.licensee_number {
            push("licenseeNumber", licensee);
        }
        push("vendorNumber", &self.vendor_number);
        for (name, value) in &self.custom {
            push(name, value);
        }
        Item {
            item_type: "Token".to_owned(),
            properties,
            lists: Vec::new(),
        }
    }
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("number", &mask(&self.number))
            .field("token_type", &self.token_type)
            .field("active", &self.active)
            .field("api_key_role", &self.api_key_role)
            .field("licensee_number", &self.licensee_number)
            .finish_non_exhaustive()
    }
}

/// The data file stores roles as RoleIDs, the way the REST API spells them.
mod role_id {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::api::role::Role;

    // serde's `with` hands over `&Option<_>`.
    #[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)]
    pub(super) fn serialize<S: Serializer>(
        role: &Option<Role>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        role.map(Role::id).serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Role>, D::Error> {
        let text: Option<String> = Option::deserialize(deserializer)?;
        text.map(|text| {
            Role::ALL
                .into_iter()
                .find(|role| role.id() == text)
                .ok_or_else(|| D::Error::custom(format!("unknown apiKeyRole {text:?}")))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> StoredToken {
        StoredToken {
            number: "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10".into(),
            token_type: TokenType::Apikey,
            active: true,
            vendor_number: "VDEMO".into(),
            api_key_role: Some(Role::Admin),
            licensee_number: Some("I042-ACME".into()),
            expiration_time: None,
            shop_url: None,
            private_key: Some("MIIEvQ".into()),
            custom: vec![("name".into(), "Deploy".into())],
        }
    }

    #[test]
    fn items_follow_the_live_order_and_never_hold_the_private_key() {
        let item = key().to_item();
        let names: Vec<&str> = item.properties.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "number",
                "active",
                "tokenType",
                "apiKeyRole",
                "licenseeNumber",
                "vendorNumber",
                "name"
            ]
        );
        assert_eq!(item.property("apiKeyRole"), Some("ROLE_APIKEY_ADMIN"));
    }

    #[test]
    fn debug_masks_the_number() {
        assert!(!format!("{:?}", key()).contains("8c41"));
    }

    #[test]
    fn round_trips_through_json_with_role_ids() {
        let json = serde_json::to_string(&key()).unwrap_or_default();
        assert!(json.contains("\"apiKeyRole\":\"ROLE_APIKEY_ADMIN\""));
        let back: StoredToken = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, key());
        let bad = json.replace("ROLE_APIKEY_ADMIN", "ROLE_APIKEY_ROOT");
        assert!(serde_json::from_str::<StoredToken>(&bad).is_err());
    }

    #[test]
    fn token_types_parse_in_any_case() {
        assert_eq!(TokenType::parse("apikey"), Some(TokenType::Apikey));
        assert_eq!(TokenType::parse("SHOP"), Some(TokenType::Shop));
        assert_eq!(TokenType::parse("LICENSE"), None);
    }
}
