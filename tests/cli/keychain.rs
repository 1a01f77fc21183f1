#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Credentials through the real binary: a round trip through the real OS keychain, and a check
//! that after a full login, list, create, revoke cycle no file the program wrote and no log line
//! holds a secret.
//!
//! The `#[ignore]`d tests need a running, unlocked Secret Service; `scripts/keychain-check` runs
//! them in a private D-Bus session with gnome-keyring:
//!
//! ```text
//! scripts/keychain-check
//! ```
//!
//! The no-leak check also runs without a keychain, with credentials from the environment.
//!
//! The sandbox's own vendor login is demo/demo: its password is its username, so searching files
//! and logs for it would prove nothing. Vendor logins here go through [`vendor_gateway`], which
//! has a password of its own and passes requests on to a sandbox.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::scripted_server::{Reply, ScriptedServer};
use crate::support::{Invocation, Outcome, TestEnv, masked, sandbox};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netlicensing_keys::api::{AuthMethod, Secret};
use netlicensing_keys::credentials::{KeyringStore, SecretSlot, SecretStore};
use netlicensing_keys::sandbox::seed::{ADMIN_KEY, CUSTOMER};
use netlicensing_keys::sandbox::{BASE_PATH, Sandbox};

/// `auth login` for the vendor login "jane", the password on standard input.
const LOGIN_JANE: [&str; 7] = [
    "auth",
    "login",
    "--method",
    "basic",
    "--username",
    "jane",
    "--password-stdin",
];

/// A NetLicensing front for `sandbox` with a vendor login of its own: requests that sign in as
/// `username`/`password` reach the sandbox as its demo login; any other credentials (API keys)
/// pass unchanged.
fn vendor_gateway(sandbox: &Sandbox, username: &str, password: &str) -> ScriptedServer {
    let root = sandbox
        .base_url()
        .strip_suffix(BASE_PATH)
        .unwrap()
        .to_owned();
    let ours = basic(username, password);
    let demo = basic("demo", "demo");
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    ScriptedServer::start_with(move |request| {
        let mut authorization = request.header("authorization").unwrap_or_default();
        if authorization == ours {
            authorization = &demo;
        } else if authorization == demo {
            // Only this gateway's own vendor login is let through.
            authorization = "Basic bm9ib2R5Om5vdGhpbmc=";
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
        let mut forward = http
            .request(method, format!("{root}{}", request.target))
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .body(request.body.clone());
        if let Some(content_type) = request.header("content-type") {
            forward = forward.header("Content-Type", content_type);
        }
        match forward.send() {
            Ok(answer) => {
                let status = answer.status().as_u16();
                Reply::Body(
                    status,
                    "application/json",
                    answer.text().unwrap_or_default(),
                )
            }
            Err(_) => Reply::Close,
        }
    })
}

fn basic(user: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{secret}")))
}

/// A password no file or log would hold by chance.
fn distinctive_password() -> String {
    let tail: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(24)
        .collect();
    format!("pw-{tail}-Zq")
}

/// A profile name no other test (or earlier run) uses in the shared keychain.
fn unique_profile(what: &str) -> String {
    let tail: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(8)
        .collect();
    format!("cli-{what}-{}-{tail}", std::process::id())
}

/// Deletes a profile's keychain entries when the test ends, also after a failed assertion.
struct KeychainCleanup(Vec<String>);

impl Drop for KeychainCleanup {
    fn drop(&mut self) {
        for profile in &self.0 {
            for method in [AuthMethod::VendorLogin, AuthMethod::ApiKey] {
                let _ = KeyringStore.delete(&SecretSlot::new(profile.as_str(), method));
            }
        }
    }
}

fn stored(profile: &str, method: AuthMethod) -> Option<Secret> {
    KeyringStore
        .load(&SecretSlot::new(profile, method))
        .expect("the keychain answers")
}

#[track_caller]
fn require_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "needs a D-Bus session with an unlocked Secret Service: run scripts/keychain-check"
    );
}

/// Every form a secret could leak in: as it is, and inside an HTTP Basic header.
#[derive(Default)]
struct Secrets(Vec<(String, String)>);

