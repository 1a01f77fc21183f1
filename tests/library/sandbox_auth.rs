#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! Authentication and roles in the sandbox (API.md section 3): 401 for bad credentials,
//! 403 for valid ones that may not, each role's rights, and revocation taking effect at once.

use crate::sandbox_support::{
    JSON, XML, basic, client, demo_auth, http, key_auth, post_token, sandbox, send, vendor_client,
};
use netlicensing_keys::api::{ApiError, Client, Credentials, NewApiKey, Role, TokenNumber};
use netlicensing_keys::sandbox::seed;

fn is_denied(result: &Result<impl std::fmt::Debug, ApiError>) -> bool {
    matches!(result, Err(ApiError::PermissionDenied { .. }))
}

#[test]
fn missing_malformed_and_wrong_credentials_are_401_with_a_basic_challenge() {
    let sandbox = sandbox();
    let url = format!("{}/token", sandbox.base_url());
    let authorizations: [Option<String>; 9] = [
        None,
        Some("Basic".to_owned()),
        Some("Basic not*base64".to_owned()),
        Some("Bearer ZGVtbzpkZW1v".to_owned()),
        Some(basic("demo", "wrong")),
        Some(basic("someone", "demo")),
        Some(basic("demo-demo", "")),
        Some(key_auth("00000000-0000-4000-8000-000000000000")),
        Some(key_auth(seed::SHOP_TOKEN)),
    ];
    for authorization in authorizations {
        for accept in [JSON, XML] {
            let mut request = http().get(&url).header("Accept", accept);
            if let Some(value) = &authorization {
                request = request.header("Authorization", value);
            }
            let answer = send(request);
            assert_eq!(answer.status, 401, "{authorization:?}");
            assert_eq!(
                answer.header("www-authenticate"),
                Some("Basic realm=\"NetLicensing\"")
            );
            assert_eq!(answer.error_id(), "NotAuthorizedException");
            assert_eq!(answer.error_message(), "Unauthorized");
        }
    }
    let wrong = client(&sandbox, Credentials::vendor_login("demo", "nope"));
    let error = wrong.check_credentials().unwrap_err();
    assert!(
        matches!(error, ApiError::BadCredentials { .. }),
        "{error:?}"
    );
}

#[test]
fn the_vendor_login_may_do_everything() {
    let sandbox = sandbox();
    let vendor = vendor_client(&sandbox);
    vendor.check_credentials().expect("read");
    assert_eq!(vendor.list_api_keys().expect("list").len(), 6);
    let created = vendor
        .create_api_key(&NewApiKey {
            role: Some(Role::Admin),
            ..NewApiKey::default()
        })
        .expect("create");
    let number = TokenNumber::parse(created.number.expose()).unwrap();
    vendor.get_api_key(&number).expect("get");
    vendor.delete_token(&number).expect("delete");
    let shop = post_token(
        &sandbox,
        &demo_auth(),
        "tokenType=SHOP&licenseeNumber=I042-ACME",
    );
    assert_eq!(shop.status, 200);
}

#[test]
fn each_role_gets_exactly_its_rights() {
    let sandbox = sandbox();
    let vendor = vendor_client(&sandbox);
    let keys = [
        (seed::LICENSEE_KEY, Role::Licensee),
        (seed::CUSTOMER_KEY, Role::Licensee),
        (seed::ANALYTICS_KEY, Role::Analytics),
        (seed::OPERATION_KEY, Role::Operation),
        (seed::MAINTENANCE_KEY, Role::Maintenance),
        (seed::ADMIN_KEY, Role::Admin),
    ];
    for (key, role) in keys {
        let caller = client(&sandbox, Credentials::api_key(key));
        let may_read = role >= Role::Analytics;
        let may_manage = role == Role::Admin;

        let read = caller.check_credentials();
        assert_eq!(read.is_ok(), may_read, "{role} read");
        assert_eq!(is_denied(&read), !may_read, "{role} read is a 403");

        let list = caller.list_api_keys();
        assert_eq!(list.is_ok(), may_manage, "{role} list");
        assert_eq!(is_denied(&list), !may_manage, "{role} list is a 403");

        let get = caller.get_api_key(&TokenNumber::parse(seed::LICENSEE_KEY).unwrap());
        assert_eq!(get.is_ok(), may_manage, "{role} get");
        assert_eq!(is_denied(&get), !may_manage, "{role} get is a 403");

        let create = caller.create_api_key(&NewApiKey::default());
        assert_eq!(create.is_ok(), may_manage, "{role} create APIKEY");
        assert_eq!(is_denied(&create), !may_manage, "{role} create is a 403");

        let victim = vendor
            .create_api_key(&NewApiKey::default())
            .expect("victim");
        let victim = TokenNumber::parse(victim.number.expose()).unwrap();
        let delete = caller.delete_token(&victim);
        assert_eq!(delete.is_ok(), may_manage, "{role} delete");
        assert_eq!(is_denied(&delete), !may_manage, "{role} delete is a 403");

        let shop = post_token(
            &sandbox,
            &key_auth(key),
            "tokenType=SHOP&licenseeNumber=I042-ACME",
        );
        assert_eq!(shop.status, 200, "{role} may create shop tokens");
    }
}

