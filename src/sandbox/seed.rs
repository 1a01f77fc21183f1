//! The tokens a fresh sandbox starts with.
//!
//! The fixed API keys have documented numbers, so that docs, demos and tests can use them
//! directly (`curl -u apiKey:3f6c1e2a-9b47-4d85-a1c3-6e0f2b8d7a51 ...`). Several are the numbers
//! of the published fixtures.
//!
//! | constant | role | name | customer | createdAt |
//! |---|---|---|---|---|
//! | [`ADMIN_KEY`] | Admin | Deploy pipeline | | yes |
//! | [`ANALYTICS_KEY`] | Analytics | CRM export | | yes |
//! | [`LICENSEE_KEY`] | Licensee | | | no |
//! | [`CUSTOMER_KEY`] | Licensee | ACME desktop app | `I042-ACME` | yes |
//! | [`OPERATION_KEY`] | Operation | Billing sync | | yes |
//! | [`MAINTENANCE_KEY`] | Maintenance | | | no |
//!
//! Beside them: a `SHOP` token ([`SHOP_TOKEN`], for customer `I042-ACME`) and a `DEFAULT` token
//! ([`DEFAULT_TOKEN`]), so that a list without a type filter shows why the filter matters.

use time::{Duration, OffsetDateTime};
use uuid::Builder;

use super::DEMO_VENDOR;
use super::clock;
use super::token::{StoredToken, TokenType};
use crate::api::role::Role;

/// Admin role, name "Deploy pipeline". May manage tokens.
pub const ADMIN_KEY: &str = "3f6c1e2a-9b47-4d85-a1c3-6e0f2b8d7a51";
/// Analytics role, name "CRM export". May read, may not manage tokens.
pub const ANALYTICS_KEY: &str = "e2a94c71-0d3b-4f8e-b6a2-7c5d9e1f3a84";
/// Licensee role, no name, no creation date: the kind of key shipped inside software.
pub const LICENSEE_KEY: &str = "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10";
/// Licensee role restricted to the customer [`CUSTOMER`], name "ACME desktop app".
pub const CUSTOMER_KEY: &str = "91c7e5a0-3f2b-4d18-8e6c-b4a0d2f7c953";
/// Operation role, name "Billing sync".
pub const OPERATION_KEY: &str = "a83f0c2d-6e91-4b57-b2d4-19c8e7f05a36";
/// Maintenance role, no name, no creation date.
pub const MAINTENANCE_KEY: &str = "c4e2b9d7-1a6f-4b3c-8d0e-5f9a2c7b1e66";
/// A `SHOP` token for [`CUSTOMER`].
pub const SHOP_TOKEN: &str = "3d8a61f4-77b0-4c2e-a9d5-e0b1c6f28a37";
/// A `DEFAULT` token.
pub const DEFAULT_TOKEN: &str = "7f15d0c3-b8e4-4a92-9c61-0e3d5a8f2b74";
/// The customer (licensee number) of the seeded shop token and customer-scoped key.
pub const CUSTOMER: &str = "I042-ACME";

/// Every seeded API key with its role, in list order.
pub const API_KEYS: [(&str, Role); 6] = [
    (ADMIN_KEY, Role::Admin),
    (ANALYTICS_KEY, Role::Analytics),
    (LICENSEE_KEY, Role::Licensee),
    (CUSTOMER_KEY, Role::Licensee),
    (OPERATION_KEY, Role::Operation),
    (MAINTENANCE_KEY, Role::Maintenance),
];

/// The fixed tokens, in list order. Shop and default tokens expire half an hour from `now`.
pub(crate) fn fixed_tokens(now: OffsetDateTime) -> Vec<StoredToken> {
    let expires = clock::format(now + clock::HALF_AN_HOUR);
    vec![
        StoredToken {
            expiration_time: Some(expires.clone()),
            shop_url: Some(format!(
                "https://go.netlicensing.io/shop/v2/?shoptoken={SHOP_TOKEN}"
            )),
            licensee_number: Some(CUSTOMER.to_owned()),
            ..token(SHOP_TOKEN, TokenType::Shop)
        },
        api_key(
            ADMIN_KEY,
            Role::Admin,
            Some("Deploy pipeline"),
            Some("2025-01-14T09:30:00Z"),
        ),
        api_key(
            ANALYTICS_KEY,
            Role::Analytics,
            Some("CRM export"),
            Some("2025-03-02T14:05:12Z"),
        ),
        api_key(LICENSEE_KEY, Role::Licensee, None, None),
        StoredToken {
            licensee_number: Some(CUSTOMER.to_owned()),
            ..api_key(
                CUSTOMER_KEY,
                Role::Licensee,
                Some("ACME desktop app"),
                Some("2025-06-20T08:00:00Z"),
            )
        },
        StoredToken {
            expiration_time: Some(expires),
            ..token(DEFAULT_TOKEN, TokenType::Default)
        },
        api_key(
            OPERATION_KEY,
            Role::Operation,
            Some("Billing sync"),
            Some("2025-09-09T16:45:30Z"),
        ),
        api_key(MAINTENANCE_KEY, Role::Maintenance, None, None),
    ]
}

