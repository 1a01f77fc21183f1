#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The desktop app's connection settings: saving each auth method (secret in the keychain, never
//! in the settings file), testing a connection (success and each failure in words), Forget, a
//! keychain that refuses, keys without the Admin role, and switching a vendor login to a new key.

use std::net::TcpListener;
use std::sync::Arc;

use crate::support::fake_service::three_keys;
use crate::support::*;
use egui::accesskit::Role as A11yRole;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use netlicensing_keys::api::{ApiError, AuthMethod, Role};
use netlicensing_keys::app::{LaunchOptions, Screen};
use netlicensing_keys::credentials::{Profile, SecretSlot, SecretStore as _, Settings};
use netlicensing_keys::sandbox::seed::{ADMIN_KEY, ANALYTICS_KEY};
use netlicensing_keys::sandbox::{DEMO_PASSWORD, DEMO_USERNAME, Sandbox};

/// Replaces the text of a field: select all, then type.
fn replace_text(harness: &mut AppHarness, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    harness.get_by_label(label).type_text(text);
    harness.run();
}

/// First run: "Connect to NetLicensing", then name the profile and point it at `base_url`.
fn new_profile_form(harness: &mut AppHarness, name: &str, base_url: &str) {
    click(harness, "Connect to NetLicensing");
    harness.run();
    assert_eq!(harness.state().screen(), Screen::Settings);
    replace_text(harness, "Profile name", name);
    replace_text(harness, "Base URL", base_url);
}

fn first_run(world: &World) -> AppHarness {
    world.open(Settings::default(), LaunchOptions::default())
}

/// Settings with one stored profile on the sandbox.
fn settings_with(name: &str, sandbox: &Sandbox, method: AuthMethod) -> Settings {
    let mut settings = Settings::default();
    settings
        .add_profile(
            name,
            Profile {
                base_url: sandbox.base_url(),
                method,
                username: (method == AuthMethod::VendorLogin).then(|| DEMO_USERNAME.to_owned()),
                ..Profile::default()
            },
        )
        .unwrap();
    settings
}

fn save_secret(world: &World, profile: &str, method: AuthMethod, secret: &str) {
    world
        .keychain
        .save(
            &SecretSlot::new(profile, method),
            &netlicensing_keys::api::Secret::new(secret),
        )
        .unwrap();
}

/// Every string value in the settings file, with its key, however deep.
fn settings_values(world: &World) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
            toml::Value::Table(table) => {
                for (key, value) in table {
                    walk(key, value, out);
                }
            }
            toml::Value::Array(items) => items.iter().for_each(|v| walk(prefix, v, out)),
            _ => {}
        }
    }
    let text = world.settings_text();
    let table: toml::Value = toml::from_str(&text).expect("the settings file is TOML");
    let mut out = Vec::new();
    walk("", &table, &mut out);
    out
}

fn profile_switcher_entries(harness: &mut AppHarness) -> Vec<String> {
    harness
        .get_by_role_and_label(A11yRole::ComboBox, "Profile")
        .click();
    harness.run();
    let entries = labels(harness);
    harness.key_press(Key::Escape);
    harness.run();
    entries
}

/// A port on which nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn saving_an_api_key_puts_it_in_the_keychain_never_in_the_settings_file() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);

    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    assert_eq!(
        harness
            .get_by_label("API key (recommended)")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True),
        "API keys are recommended and preselected"
    );
    type_into(&mut harness, "API key", ADMIN_KEY);
    click_and_wait(&mut harness, "Save");

    assert_eq!(
        world.saved_secret("Work", AuthMethod::ApiKey).as_deref(),
        Some(ADMIN_KEY)
    );
    let text = world.settings_text();
    assert!(text.contains(&sandbox.base_url()), "{text}");
    assert!(
        !text.contains(ADMIN_KEY),
        "the key leaked into the file:\n{text}"
    );
    assert!(!text.contains(&ADMIN_KEY[..8]));
    assert_eq!(
        harness.state().settings().profile("Work").map(|p| p.method),
        Some(AuthMethod::ApiKey)
    );

    let connection = harness.state().connection().expect("connected");
    assert_eq!(connection.profile_name, "Work");
    assert_eq!(connection.credentials.method(), AuthMethod::ApiKey);
    assert_eq!(harness.state().keys().keys().len(), 6);
    assert!(connection.access.is_some_and(|a| a.can_manage_keys));
    assert!(profile_switcher_entries(&mut harness).contains(&"Work".to_owned()));
}