#[test]
fn a_403_says_why_in_an_envelope() {
    let sandbox = sandbox();
    let answer = send(
        http()
            .get(format!("{}/token", sandbox.base_url()))
            .header("Authorization", key_auth(seed::MAINTENANCE_KEY))
            .header("Accept", XML),
    );
    assert_eq!(answer.status, 403);
    assert_eq!(answer.header("www-authenticate"), None);
    assert!(answer.error_message().contains("ROLE_APIKEY_MAINTENANCE"));
    assert!(
        answer
            .error_message()
            .contains("vendor login or an Admin key")
    );
    let licensee = send(
        http()
            .get(format!("{}/utility/licensingModels", sandbox.base_url()))
            .header("Authorization", key_auth(seed::LICENSEE_KEY))
            .header("Accept", JSON),
    );
    assert_eq!(licensee.status, 403);
    assert_eq!(licensee.error_id(), "AccessDeniedException");
}

#[test]
fn credentials_are_checked_before_the_request_itself() {
    let sandbox = sandbox();
    let unauthenticated = send(
        http()
            .get(format!("{}/token/..%2Fetc", sandbox.base_url()))
            .header("Accept", JSON),
    );
    assert_eq!(unauthenticated.status, 401);
    let forbidden = post_token(
        &sandbox,
        &key_auth(seed::ANALYTICS_KEY),
        "tokenType=APIKEY&name=",
    );
    // An empty field is refused before the role is known to matter.
    assert_eq!(forbidden.status, 400);
    let forbidden = post_token(
        &sandbox,
        &key_auth(seed::ANALYTICS_KEY),
        "tokenType=APIKEY&apiKeyRole=ROLE_APIKEY_ROOT",
    );
    assert_eq!(
        forbidden.status, 403,
        "permission before validation of values"
    );
}

#[test]
fn a_revoked_key_stops_working_at_once() {
    let sandbox = sandbox();
    let vendor = vendor_client(&sandbox);
    let admin = vendor
        .create_api_key(&NewApiKey {
            role: Some(Role::Admin),
            name: Some("Short-lived".into()),
            ..NewApiKey::default()
        })
        .expect("create");
    let number = TokenNumber::parse(admin.number.expose()).unwrap();
    let as_key: Client = client(&sandbox, Credentials::api_key(admin.number.clone()));
    as_key.list_api_keys().expect("the new key works");
    vendor.delete_token(&number).expect("revoke");
    let error = as_key.list_api_keys().unwrap_err();
    assert!(
        matches!(error, ApiError::BadCredentials { .. }),
        "{error:?}"
    );

    // A key that deletes itself is refused on its very next call.
    let seeded_admin = client(&sandbox, Credentials::api_key(seed::ADMIN_KEY));
    seeded_admin
        .delete_token(&TokenNumber::parse(seed::ADMIN_KEY).unwrap())
        .expect("self-revocation");
    let error = seeded_admin.check_credentials().unwrap_err();
    assert!(
        matches!(error, ApiError::BadCredentials { .. }),
        "{error:?}"
    );
}
