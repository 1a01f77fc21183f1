use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::credentials::store::MemoryStore;

const KEY: &str = "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10";

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

fn no_env(_: &str) -> Option<String> {
    None
}

/// Fails every call and counts them: proves that a path never touches the keychain.
#[derive(Default)]
struct FailingStore {
    calls: AtomicUsize,
}

impl SecretStore for FailingStore {
    fn load(&self, _: &SecretSlot) -> Result<Option<Secret>, StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(StoreError::Unavailable("test store".to_owned()))
    }
    fn save(&self, _: &SecretSlot, _: &Secret) -> Result<(), StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(StoreError::Unavailable("test store".to_owned()))
    }
    fn delete(&self, _: &SecretSlot) -> Result<(), StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(StoreError::Unavailable("test store".to_owned()))
    }
    fn location(&self) -> String {
        self.calls.fetch_add(1, Ordering::SeqCst);
        "nowhere".to_owned()
    }
}

fn settings() -> Settings {
    let mut settings = Settings::default();
    settings
        .add_profile(
            "Work",
            Profile {
                base_url: "https://work.example/core/v2/rest".to_owned(),
                ..Profile::default()
            },
        )
        .unwrap();
    settings
        .add_profile(
            "vendor",
            Profile {
                base_url: "https://vendor.example/core/v2/rest".to_owned(),
                method: AuthMethod::VendorLogin,
                username: Some("acme".to_owned()),
                ..Profile::default()
            },
        )
        .unwrap();
    settings
}

fn store_with_secrets() -> MemoryStore {
    let store = MemoryStore::new();
    store
        .save(
            &SecretSlot::new("Work", AuthMethod::ApiKey),
            &Secret::new(KEY),
        )
        .unwrap();
    store
        .save(
            &SecretSlot::new("vendor", AuthMethod::VendorLogin),
            &Secret::new("vendor-password"),
        )
        .unwrap();
    store
}