#[test]
fn switching_the_method_to_vendor_login_and_saving() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    assert_eq!(
        harness.state().connection().map(|c| c.credentials.method()),
        Some(AuthMethod::ApiKey)
    );

    click(&mut harness, "Settings");
    harness.run();
    assert!(!has_label(&harness, "Username"));
    click(&mut harness, "Vendor login (Basic Auth)");
    harness.run();
    replace_text(&mut harness, "Username", DEMO_USERNAME);
    type_into(&mut harness, "Password", DEMO_PASSWORD);
    click_and_wait(&mut harness, "Save");

    assert_eq!(
        world
            .saved_secret("Work", AuthMethod::VendorLogin)
            .as_deref(),
        Some(DEMO_PASSWORD)
    );
    let connection = harness.state().connection().expect("connected");
    assert_eq!(connection.credentials.method(), AuthMethod::VendorLogin);
    assert_eq!(harness.state().keys().keys().len(), 6);
    let profile = harness.state().settings().profile("Work").unwrap().clone();
    assert_eq!(profile.method, AuthMethod::VendorLogin);
    assert_eq!(profile.username.as_deref(), Some(DEMO_USERNAME));
    // The password equals the username here, so look at every value: only the username has it.
    let values = settings_values(&world);
    for (key, value) in &values {
        assert!(
            value != DEMO_PASSWORD || key == "username",
            "{key} = {value} in the settings file"
        );
        assert!(!value.contains(ADMIN_KEY));
    }
    assert!(
        values
            .iter()
            .any(|(k, v)| k == "method" && v.contains("vendor")),
        "{values:?}"
    );
}

#[test]
fn test_connection_says_what_the_credentials_may_do() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());

    type_into(&mut harness, "API key", ADMIN_KEY);
    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label(
            &harness,
            "✔ Connected. API key with role Admin: may manage API keys."
        ),
        "{:?}",
        labels(&harness)
    );
    assert!(
        harness.state().connection().is_none(),
        "a test does not connect"
    );
    assert_eq!(
        world.saved_secret("Work", AuthMethod::ApiKey),
        None,
        "nor save"
    );

    click(&mut harness, "Vendor login (Basic Auth)");
    harness.run();
    replace_text(&mut harness, "Username", DEMO_USERNAME);
    type_into(&mut harness, "Password", DEMO_PASSWORD);
    click_and_wait(&mut harness, "Test connection");
    assert!(has_label(
        &harness,
        "✔ Connected. Vendor login: full access."
    ));
}

#[test]
fn test_connection_explains_bad_credentials() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    click(&mut harness, "Vendor login (Basic Auth)");
    harness.run();
    replace_text(&mut harness, "Username", DEMO_USERNAME);
    type_into(&mut harness, "Password", "not the password");

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label_containing(&harness, "⚠ NetLicensing did not accept the credentials"),
        "{:?}",
        labels(&harness)
    );
    assert!(has_label_containing(
        &harness,
        "Check the username and password"
    ));
}

#[test]
fn test_connection_explains_a_key_that_cannot_manage_keys() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Reader", &sandbox.base_url());
    type_into(&mut harness, "API key", ANALYTICS_KEY);

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label_containing(&harness, "⚠ Connected, but API key"),
        "{:?}",
        labels(&harness)
    );
    assert!(has_label_containing(&harness, "cannot manage API keys"));
}

#[test]
fn test_connection_explains_a_refused_connection() {
    let world = World::with_sandbox_url("http://127.0.0.1:9/core/v2/rest");
    let mut harness = first_run(&world);
    let port = closed_port();
    new_profile_form(
        &mut harness,
        "Work",
        &format!("http://127.0.0.1:{port}/core/v2/rest"),
    );
    type_into(&mut harness, "API key", ADMIN_KEY);

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label_containing(
            &harness,
            &format!("127.0.0.1:{port} refused the connection")
        ),
        "{:?}",
        labels(&harness)
    );
}