impl Secrets {
    /// `user` is the Basic user name the secret travels with (`apiKey` for keys).
    fn add(&mut self, what: &str, user: &str, secret: &str) {
        self.0.push((what.to_owned(), secret.to_owned()));
        let header = basic(user, secret);
        let encoded = header.strip_prefix("Basic ").unwrap();
        self.0
            .push((format!("{what} in a Basic header"), encoded.to_owned()));
    }

    fn add_key(&mut self, key: &str) {
        self.add(&format!("the key {}", masked(key)), "apiKey", key);
    }

    /// What of them `text` holds, apart from `allowed`.
    fn found_in(&self, text: &str, allowed: &[String]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, secret)| !allowed.contains(secret) && text.contains(secret.as_str()))
            .map(|(what, _)| what.clone())
            .collect()
    }
}

/// Every run of a cycle, with the keys it created (the only secret its stdout may show).
#[derive(Default)]
struct Transcript(Vec<(Outcome, Vec<String>)>);

impl Transcript {
    fn run(&mut self, invocation: Invocation<'_>) -> &Outcome {
        self.record(invocation.run().ok(), Vec::new())
    }

    /// A `create` or `rotate`: the key it printed is returned.
    fn create(&mut self, invocation: Invocation<'_>) -> String {
        let out = invocation.run().ok();
        let key = out
            .stdout
            .lines()
            .find_map(|line| {
                let line = line.trim().trim_start_matches("\"number\": \"");
                let key = line.trim_end_matches("\",");
                (key.len() == 36 && key.chars().filter(|&c| c == '-').count() == 4)
                    .then(|| key.to_owned())
            })
            .unwrap_or_else(|| panic!("no key printed: {}", out.stdout));
        self.record(out, vec![key.clone()]);
        key
    }

    fn record(&mut self, out: Outcome, allowed: Vec<String>) -> &Outcome {
        self.0.push((out, allowed));
        &self.0.last().unwrap().0
    }

