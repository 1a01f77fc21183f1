//! Who is calling, and whether they may (API.md section 3).
//!
//! Both methods are HTTP Basic: the vendor login (`demo:demo`), or API Key identification
//! (`apiKey:<key>`) where the key is an existing, active `APIKEY` token and its role decides.
//! Keys are looked up on every request, so a deleted key stops working at once.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::render::Failure;
use super::store::Store;
use super::token::StoredToken;
use super::{DEMO_PASSWORD, DEMO_USERNAME};
use crate::api::role::Role;

/// The literal username of API Key identification.
const API_KEY_USERNAME: &str = "apiKey";

/// An authenticated caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    Vendor,
    ApiKey(Role),
}

/// What a request wants to do, as far as permissions go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// List, get and delete tokens; create `APIKEY` tokens.
    ManageTokens,
    /// Create a `SHOP` token: any valid API key may.
    CreateShopToken,
    /// Read the static utility lists (the cheap credential check).
    ReadUtility,
}

/// Checks the `Authorization` header against the store. Every failure is the same 401, so
/// that a caller learns nothing about which part was wrong.
pub(crate) fn authenticate(headers: &HeaderMap, store: &Store) -> Result<Caller, Failure> {
    let (user, password) = basic_credentials(headers).ok_or_else(Failure::unauthorized)?;
    if user == DEMO_USERNAME && password == DEMO_PASSWORD {
        return Ok(Caller::Vendor);
    }
    if user == API_KEY_USERNAME
        && let Some(role) = store
            .get(&password)
            .and_then(StoredToken::active_api_key_role)
    {
        return Ok(Caller::ApiKey(role));
    }
    Err(Failure::unauthorized())
}

/// Whether the caller may do `action`; 403 with a sentence when not.
pub(crate) fn authorize(caller: Caller, action: Action) -> Result<(), Failure> {
    let Caller::ApiKey(role) = caller else {
        return Ok(());
    };
    let allowed = match action {
        // The docs name only the vendor login; Labs64's own tools use Admin keys (API.md section 3).
        Action::ManageTokens => role == Role::Admin,
        Action::CreateShopToken => true,
        Action::ReadUtility => role >= Role::Analytics,
    };
    if allowed {
        return Ok(());
    }
    let what = match action {
        Action::ManageTokens => "manage tokens; that needs the vendor login or an Admin key",
        Action::CreateShopToken => "create shop tokens",
        Action::ReadUtility => "read; that needs the Analytics role or higher",
    };
    Err(Failure::forbidden(format!(
        "Access denied: an API key with the role {} may not {what}.",
        role.id()
    )))
}

/// `(user, password)` from `Authorization: Basic base64(user:password)`, UTF-8.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;
    use crate::sandbox::seed;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(AUTHORIZATION, value);
        }
        headers
    }

    fn basic(user: &str, password: &str) -> HeaderMap {
        headers(&format!(
            "Basic {}",
            STANDARD.encode(format!("{user}:{password}"))
        ))
    }

    fn store() -> Store {
        Store::from_tokens(seed::fixed_tokens(time::OffsetDateTime::now_utc())).unwrap_or_default()
    }

    #[test]
    fn vendor_login_and_api_keys_authenticate() {
        let store = store();
        assert_eq!(
            authenticate(&basic("demo", "demo"), &store),
            Ok(Caller::Vendor)
        );
        assert_eq!(
            authenticate(&basic("apiKey", seed::ANALYTICS_KEY), &store),
            Ok(Caller::ApiKey(Role::Analytics))
        );
        assert_eq!(
            authenticate(&headers("basic ZGVtbzpkZW1v"), &store),
            Ok(Caller::Vendor)
        );
    }

    #[test]
    fn everything_else_is_401() {
        let store = store();
        for headers in [
            HeaderMap::new(),
            headers("Bearer ZGVtbzpkZW1v"),
            headers("Basic !!!"),
            headers("Basic"),
            basic("demo", "wrong"),
            basic("Demo", "demo"),
            basic("apiKey", "00000000-0000-4000-8000-000000000000"),
            basic("apiKey", seed::SHOP_TOKEN),
            basic("apikey", seed::ADMIN_KEY),
            basic("demo", ""),
        ] {
            assert_eq!(authenticate(&headers, &store), Err(Failure::unauthorized()));
        }
    }

    #[test]
    fn roles_decide_what_a_key_may_do() {
        for role in Role::ALL {
            let caller = Caller::ApiKey(role);
            assert_eq!(
                authorize(caller, Action::ManageTokens).is_ok(),
                role == Role::Admin
            );
            assert!(authorize(caller, Action::CreateShopToken).is_ok());
            assert_eq!(
                authorize(caller, Action::ReadUtility).is_ok(),
                role != Role::Licensee
            );
        }
        let denied = authorize(Caller::ApiKey(Role::Maintenance), Action::ManageTokens);
        assert_eq!(denied.map_err(|f| f.status.as_u16()), Err(403));
        assert!(authorize(Caller::Vendor, Action::ManageTokens).is_ok());
    }
}