#[test]
fn test_connection_explains_a_server_that_never_answers() {
    // Accepts connections (the kernel does, into the backlog) but never reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let world = World::with_sandbox_url("http://127.0.0.1:9/core/v2/rest");
    let mut harness = first_run(&world);
    new_profile_form(
        &mut harness,
        "Work",
        &format!("http://127.0.0.1:{port}/core/v2/rest"),
    );
    type_into(&mut harness, "API key", ADMIN_KEY);
    click(&mut harness, "Network settings");
    harness.run();
    harness
        .get_by_label("Request timeout (seconds)")
        .set_value_accesskit(1.0);
    harness.run();

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label_containing(
            &harness,
            &format!("127.0.0.1:{port} did not answer within 1 second")
        ),
        "{:?}",
        labels(&harness)
    );
    drop(silent);
}

#[test]
fn a_proxy_that_cannot_work_is_not_saved() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    type_into(&mut harness, "API key", ADMIN_KEY);
    click(&mut harness, "Network settings");
    harness.run();
    type_into(
        &mut harness,
        "HTTPS proxy",
        "socks9://proxy.example.com:1080",
    );

    click_and_wait(&mut harness, "Save");
    assert!(
        has_label_containing(&harness, "The HTTPS proxy cannot be used"),
        "{:?}",
        labels(&harness)
    );
    assert!(!world.settings_text().contains("socks9"));
    assert_eq!(world.saved_secret("Work", AuthMethod::ApiKey), None);
}

#[test]
fn test_connection_explains_a_failed_tls_handshake() {
    // Answers plain HTTP where TLS is expected.
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    std::thread::Builder::new()
        .name("plain-http".into())
        .spawn(move || {
            use std::io::Write as _;
            for mut stream in plain.incoming().flatten() {
                let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            }
        })
        .unwrap();
    let world = World::with_sandbox_url("http://127.0.0.1:9/core/v2/rest");
    let mut harness = first_run(&world);
    new_profile_form(
        &mut harness,
        "Work",
        &format!("https://127.0.0.1:{port}/core/v2/rest"),
    );
    type_into(&mut harness, "API key", ADMIN_KEY);

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label_containing(
            &harness,
            &format!(
                "The server at 127.0.0.1:{port} did not answer with a secure (TLS) connection"
            )
        ),
        "{:?}",
        labels(&harness)
    );
}

#[test]
fn test_connection_explains_an_unknown_server_name() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Probe,
        Some(ApiError::Dns {
            host: "go.netlicensing.example".to_owned(),
        }),
    );
    let world = World::with_fake(&service);
    let mut harness = first_run(&world);
    new_profile_form(
        &mut harness,
        "Work",
        "https://go.netlicensing.example/core/v2/rest",
    );
    type_into(&mut harness, "API key", ADMIN_KEY);

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label(
            &harness,
            "⚠ The server name go.netlicensing.example could not be found. Check the base URL and your network connection."
        ),
        "{:?}",
        labels(&harness)
    );
}

#[test]
fn test_connection_shows_a_spinner_and_cannot_run_twice() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = first_run(&world);
    new_profile_form(
        &mut harness,
        "Work",
        "https://go.netlicensing.io/core/v2/rest",
    );
    type_into(&mut harness, "API key", ADMIN_KEY);

    service.hold(Call::Probe);
    click(&mut harness, "Test connection");
    service.wait_started(Call::Probe, 1);
    harness.step();
    assert!(!is_enabled(&harness, "Test connection"));
    assert!(harness.query_by_role(A11yRole::ProgressIndicator).is_some());
    harness.get_by_label("Test connection").click();
    harness.step();
    harness.step();

    service.release(Call::Probe);
    wait_idle(&mut harness);
    assert_eq!(service.started(Call::Probe), 1);
    assert!(has_label(
        &harness,
        "✔ Connected. Vendor login: full access."
    ));
}