/// `count` generated API keys for large-list work. The same index always gives the same key:
/// numbers come from a fixed hash, names are "Generated key 0042", roles cycle, every third
/// Licensee key is scoped to a customer and every third key has no creation date.
pub(crate) fn generated_keys(count: usize) -> impl Iterator<Item = StoredToken> {
    let base = OffsetDateTime::UNIX_EPOCH + Duration::days(19_723); // 2024-01-01
    (1..=count as u64).map(move |index| {
        let role = Role::ALL[usize::try_from(index % 5).unwrap_or(0)];
        let mut custom = Vec::with_capacity(2);
        custom.push(("name".to_owned(), format!("Generated key {index:04}")));
        if index % 3 != 0 {
            custom.push(("createdAt".to_owned(), created_at(base, index)));
        }
        let licensee_number =
            (role == Role::Licensee && index % 3 == 0).then(|| format!("I{:03}-GEN", index % 1000));
        StoredToken {
            number: generated_number(index),
            token_type: TokenType::Apikey,
            active: true,
            vendor_number: DEMO_VENDOR.to_owned(),
            api_key_role: Some(role),
            licensee_number,
            expiration_time: None,
            shop_url: None,
            private_key: None,
            custom,
        }
    })
}

/// `index` × 7 minutes after `base`, as the fixed keys write it (`2025-01-14T09:30:00Z`).
/// Written by hand: a format description is several times slower, which shows at 100,000 keys.
fn created_at(base: OffsetDateTime, index: u64) -> String {
    let minutes = i64::try_from(index.saturating_mul(7)).unwrap_or(i64::MAX / 120);
    let moment = base + Duration::minutes(minutes);
    let (year, month, day) = moment.to_calendar_date();
    format!(
        "{year:04}-{:02}-{day:02}T{:02}:{:02}:00Z",
        u8::from(month),
        moment.hour(),
        moment.minute()
    )
}

/// A UUID v4-shaped number from an index: `SplitMix64` twice, so neighbours look unrelated.
fn generated_number(index: u64) -> String {
    const SALT: u64 = 0x5EED_5A4D_B0C5_0001;
    let high = splitmix64(index.wrapping_mul(2) ^ SALT);
    let low = splitmix64(index.wrapping_mul(2).wrapping_add(1) ^ SALT);
    let bits = (u128::from(high) << 64) | u128::from(low);
    Builder::from_random_bytes(bits.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn token(number: &str, token_type: TokenType) -> StoredToken {
    StoredToken {
        number: number.to_owned(),
        token_type,
        active: true,
        vendor_number: DEMO_VENDOR.to_owned(),
        api_key_role: None,
        licensee_number: None,
        expiration_time: None,
        shop_url: None,
        private_key: None,
        custom: Vec::new(),
    }
}

fn api_key(number: &str, role: Role, name: Option<&str>, created: Option<&str>) -> StoredToken {
    let custom = [("name", name), ("createdAt", created)]
        .into_iter()
        .filter_map(|(key, value)| Some((key.to_owned(), value?.to_owned())))
        .collect();
    StoredToken {
        api_key_role: Some(role),
        custom,
        ..token(number, TokenType::Apikey)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::api::token::TokenNumber;

    #[test]
    fn fixed_numbers_are_unique_uuids_and_match_their_roles() {
        let tokens = fixed_tokens(OffsetDateTime::now_utc());
        let numbers: HashSet<&str> = tokens.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(numbers.len(), tokens.len());
        for token in &tokens {
            assert!(uuid::Uuid::parse_str(&token.number).is_ok());
        }
        for (number, role) in API_KEYS {
            let token = tokens.iter().find(|t| t.number == number);
            assert_eq!(token.and_then(|t| t.api_key_role), Some(role));
        }
    }

    #[test]
    fn generated_keys_are_deterministic_distinct_and_valid() {
        let first: Vec<StoredToken> = generated_keys(2000).collect();
        let again: Vec<StoredToken> = generated_keys(2000).collect();
        assert!(first == again);
        let numbers: HashSet<&str> = first.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(numbers.len(), 2000);
        assert!(first.iter().all(|t| TokenNumber::parse(&t.number).is_ok()));
        assert_eq!(first[41].custom[0].1, "Generated key 0042");
        assert_eq!(first[0].custom[1].1, "2024-01-01T00:07:00Z");
        assert_eq!(
            created_at(OffsetDateTime::UNIX_EPOCH, 300),
            "1970-01-02T11:00:00Z"
        );
        assert!(first.iter().any(|t| t.licensee_number.is_some()));
        let roles: HashSet<_> = first.iter().filter_map(|t| t.api_key_role).collect();
        assert_eq!(roles.len(), 5);
    }
}