#[test]
fn environment_every_combination() {
    let values = [None, Some(""), Some("  "), Some("value")];
    for key in values {
        for user in values {
            for password in values {
                let mut pairs = Vec::new();
                for (name, value) in [
                    (API_KEY_ENV, key),
                    (USERNAME_ENV, user),
                    (PASSWORD_ENV, password),
                ] {
                    if let Some(value) = value {
                        pairs.push((name, value));
                    }
                }
                let set = |value: Option<&str>| value.is_some_and(|v| !v.trim().is_empty());
                let outcome = credentials_from_env(env(&pairs));
                let case = format!("{key:?} {user:?} {password:?}");
                match (set(key), set(user), set(password)) {
                    (true, _, _) => assert!(
                        matches!(&outcome, Ok(Some(Credentials::ApiKey(k))) if k.expose() == "value"),
                        "{case}: {outcome:?}"
                    ),
                    (false, true, true) => assert!(
                        matches!(&outcome, Ok(Some(Credentials::VendorLogin { username, password }))
                            if username == "value" && password.expose() == "value"),
                        "{case}: {outcome:?}"
                    ),
                    (false, true, false) => assert!(
                        matches!(
                            outcome,
                            Err(ResolveError::IncompleteEnvironment(PASSWORD_ENV))
                        ),
                        "{case}: {outcome:?}"
                    ),
                    (false, false, true) => assert!(
                        matches!(
                            outcome,
                            Err(ResolveError::IncompleteEnvironment(USERNAME_ENV))
                        ),
                        "{case}: {outcome:?}"
                    ),
                    (false, false, false) => {
                        assert!(matches!(outcome, Ok(None)), "{case}: {outcome:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn incomplete_environment_names_the_missing_variable() {
    let error = credentials_from_env(env(&[(USERNAME_ENV, "me")])).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with(PASSWORD_ENV), "{text}");
    assert!(text.contains(USERNAME_ENV), "{text}");
}

#[test]
fn environment_beats_the_profile_which_only_supplies_the_server() {
    let store = FailingStore::default();
    let resolved = resolve(env(&[(API_KEY_ENV, "from-env")]), &settings(), None, &store).unwrap();
    assert_eq!(resolved.source, CredentialSource::Environment);
    assert_eq!(resolved.credentials.secret().expose(), "from-env");
    assert_eq!(resolved.profile_name.as_deref(), Some("Work"));
    assert_eq!(
        resolved.profile.base_url,
        "https://work.example/core/v2/rest"
    );
    assert_eq!(store.calls.load(Ordering::SeqCst), 0);

    let named = resolve(
        env(&[(USERNAME_ENV, "u"), (PASSWORD_ENV, "p")]),
        &settings(),
        Some("VENDOR"),
        &store,
    )
    .unwrap();
    assert_eq!(named.credentials.method(), AuthMethod::VendorLogin);
    assert_eq!(named.profile_name.as_deref(), Some("vendor"));
    assert_eq!(
        named.profile.base_url,
        "https://vendor.example/core/v2/rest"
    );
    assert_eq!(store.calls.load(Ordering::SeqCst), 0);
}

#[test]
fn environment_without_profiles_uses_defaults() {
    let resolved = resolve(
        env(&[(API_KEY_ENV, KEY)]),
        &Settings::default(),
        None,
        &FailingStore::default(),
    )
    .unwrap();
    assert_eq!(resolved.profile_name, None);
    assert_eq!(resolved.profile, Profile::default());
}

#[test]
fn environment_with_an_unknown_profile_is_an_error() {
    let outcome = resolve(
        env(&[(API_KEY_ENV, KEY)]),
        &settings(),
        Some("nope"),
        &MemoryStore::new(),
    );
    assert!(matches!(outcome, Err(ResolveError::UnknownProfile(ref name)) if name == "nope"));
}

#[test]
fn incomplete_environment_does_not_fall_back_to_the_profile() {
    let outcome = resolve(
        env(&[(PASSWORD_ENV, "p")]),
        &settings(),
        None,
        &store_with_secrets(),
    );
    assert!(matches!(
        outcome,
        Err(ResolveError::IncompleteEnvironment(USERNAME_ENV))
    ));
}

#[test]
fn api_key_profile_reads_the_key_from_the_store() {
    let store = store_with_secrets();
    let resolved = resolve(no_env, &settings(), Some("work"), &store).unwrap();
    assert_eq!(resolved.credentials, Credentials::api_key(KEY));
    assert_eq!(resolved.profile_name.as_deref(), Some("Work"));
    assert_eq!(
        resolved.source,
        CredentialSource::Keychain {
            location: "memory, for this session only".to_owned()
        }
    );
}

#[test]
fn default_profile_is_used_without_a_name() {
    let mut settings = settings();
    settings.set_default("vendor").unwrap();
    let resolved = resolve(no_env, &settings, None, &store_with_secrets()).unwrap();
    assert_eq!(
        resolved.credentials,
        Credentials::vendor_login("acme", "vendor-password")
    );
    assert_eq!(resolved.profile_name.as_deref(), Some("vendor"));
}

#[test]
fn sandbox_never_touches_the_store() {
    let store = FailingStore::default();
    for name in ["Sandbox", "sandbox", "SANDBOX"] {
        let resolved = resolve(no_env, &Settings::default(), Some(name), &store).unwrap();
        assert_eq!(resolved.source, CredentialSource::Sandbox);
        assert_eq!(
            resolved.credentials,
            Credentials::vendor_login("demo", "demo")
        );
        assert_eq!(resolved.profile_name.as_deref(), Some(SANDBOX_PROFILE));
        assert_eq!(resolved.profile, Profile::sandbox());
    }
    let mut settings = settings();
    settings.set_default("Sandbox").unwrap();
    let resolved = resolve(no_env, &settings, None, &store).unwrap();
    assert_eq!(resolved.source, CredentialSource::Sandbox);
    assert_eq!(store.calls.load(Ordering::SeqCst), 0);
}

#[test]
fn the_sandbox_ignores_credentials_from_the_environment() {
    let store = FailingStore::default();
    let env = env(&[
        ("NETLICENSING_API_KEY", KEY),
        ("NETLICENSING_USERNAME", "acme"),
        ("NETLICENSING_PASSWORD", " "),
    ]);
    let resolved = resolve(&env, &Settings::default(), Some("sandbox"), &store).unwrap();
    assert_eq!(resolved.source, CredentialSource::Sandbox);
    assert_eq!(
        resolved.credentials,
        Credentials::vendor_login("demo", "demo")
    );
    let mut settings = settings();
    settings.set_default("Sandbox").unwrap();
    let resolved = resolve(&env, &settings, None, &store).unwrap();
    assert_eq!(resolved.source, CredentialSource::Sandbox);
    // A half-set pair is no error for the Sandbox either: nothing of it is used.
    let half = |name: &str| (name == "NETLICENSING_USERNAME").then(|| "acme".to_owned());
    assert!(resolve(half, &settings, None, &store).is_ok());
    assert_eq!(store.calls.load(Ordering::SeqCst), 0);
    assert_eq!(
        ignored_by_sandbox(&env),
        ["NETLICENSING_API_KEY", "NETLICENSING_USERNAME"]
    );
    assert!(ignored_by_sandbox(no_env).is_empty());
}

#[test]
fn nothing_configured_tells_people_what_to_do() {
    let error = resolve(no_env, &Settings::default(), None, &MemoryStore::new()).unwrap_err();
    assert!(matches!(error, ResolveError::NoCredentials));
    let text = error.to_string();
    for hint in [
        "auth login",
        API_KEY_ENV,
        USERNAME_ENV,
        PASSWORD_ENV,
        "--profile Sandbox",
    ] {
        assert!(text.contains(hint), "{hint} missing in {text}");
    }
}

#[test]
fn unknown_profile_and_missing_secrets() {
    let store = MemoryStore::new();
    let unknown = resolve(no_env, &settings(), Some("nope"), &store).unwrap_err();
    assert!(matches!(unknown, ResolveError::UnknownProfile(ref name) if name == "nope"));

    let missing = resolve(no_env, &settings(), Some("work"), &store).unwrap_err();
    assert!(
        matches!(&missing, ResolveError::NoSecret { profile, method: AuthMethod::ApiKey } if profile == "Work"),
        "{missing:?}"
    );
    assert!(
        missing
            .to_string()
            .contains("No API key is saved for profile 'Work'"),
        "{missing}"
    );

    let mut no_username = settings();
    if let Some(vendor) = no_username.profiles.get_mut("vendor") {
        vendor.username = None;
    }
    let outcome = resolve(no_env, &no_username, Some("vendor"), &store_with_secrets()).unwrap_err();
    assert!(matches!(
        outcome,
        ResolveError::NoSecret {
            method: AuthMethod::VendorLogin,
            ..
        }
    ));
}

#[test]
fn store_errors_come_through() {
    let outcome = resolve(no_env, &settings(), None, &FailingStore::default()).unwrap_err();
    assert!(
        matches!(outcome, ResolveError::Store(StoreError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(outcome.to_string().contains("this session only"));
}

#[test]
fn debug_output_never_shows_a_secret() {
    let store = store_with_secrets();
    let api = resolve(no_env, &settings(), Some("Work"), &store).unwrap();
    let login = resolve(no_env, &settings(), Some("vendor"), &store).unwrap();
    let from_env = resolve(
        env(&[(USERNAME_ENV, "u"), (PASSWORD_ENV, "env-password")]),
        &settings(),
        None,
        &store,
    )
    .unwrap();
    let text = format!("{api:?} {login:?} {from_env:?} {store:?} {:?}", settings());
    for secret in ["5b0f3d2e", "vendor-password", "env-password"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let error = credentials_from_env(env(&[(PASSWORD_ENV, "env-password")])).unwrap_err();
    assert!(!format!("{error:?} {error}").contains("env-password"));
}