#[test]
fn forget_removes_the_secret_from_the_keychain() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    save_secret(&world, "Work", AuthMethod::VendorLogin, DEMO_PASSWORD);
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    assert!(harness.state().connection().is_some());

    click(&mut harness, "Settings");
    harness.run();
    click_and_wait(&mut harness, "Forget");

    assert_eq!(world.saved_secret("Work", AuthMethod::ApiKey), None);
    assert_eq!(world.saved_secret("Work", AuthMethod::VendorLogin), None);
    assert!(harness.state().connection().is_none());
    assert!(has_label_containing(
        &harness,
        "were removed from the keychain"
    ));
    assert!(
        harness.state().settings().profile("Work").is_some(),
        "the profile itself stays"
    );
}

#[test]
fn a_refusing_keychain_offers_to_keep_the_secret_for_this_session_only() {
    let sandbox = sandbox();
    let mut world = World::new(&sandbox);
    let keychain = Arc::new(UnavailableKeychain::default());
    world.store = Some(keychain.clone());
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    type_into(&mut harness, "API key", ADMIN_KEY);
    assert!(!has_label(&harness, "Keep for this session only"));

    click_and_wait(&mut harness, "Save");
    assert!(
        has_label_containing(&harness, "Not saved: No keychain is available"),
        "{:?}",
        labels(&harness)
    );
    assert!(harness.state().connection().is_none());
    assert!(
        !world.settings_path().exists(),
        "nothing is written while the secret has nowhere to go"
    );

    click_and_wait(&mut harness, "Keep for this session only");
    let connection = harness.state().connection().expect("connected");
    assert_eq!(connection.profile_name, "Work");
    assert_eq!(harness.state().keys().keys().len(), 6);
    assert_eq!(
        *keychain.saves.lock().unwrap(),
        1,
        "no second keychain write"
    );
    assert_eq!(world.saved_secret("Work", AuthMethod::ApiKey), None);
    let text = world.settings_text();
    assert!(!text.contains(ADMIN_KEY), "{text}");
    click(&mut harness, "Settings");
    harness.run();
    assert!(has_label(
        &harness,
        "✔ Saved. The secret is kept in memory, for this session only."
    ));
}

#[test]
fn an_analytics_key_is_told_it_cannot_manage_keys_and_shown_the_way_forward() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Reader", AuthMethod::ApiKey, ANALYTICS_KEY);
    let mut harness = world.open(
        settings_with("Reader", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );

    assert_eq!(harness.state().screen(), Screen::Keys);
    assert!(
        has_label_containing(
            &harness,
            "This API key cannot manage API keys. Sign in with the vendor login"
        ),
        "{:?}",
        labels(&harness)
    );
    assert!(!is_enabled(&harness, "+ Add API Key"));
    let refusals = labels(&harness)
        .into_iter()
        .filter(|label| label.contains("not allowed to do this"))
        .count();
    assert!(
        refusals <= 1,
        "the refusal is said once (the status line), beside the banner: {:?}",
        labels(&harness)
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    assert!(!has_label(&harness, "Add API Key"), "Ctrl+N opens nothing");

    click(&mut harness, "Open settings");
    harness.run();
    assert_eq!(harness.state().screen(), Screen::Settings);
    assert!(has_label_containing(
        &harness,
        "This API key cannot manage API keys. Choose “Vendor login” above and save"
    ));
}

#[test]
fn a_vendor_login_creates_an_admin_key_and_switches_to_it() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Vendor", AuthMethod::VendorLogin, DEMO_PASSWORD);
    let mut harness = world.open(
        settings_with("Vendor", &sandbox, AuthMethod::VendorLogin),
        LaunchOptions::default(),
    );
    click(&mut harness, "Settings");
    harness.run();
    assert_eq!(
        harness
            .get_by_role_and_label(A11yRole::ComboBox, "Role of the new key")
            .value()
            .as_deref(),
        Some("Admin")
    );

    click_and_wait(&mut harness, "Create an API key and switch to it");

    let key = world
        .saved_secret("Vendor", AuthMethod::ApiKey)
        .expect("the new key is in the keychain");
    let on_server = server_key(&sandbox, &key).expect("the key exists");
    assert_eq!(on_server.role, Some(Role::Admin));
    let profile = harness
        .state()
        .settings()
        .profile("Vendor")
        .unwrap()
        .clone();
    assert_eq!(profile.method, AuthMethod::ApiKey);
    assert_eq!(profile.api_key_role, Some(Role::Admin));
    let text = world.settings_text();
    assert!(!text.contains(&key), "{text}");
    let connection = harness.state().connection().expect("connected");
    assert_eq!(connection.credentials.method(), AuthMethod::ApiKey);
    assert_eq!(connection.credentials.secret().expose(), key);
    click(&mut harness, "Settings");
    harness.run();
    assert!(
        has_label_containing(&harness, "Saved. The secret is kept in"),
        "{:?}",
        labels(&harness)
    );
    assert_eq!(
        world
            .saved_secret("Vendor", AuthMethod::VendorLogin)
            .as_deref(),
        Some(DEMO_PASSWORD),
        "the vendor password stays until Forget"
    );
    assert_eq!(harness.state().keys().keys().len(), 7);
}