    /// Fails the test if any output or any file under `dir` holds a secret.
    fn assert_no_leak(&self, secrets: &Secrets, dir: &Path) {
        let mut leaks = Vec::new();
        let mut logged = 0;
        for (out, allowed) in &self.0 {
            logged += out.stderr.lines().count();
            for what in secrets.found_in(&out.stderr, &[]) {
                leaks.push(format!("stderr of `{}`: {what}", out.command));
            }
            for what in secrets.found_in(&out.stdout, allowed) {
                leaks.push(format!("stdout of `{}`: {what}", out.command));
            }
        }
        let files = files_below(dir);
        for file in &files {
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
            for what in secrets.found_in(&text, &[]) {
                leaks.push(format!("{}: {what}", file.display()));
            }
        }
        eprintln!(
            "no-leak check: {} runs, {logged} lines on stderr, {} files scanned for {} secret forms",
            self.0.len(),
            files.len(),
            secrets.0.len()
        );
        assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
        assert!(
            logged > 0,
            "the cycle logged nothing: the check proves nothing"
        );
    }
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// A PKCS#8-shaped private key file (not a real key) and its one-line body.
fn private_key_file(env: &TestEnv) -> (PathBuf, String) {
    let mut der = vec![0x30, 0x82, 0x04, 0xbe];
    der.extend(std::iter::repeat_with(|| fastrand::u8(..)).take(1214));
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect();
    let path = env.root().join("signing.pem");
    std::fs::write(
        &path,
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        ),
    )
    .unwrap();
    (path, body)
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn vendor_login_round_trip_through_the_keychain() {
    require_session_bus();
    let sandbox = sandbox();
    let password = distinctive_password();
    let gateway = vendor_gateway(&sandbox, "jane", &password);
    let env = TestEnv::new();
    let profile = unique_profile("vendor");
    let _cleanup = KeychainCleanup(vec![profile.clone()]);
    let settings_ok = |step: &str| {
        let text = env.settings_text();
        assert!(
            !text.contains(&password),
            "the settings file holds the password {step}"
        );
        assert!(!text.contains(&basic("jane", &password)[6..]), "{step}");
    };

    let cli = || env.cli().keychain().args(["--profile", &profile]);
    let out = cli()
        .base_url(&gateway.base_url)
        .args(LOGIN_JANE)
        .stdin(&format!("{password}\n"))
        .run()
        .ok();
    assert!(
        out.stderr
            .starts_with("Checked: vendor login: full access.\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("Logged in: profile '{profile}', vendor login jane stored in the Secret Service keychain")),
        "{}",
        out.stderr
    );
    settings_ok("after login");
    assert!(
        env.settings_text().contains("username = \"jane\""),
        "{}",
        env.settings_text()
    );
    assert_eq!(
        stored(&profile, AuthMethod::VendorLogin).unwrap().expose(),
        password
    );

    // Other processes read it from the keychain: no credentials in their environment.
    let shown = cli().args(["auth", "show"]).run().ok();
    for expected in [
        "method:   vendor login\nusername: jane\n".to_owned(),
        format!("secret:   {}\n", masked(&password)),
        "stored:   the Secret Service keychain".to_owned(),
        format!("base URL: {}\n", gateway.base_url),
    ] {
        assert!(
            shown.stdout.contains(&expected),
            "{expected:?} in:\n{}",
            shown.stdout
        );
    }
    assert!(!shown.all_output().contains(&password));
    let listed = cli().args(["list", "--format", "csv"]).run().ok();
    assert_eq!(listed.stdout.lines().count(), 7, "{}", listed.stdout);
    let tested = cli().args(["auth", "test"]).run().ok();
    assert!(
        tested.stdout.contains("vendor login: full access"),
        "{}",
        tested.stdout
    );
    settings_ok("after use");

    let out = cli().args(["auth", "logout"]).run().ok();
    assert!(
        out.stderr
            .starts_with(&format!("Logged out: the secrets of profile '{profile}'"))
    );
    assert_eq!(
        stored(&profile, AuthMethod::VendorLogin),
        None,
        "deleted from the keychain"
    );
    let refused = cli().arg("list").run().code(3);
    assert!(
        refused.error_line().starts_with(&format!(
            "No vendor login is saved for profile '{profile}'."
        )),
        "{}",
        refused.stderr
    );
    // The profile is still shown, its secret as not stored.
    let shown = cli().args(["auth", "show"]).run().ok().stdout;
    let expected = format!("profile:  {profile}\nmethod:   vendor login\nusername: jane\n");
    assert!(shown.starts_with(&expected), "{shown}");
    assert!(
        shown.contains("secret:   not stored (log in with"),
        "{shown}"
    );
    settings_ok("after logout");
    assert!(
        env.settings_text()
            .contains(&format!("[profiles.{profile}]")),
        "the profile stays"
    );
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn api_key_login_round_trip_through_the_keychain() {
    require_session_bus();
    let sandbox = sandbox();
    let env = TestEnv::new();
    let profile = unique_profile("apikey");
    let _cleanup = KeychainCleanup(vec![profile.clone()]);
    let cli = || env.cli().keychain().args(["--profile", &profile]);

    let out = cli()
        .base_url(&sandbox.base_url())
        .args(["auth", "login", "--api-key-stdin"])
        .stdin(ADMIN_KEY)
        .run()
        .ok();
    assert!(
        out.stderr
            .starts_with("Checked: API key with role Admin: may manage API keys.\n")
    );
    assert!(!out.all_output().contains(ADMIN_KEY));
    assert!(!env.settings_text().contains(ADMIN_KEY));
    assert!(
        env.settings_text().contains("method = \"api-key\""),
        "{}",
        env.settings_text()
    );
    assert_eq!(
        stored(&profile, AuthMethod::ApiKey).unwrap().expose(),
        ADMIN_KEY
    );

    let shown = cli().args(["auth", "show"]).run().ok();
    assert!(
        shown.stdout.contains("secret:   3f6…7a51\n"),
        "{}",
        shown.stdout
    );
    assert!(!shown.all_output().contains(ADMIN_KEY));
    let made = cli()
        .args([
            "create",
            "--role",
            "analytics",
            "--name",
            "From the keychain",
        ])
        .run()
        .ok();
    let key = made.stdout.trim();
    let listed = cli()
        .args(["list", "--filter", "from the keychain"])
        .run()
        .ok();
    assert!(listed.stdout.contains(&masked(key)), "{}", listed.stdout);
    assert!(!env.settings_text().contains(ADMIN_KEY) && !env.settings_text().contains(key));

    cli().args(["auth", "logout"]).run().ok();
    assert_eq!(stored(&profile, AuthMethod::ApiKey), None);
    let refused = cli().arg("list").run().code(3);
    assert!(
        refused
            .error_line()
            .starts_with("No API key is saved for profile"),
        "{}",
        refused.stderr
    );
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn profile_case_rename_and_remove_keep_the_keychain_in_step() {
    require_session_bus();
    let sandbox = sandbox();
    let env = TestEnv::new();
    let name = unique_profile("Case");
    let lower = name.to_lowercase();
    let renamed = format!("{name}-renamed");
    let _cleanup = KeychainCleanup(vec![name.clone(), lower.clone(), renamed.clone()]);
    let cli = || env.cli().keychain();

    cli()
        .args(["profile", "add", &name, "--url", &sandbox.base_url()])
        .run()
        .ok();
    // Logging in to the profile typed in another case fills the profile as stored.
    cli()
        .args(["--profile", &lower, "auth", "login", "--api-key-stdin"])
        .stdin(ADMIN_KEY)
        .run()
        .ok();
    let settings: toml::Table = env.settings_text().parse().unwrap();
    let profiles: Vec<&String> = settings["profiles"].as_table().unwrap().keys().collect();
    assert_eq!(profiles, [&name], "one profile, not two");
    assert_eq!(
        stored(&name, AuthMethod::ApiKey).unwrap().expose(),
        ADMIN_KEY
    );
    assert_eq!(stored(&lower, AuthMethod::ApiKey), None);
    cli().args(["--profile", &name, "list"]).run().ok();

    // Renaming moves the secret along, also when the old name is typed in another case.
    cli()
        .args(["profile", "rename", &lower, &renamed])
        .run()
        .ok();
    assert_eq!(stored(&name, AuthMethod::ApiKey), None);
    assert_eq!(
        stored(&renamed, AuthMethod::ApiKey).unwrap().expose(),
        ADMIN_KEY
    );
    cli().args(["--profile", &renamed, "list"]).run().ok();

    let out = cli().args(["profile", "remove", &renamed]).run().ok();
    assert_eq!(
        out.stderr,
        format!("Removed profile '{renamed}' and its stored secrets.\n")
    );
    assert_eq!(stored(&renamed, AuthMethod::ApiKey), None);
    assert!(!env.settings_text().contains(ADMIN_KEY));
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn a_rename_or_remove_that_cannot_be_saved_leaves_the_secrets_in_place() {
    require_session_bus();
    let env = TestEnv::new();
    let name = unique_profile("unsaved");
    let renamed = format!("{name}-moved");
    let _cleanup = KeychainCleanup(vec![name.clone(), renamed.clone()]);
    KeyringStore
        .save(
            &SecretSlot::new(name.as_str(), AuthMethod::ApiKey),
            &Secret::new(ADMIN_KEY),
        )
        .unwrap();
    // Settings that can be read (standard input) but not saved: /proc/self/fd takes no files.
    let settings = format!(
        "default_profile = \"{name}\"\n\n[profiles.\"{name}\"]\nbase_url = \"https://keys.example.com/core/v2/rest\"\nmethod = \"api-key\"\n"
    );
    for args in [
        &["profile", "rename", name.as_str(), renamed.as_str()][..],
        &["profile", "remove", name.as_str()],
    ] {
        let out = env
            .cli()
            .keychain()
            .args(["--config", "/proc/self/fd/0"])
            .args(args)
            .stdin(&settings)
            .run()
            .code(1);
        assert!(
            out.error_line()
                .starts_with("The settings could not be saved to /proc/self/fd/0"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(
            stored(&name, AuthMethod::ApiKey).map(|s| s.expose().to_owned()),
            Some(ADMIN_KEY.to_owned()),
            "{args:?}: the secret stays with the profile the settings still hold"
        );
        assert_eq!(stored(&renamed, AuthMethod::ApiKey), None, "{args:?}");
    }
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn a_login_whose_settings_cannot_be_saved_stores_no_secret() {
    require_session_bus();
    let env = TestEnv::new();
    let known = unique_profile("known");
    let fresh = unique_profile("fresh");
    let _cleanup = KeychainCleanup(vec![known.clone(), fresh.clone()]);
    let slot = SecretSlot::new(known.as_str(), AuthMethod::ApiKey);
    KeyringStore.save(&slot, &Secret::new(ADMIN_KEY)).unwrap();
    // Another profile's proxy address holds a password: the file can be read, but is never
    // written that way.
    std::fs::create_dir_all(env.settings_file().parent().unwrap()).unwrap();
    std::fs::write(
        env.settings_file(),
        format!(
            "[profiles.\"{known}\"]\nbase_url = \"http://127.0.0.1:9/core/v2/rest\"\nmethod = \"api-key\"\n\n[profiles.proxied.network]\nhttps_proxy = \"http://jane:pr0xy-pass@proxy:3128\"\n"
        ),
    )
    .unwrap();
    let new_key = "0b4d5c1e-2f3a-4b5c-8d6e-7f8091a2b3c4";
    for profile in [&known, &fresh] {
        let out = env
            .cli()
            .keychain()
            .base_url("http://127.0.0.1:9/core/v2/rest")
            .args(["--profile", profile, "auth", "login", "--api-key-stdin"])
            .stdin(new_key)
            .run()
            .code(1);
        assert!(
            out.stderr.ends_with("The credentials were not stored.\n"),
            "{}",
            out.stderr
        );
        assert!(!out.all_output().contains(new_key));
    }
    assert_eq!(
        stored(&known, AuthMethod::ApiKey).map(|s| s.expose().to_owned()),
        Some(ADMIN_KEY.to_owned()),
        "the earlier secret is back"
    );
    assert_eq!(
        stored(&fresh, AuthMethod::ApiKey),
        None,
        "nothing left behind"
    );
}

/// Login, list, create, revoke and rotate with `-vv`, a profile for the vendor login and one
/// for an API key, both stored in the keychain. Returns what must never leak.
fn keychain_cycle(env: &TestEnv, sandbox: &Sandbox, transcript: &mut Transcript) -> Secrets {
    let password = distinctive_password();
    let gateway = vendor_gateway(sandbox, "jane", &password);
    let vendor_profile = unique_profile("leak-vendor");
    let key_profile = unique_profile("leak-key");
    let _cleanup = KeychainCleanup(vec![vendor_profile.clone(), key_profile.clone()]);
    let mut secrets = Secrets::default();
    secrets.add("the vendor password", "jane", &password);
    let (pem, private_body) = private_key_file(env);
    secrets.add("the private key", "apiKey", &private_body);

    let vendor = || {
        env.cli()
            .keychain()
            .args(["-vv", "--profile", &vendor_profile])
    };
    transcript.run(
        vendor()
            .base_url(&gateway.base_url)
            .args(LOGIN_JANE)
            .stdin(&password),
    );
    transcript.run(vendor().args(["auth", "show"]));
    transcript.run(vendor().args(["auth", "test"]));
    transcript.run(vendor().arg("list"));
    transcript.run(vendor().args(["list", "--format", "json"]));
    let admin =
        transcript.create(vendor().args(["create", "--role", "admin", "--name", "Leak check"]));
    let scoped = transcript.create(
        vendor()
            .args([
                "create",
                "--role",
                "licensee",
                "--customer",
                CUSTOMER,
                "--format",
                "json",
            ])
            .arg("--private-key-file")
            .arg(&pem),
    );
    transcript.run(vendor().args(["revoke", "--yes", &scoped]));
    let rotated = transcript.create(vendor().args(["rotate", "--yes", &masked(&admin)]));
    for key in [&admin, &scoped, &rotated] {
        secrets.add_key(key);
    }

    let keyed = || {
        env.cli()
            .keychain()
            .args(["-vv", "--profile", &key_profile])
    };
    transcript.run(
        keyed()
            .base_url(&sandbox.base_url())
            .args(["auth", "login", "--api-key-stdin"])
            .stdin(&rotated),
    );
    transcript.run(keyed().args(["auth", "test"]));
    let spare = transcript.create(keyed().args(["create", "--role", "analytics"]));
    secrets.add_key(&spare);
    transcript.run(keyed().args(["list", "--format", "csv"]));
    transcript.run(keyed().args(["revoke", "--yes", &spare[spare.len() - 8..]]));
    transcript.run(keyed().args(["auth", "logout"]));
    transcript.run(vendor().args(["auth", "logout"]));
    transcript.run(
        env.cli()
            .keychain()
            .args(["-vv", "profile", "remove", &key_profile]),
    );
    secrets
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn no_secret_leaks_from_a_cycle_with_the_keychain() {
    require_session_bus();
    let sandbox = sandbox();
    let env = TestEnv::new();
    let mut transcript = Transcript::default();
    let mut secrets = keychain_cycle(&env, &sandbox, &mut transcript);
    secrets.add_key(ADMIN_KEY);
    transcript.assert_no_leak(&secrets, &env.home());
}

/// The same cycle with the credentials in the environment: no keychain needed.
#[test]
fn no_secret_leaks_from_a_cycle_with_credentials_from_the_environment() {
    let sandbox = sandbox();
    let password = distinctive_password();
    let gateway = vendor_gateway(&sandbox, "jane", &password);
    let env = TestEnv::new();
    let mut transcript = Transcript::default();
    let mut secrets = Secrets::default();
    secrets.add("the vendor password", "jane", &password);
    secrets.add_key(ADMIN_KEY);
    let (pem, private_body) = private_key_file(&env);
    secrets.add("the private key", "apiKey", &private_body);

    // A profile, so that the settings file is written too.
    transcript.run(
        env.cli()
            .args(["-vv", "profile", "add", "work", "--url", &gateway.base_url]),
    );
    let vendor = || {
        env.cli()
            .args(["-vv"])
            .env("NETLICENSING_USERNAME", "jane")
            .env("NETLICENSING_PASSWORD", &password)
    };
    transcript.run(vendor().args(["auth", "show"]));
    transcript.run(vendor().args(["auth", "test"]));
    transcript.run(vendor().arg("list"));
    transcript.run(vendor().args(["list", "--format", "json"]));
    let admin =
        transcript.create(vendor().args(["create", "--role", "admin", "--name", "Leak check"]));
    let scoped = transcript.create(
        vendor()
            .args([
                "create",
                "--role",
                "licensee",
                "--customer",
                CUSTOMER,
                "--format",
                "json",
            ])
            .arg("--private-key-file")
            .arg(&pem),
    );
    transcript.run(vendor().args(["revoke", "--yes", &scoped]));
    let rotated = transcript.create(vendor().args(["rotate", "--yes", &masked(&admin)]));
    for key in [&admin, &scoped, &rotated] {
        secrets.add_key(key);
    }

    // Wrong credentials and a failed call are logged too.
    let wrong = env
        .cli()
        .args(["-vv", "list"])
        .env("NETLICENSING_USERNAME", "jane")
        .env("NETLICENSING_PASSWORD", "pw-wrong-password-for-the-check")
        .run()
        .code(3);
    secrets.add(
        "the wrong password",
        "jane",
        "pw-wrong-password-for-the-check",
    );
    transcript.record(wrong, Vec::new());

    let keyed = || {
        env.cli()
            .base_url(&sandbox.base_url())
            .args(["-vv"])
            .api_key(&rotated)
    };
    transcript.run(keyed().args(["auth", "show"]));
    transcript.run(keyed().args(["auth", "test"]));
    let spare = transcript.create(keyed().args(["create", "--role", "analytics"]));
    secrets.add_key(&spare);
    transcript.run(keyed().args(["revoke", "--yes", &spare[spare.len() - 8..]]));
    transcript.run(
        keyed()
            .env("NETLICENSING_KEYS_LOG", "trace")
            .args(["list", "--format", "csv"]),
    );

    // The embedded sandbox logs into the same standard error.
    let embedded = transcript.create(env.cli().args([
        "-vv",
        "--profile",
        "Sandbox",
        "create",
        "--role",
        "admin",
    ]));
    secrets.add_key(&embedded);
    transcript.run(
        env.cli()
            .args(["-vv", "--profile", "Sandbox", "revoke", "--yes", &embedded]),
    );

    transcript.assert_no_leak(&secrets, &env.home());
    assert!(env.settings_text().contains("[profiles.work]"));
}