#[test]
fn a_profile_chosen_in_another_case_finds_its_secret() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions {
            profile: Some("work".to_owned()),
            ..LaunchOptions::default()
        },
    );

    let connection = harness.state().connection().unwrap_or_else(|| {
        panic!("not connected: {}", status_text(&harness));
    });
    assert_eq!(connection.profile_name, "Work");
    assert_eq!(harness.state().keys().keys().len(), 6);

    // Saving it again (keeping the saved key) changes that profile, and adds none.
    click(&mut harness, "Settings");
    harness.run();
    click_and_wait(&mut harness, "Save");
    let names: Vec<&str> = harness.state().settings().profile_names().collect();
    assert_eq!(names, ["Work"]);
    assert!(harness.state().connection().is_some());
}

#[test]
fn the_read_only_sandbox_profile_tests_without_saving() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    click(&mut harness, "Settings");
    harness.run();

    assert!(has_label(&harness, "Built-in sandbox"));
    assert!(
        !has_label(&harness, "Save"),
        "the sandbox cannot be changed"
    );
    click_and_wait(&mut harness, "Test connection");
    assert!(has_label(
        &harness,
        "✔ Connected. Vendor login: full access."
    ));
    assert!(!world.settings_path().exists());
}

#[test]
fn test_connection_with_nothing_typed_tests_the_saved_secret() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    click(&mut harness, "Settings");
    harness.run();
    assert!(has_label(
        &harness,
        "Leave the secret empty to keep the saved one."
    ));

    click_and_wait(&mut harness, "Test connection");
    assert!(
        has_label(
            &harness,
            "✔ Connected. API key with role Admin: may manage API keys."
        ),
        "{:?}",
        labels(&harness)
    );
}

#[test]
fn the_profile_switcher_moves_between_accounts() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Reader", AuthMethod::ApiKey, ANALYTICS_KEY);
    let mut settings = settings_with("Work", &sandbox, AuthMethod::ApiKey);
    settings
        .add_profile("Reader", settings.profile("Work").unwrap().clone())
        .unwrap();
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let mut harness = world.open(settings, LaunchOptions::default());
    assert_eq!(
        harness
            .state()
            .connection()
            .map(|c| c.profile_name.as_str()),
        Some("Work"),
        "the first profile is the default"
    );
    assert!(is_enabled(&harness, "+ Add API Key"));

    choose(&mut harness, "Profile", "Reader");
    wait_idle(&mut harness);
    let connection = harness.state().connection().expect("connected");
    assert_eq!(connection.profile_name, "Reader");
    assert_eq!(connection.credentials.secret().expose(), ANALYTICS_KEY);
    assert!(!is_enabled(&harness, "+ Add API Key"));

    choose(&mut harness, "Profile", "Sandbox");
    wait_idle(&mut harness);
    assert!(has_label(&harness, "Sandbox"), "the badge");
    assert!(is_enabled(&harness, "+ Add API Key"));
}

#[test]
fn delete_profile_removes_it_its_secrets_and_its_settings() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    click(&mut harness, "Settings");
    harness.run();
    click_and_wait(&mut harness, "Delete profile");
    // The first click only asks.
    assert!(has_label_containing(
        &harness,
        "Delete profile Work and its saved secrets from the keychain?"
    ));
    assert!(world.saved_secret("Work", AuthMethod::ApiKey).is_some());
    click_and_wait(&mut harness, "Keep it");
    assert!(harness.state().settings().profile("Work").is_some());
    click_and_wait(&mut harness, "Delete profile");
    click_and_wait(&mut harness, "Delete this profile");

    assert_eq!(world.saved_secret("Work", AuthMethod::ApiKey), None);
    assert!(harness.state().settings().profile("Work").is_none());
    assert!(!world.settings_text().contains("Work"));
    assert_eq!(harness.state().screen(), Screen::Welcome);
    assert!(harness.state().connection().is_none());
    assert_eq!(
        status_text(&harness),
        "Profile 'Work' was deleted, and its secrets were removed from the keychain."
    );
}

#[test]
fn a_test_result_goes_when_the_credentials_change() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    type_into(&mut harness, "API key", ADMIN_KEY);
    click_and_wait(&mut harness, "Test connection");
    let success = "✔ Connected. API key with role Admin: may manage API keys.";
    assert!(has_label(&harness, success));

    type_into(&mut harness, "API key", "-typo");
    assert!(
        !has_label(&harness, success),
        "the success of other credentials is still shown"
    );

    click_and_wait(&mut harness, "Test connection");
    let failure = format!("⚠ {}", status_text(&harness));
    assert_eq!(
        count_label(&harness, &failure),
        2,
        "beside the button and in the status line: {:?}",
        labels(&harness)
    );
    click(&mut harness, "Vendor login (Basic Auth)");
    harness.run();
    assert_eq!(
        count_label(&harness, &failure),
        1,
        "a failure of the API key is not the vendor login's (the status line keeps its history): {:?}",
        labels(&harness)
    );
}

#[test]
fn a_keychain_waiting_for_its_unlock_prompt_does_not_freeze_the_window() {
    let sandbox = sandbox();
    let mut world = World::new(&sandbox);
    let keychain = Arc::new(PromptingKeychain::default());
    keychain
        .save(
            &SecretSlot::new("Work", AuthMethod::ApiKey),
            &netlicensing_keys::api::Secret::new(ADMIN_KEY),
        )
        .unwrap();
    keychain.lock();
    world.store = Some(keychain.clone());

    let mut harness = world.start(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    let start = std::time::Instant::now();
    for _ in 0..20 {
        harness.step();
    }
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "frames stalled on the keychain"
    );
    assert!(harness.state().connection().is_none(), "still waiting");
    assert!(
        has_label(&harness, "Opening profile Work…"),
        "{:?}",
        labels(&harness)
    );

    keychain.unlock();
    wait_idle(&mut harness);
    assert_eq!(
        harness
            .state()
            .connection()
            .map(|c| c.profile_name.as_str()),
        Some("Work")
    );
    assert_eq!(harness.state().keys().keys().len(), 6);
}

#[test]
fn revoking_or_rotating_the_key_the_app_signs_in_with_warns_first() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    let warning = "This app signs in with this key (profile Work)";
    let own = masked(ADMIN_KEY);

    click(&mut harness, &format!("Revoke key {own}"));
    harness.run();
    assert!(
        has_label(&harness, "Revoke API key"),
        "one key: singular title"
    );
    assert!(
        has_label_containing(&harness, warning),
        "{:?}",
        labels(&harness)
    );
    harness.key_press(Key::Escape);
    harness.run();

    click(
        &mut harness,
        &format!("Revoke key {}", masked(ANALYTICS_KEY)),
    );
    harness.run();
    assert!(!has_label_containing(&harness, "This app signs in with"));
    harness.key_press(Key::Escape);
    harness.run();

    click(&mut harness, &format!("Rotate key {own}"));
    harness.run();
    click_and_wait(&mut harness, "Create the new key");
    assert!(has_label_containing(
        &harness,
        "This app signs in with the old key (profile Work)"
    ));
    assert!(
        server_key(&sandbox, ADMIN_KEY).is_some(),
        "nothing revoked yet"
    );
}

#[test]
fn switching_the_sign_in_method_moves_no_field_sideways() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    let base_url = harness.get_by_label("Base URL").rect();
    click(&mut harness, "Vendor login (Basic Auth)");
    harness.run();
    assert_eq!(harness.get_by_label("Base URL").rect(), base_url);
    let password = harness.get_by_label("Password").rect();
    assert!(
        (password.left() - base_url.left()).abs() < 0.5,
        "the fields are not aligned: {password:?} under {base_url:?}"
    );
}

#[test]
fn a_new_profile_does_not_show_the_error_of_the_profile_before() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    // No secret saved for "Work": opening it fails.
    let mut harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    assert_eq!(harness.state().screen(), Screen::Settings);
    let error = format!("⚠ {}", status_text(&harness));
    assert!(error.contains("Work"), "{error}");
    assert_eq!(count_label(&harness, &error), 2, "{:?}", labels(&harness));

    choose(&mut harness, "Profile", "New profile…");
    assert_eq!(count_label(&harness, &error), 0, "{:?}", labels(&harness));
    let status = status_text(&harness);
    assert!(status.starts_with("New profile "), "{status}");
}

#[test]
fn an_unknown_profile_asked_for_opens_nothing_and_says_so() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    let harness = world.open(
        settings_with("Work", &sandbox, AuthMethod::ApiKey),
        LaunchOptions {
            profile: Some("Nope".to_owned()),
            ..LaunchOptions::default()
        },
    );
    assert_eq!(
        harness.state().screen(),
        Screen::Keys,
        "not the first-run welcome"
    );
    assert!(
        harness.state().keys().keys().is_empty(),
        "no account was opened"
    );
    assert!(
        has_label(
            &harness,
            "⚠ There is no profile named 'Nope'. Choose one in the Profile list above, or create it in the settings."
        ),
        "{:?}",
        labels(&harness)
    );
    assert!(has_label(&harness, "Not connected."));
}

#[test]
fn test_then_save_with_a_field_missing_says_so_once_beside_the_buttons() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", &sandbox.base_url());
    click_and_wait(&mut harness, "Test connection");
    click_and_wait(&mut harness, "Save");
    assert_eq!(
        count_label(&harness, "⚠ Enter the API key."),
        2,
        "once beside the buttons, once in the status line: {:?}",
        labels(&harness)
    );
}

#[test]
fn deleting_one_of_two_profiles_says_so_after_the_other_opens() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    save_secret(&world, "Work", AuthMethod::ApiKey, ADMIN_KEY);
    save_secret(&world, "Home", AuthMethod::ApiKey, ADMIN_KEY);
    let mut settings = settings_with("Work", &sandbox, AuthMethod::ApiKey);
    settings
        .add_profile("Home", settings.profile("Work").unwrap().clone())
        .unwrap();
    let mut harness = world.open(
        settings,
        LaunchOptions {
            profile: Some("Work".to_owned()),
            ..LaunchOptions::default()
        },
    );
    click(&mut harness, "Settings");
    harness.run();
    click_and_wait(&mut harness, "Delete profile");
    click_and_wait(&mut harness, "Delete this profile");

    let status = status_text(&harness);
    assert!(
        status == "Profile 'Work' was deleted. 6 API keys loaded.",
        "{status}"
    );
    assert_eq!(
        harness
            .state()
            .connection()
            .map(|c| c.profile_name.as_str()),
        Some("Home")
    );
}

#[test]
fn a_long_profile_name_is_cut_in_the_top_bar() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let long = "Production-EU-west-customer-facing-licensing-account-very-long";
    save_secret(&world, long, AuthMethod::ApiKey, ADMIN_KEY);
    let harness = world.open(
        settings_with(long, &sandbox, AuthMethod::ApiKey),
        LaunchOptions::default(),
    );
    let settings_tab = harness.get_by_label("Settings").rect();
    assert!(
        settings_tab.right() < 600.0,
        "the name pushed the tabs right: {settings_tab:?}"
    );
}

#[test]
fn a_form_error_and_a_save_are_said_in_the_status_line_too() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = first_run(&world);
    new_profile_form(&mut harness, "Work", "http://example.com/core/v2/rest");
    type_into(&mut harness, "API key", ADMIN_KEY);
    click_and_wait(&mut harness, "Test connection");
    assert!(
        status_text(&harness).starts_with("The base URL must start with https://"),
        "{}",
        status_text(&harness)
    );

    replace_text(&mut harness, "Base URL", &sandbox.base_url());
    click_and_wait(&mut harness, "Save");
    let status = status_text(&harness);
    assert!(
        status.starts_with("Saved. The secret is kept in ") && status.ends_with("API keys loaded."),
        "{status}"
    );
}
