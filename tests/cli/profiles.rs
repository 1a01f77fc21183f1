#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `profile list|add|remove|use|rename` and how a profile is used, running the real binary with
//! no keychain in reach (a headless machine). Secrets in a real keychain: `keychain.rs`.

use crate::support::{TestEnv, sandbox};

/// The settings file as TOML.
fn settings(env: &TestEnv) -> toml::Table {
    env.settings_text()
        .parse()
        .expect("the settings file is TOML")
}

fn profile_names(env: &TestEnv) -> Vec<String> {
    settings(env)
        .get("profiles")
        .and_then(toml::Value::as_table)
        .map(|profiles| profiles.keys().cloned().collect())
        .unwrap_or_default()
}

fn default_profile(env: &TestEnv) -> Option<String> {
    settings(env)
        .get("default_profile")
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
}

#[test]
fn profiles_can_be_added_listed_and_made_the_default() {
    let env = TestEnv::new();
    let empty = env.cli().args(["profile", "list"]).run().ok();
    assert_eq!(
        empty.stdout,
        "  Sandbox  built in  the embedded sandbox with the demo account\n"
    );
    assert_eq!(env.settings_text(), "", "listing writes nothing");

    let out = env
        .cli()
        .args([
            "profile",
            "add",
            "work",
            "--url",
            "https://keys.example.com/core/v2/rest",
        ])
        .args(["--request-timeout", "12"])
        .run()
        .ok();
    assert_eq!(
        out.stderr,
        "Added profile 'work' with the base URL https://keys.example.com/core/v2/rest. Store its credentials with `netlicensing-keys --profile \"work\" auth login`.\n"
    );
    let stored = settings(&env);
    assert_eq!(
        default_profile(&env).as_deref(),
        Some("work"),
        "the first is the default"
    );
    assert_eq!(
        stored["profiles"]["work"]["base_url"].as_str(),
        Some("https://keys.example.com/core/v2/rest")
    );
    assert_eq!(
        stored["profiles"]["work"]["network"]["request_timeout_secs"].as_integer(),
        Some(12)
    );
    let out = env.cli().args(["profile", "add", "home"]).run().ok();
    assert!(
        out.stderr.starts_with("Added profile 'home' with the base URL https://go.netlicensing.io/core/v2/rest (the live service; give --url to choose another)."),
        "{}",
        out.stderr
    );
    // Without --url, NETLICENSING_BASE_URL is used, and said.
    let out = env
        .cli()
        .env(
            "NETLICENSING_BASE_URL",
            "https://staging.example/core/v2/rest",
        )
        .args(["profile", "add", "staging-eu"])
        .run()
        .ok();
    assert!(
        out.stderr.starts_with("Added profile 'staging-eu' with the base URL https://staging.example/core/v2/rest (from NETLICENSING_BASE_URL; give --url to choose another)."),
        "{}",
        out.stderr
    );
    let listed = env.cli().args(["profile", "list"]).run().ok();
    assert_eq!(
        listed.stdout,
        "  home        API key   https://go.netlicensing.io/core/v2/rest\n\
           \x20 staging-eu  API key   https://staging.example/core/v2/rest\n\
           * work        API key   https://keys.example.com/core/v2/rest\n\
           \x20 Sandbox     built in  the embedded sandbox with the demo account\n"
    );
    env.cli()
        .args(["profile", "remove", "staging-eu"])
        .run()
        .ok();

    for (name, message) in [
        ("WORK", "There is already a profile named 'work'."),
        (
            "sandbox",
            "The name 'Sandbox' belongs to the built-in sandbox profile; choose another name.",
        ),
        (" padded", "A profile name cannot start or end with spaces."),
    ] {
        let out = env.cli().args(["profile", "add", name]).run().code(2);
        assert_eq!(out.error_line(), message);
    }

    let out = env.cli().args(["profile", "use", "HOME"]).run().ok();
    assert_eq!(out.stderr, "'home' is now the default profile.\n");
    assert_eq!(default_profile(&env).as_deref(), Some("home"));
    env.cli().args(["profile", "use", "sandbox"]).run().ok();
    let listed = env.cli().args(["profile", "list"]).run().ok();
    assert!(
        listed.stdout.contains("* Sandbox  built in "),
        "{}",
        listed.stdout
    );
    assert!(!listed.stdout.contains("* work") && !listed.stdout.contains("* home"));
}

#[test]
fn profiles_can_be_renamed_and_removed_without_a_keychain() {
    let env = TestEnv::new();
    env.cli().args(["profile", "add", "work"]).run().ok();
    env.cli().args(["profile", "add", "home"]).run().ok();
    assert_eq!(default_profile(&env).as_deref(), Some("work"));

    // Renaming (typed in another case) keeps it the default; with no keychain to move secrets
    // in, the rename still happens and says so.
    let out = env
        .cli()
        .args(["profile", "rename", "WORK", "job"])
        .run()
        .ok();
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(
        lines[0].starts_with("warning: no keychain is available"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("profile 'work'"), "{}", lines[0]);
    assert_eq!(lines[1], "Renamed profile 'work' to 'job'.");
    assert_eq!(profile_names(&env), ["home", "job"]);
    assert_eq!(default_profile(&env).as_deref(), Some("job"));
    let out = env
        .cli()
        .args(["profile", "rename", "job", "Home"])
        .run()
        .code(2);
    assert_eq!(out.error_line(), "There is already a profile named 'home'.");

    let out = env.cli().args(["profile", "remove", "job"]).run().ok();
    assert!(
        out.stderr.ends_with("Removed profile 'job'.\n"),
        "{}",
        out.stderr
    );
    assert_eq!(profile_names(&env), ["home"]);
    assert_eq!(
        default_profile(&env).as_deref(),
        Some("home"),
        "the default moves on"
    );

    for args in [
        &["profile", "remove", "job"][..],
        &["profile", "use", "nowhere"],
        &["profile", "rename", "nowhere", "x"],
    ] {
        let out = env.cli().args(args).run().code(2);
        out.error_line();
    }
    let out = env
        .cli()
        .args(["profile", "remove", "Sandbox"])
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "The Sandbox profile is built in and read-only: it cannot be removed."
    );
    let out = env
        .cli()
        .args(["profile", "rename", "sandbox", "play"])
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "The Sandbox profile is built in and read-only: it cannot be renamed."
    );
    assert_eq!(profile_names(&env), ["home"]);
}

#[test]
fn a_default_profile_that_is_not_there_is_named() {
    let env = TestEnv::new();
    let sandbox = sandbox();
    std::fs::create_dir_all(env.settings_file().parent().unwrap()).unwrap();
    std::fs::write(
        env.settings_file(),
        format!(
            "default_profile = \"missing\"\n[profiles.other]\nbase_url = \"{}\"\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    let sentence = "The settings file names 'missing' as the default profile, but there is no profile of that name. Choose one with `netlicensing-keys profile use NAME` (`profile list` shows them), or give --profile NAME.";
    // Not silently the other profile's account, with credentials from the environment or not.
    for out in [
        env.cli().vendor().arg("list").run().code(2),
        env.cli().args(["auth", "show"]).run().code(2),
        env.cli().args(["auth", "logout"]).run().code(2),
    ] {
        assert_eq!(out.error_line(), sentence);
    }
    let listed = env.cli().args(["profile", "list"]).run().ok();
    assert_eq!(listed.stderr, format!("warning: {sentence}\n"));
    env.cli()
        .vendor()
        .args(["--profile", "other", "list"])
        .run()
        .ok();
    env.cli().args(["profile", "use", "other"]).run().ok();
    env.cli().vendor().arg("list").run().ok();
}

#[test]
fn a_profile_supplies_the_base_url_and_the_flag_overrides_it() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let url = sandbox.base_url();
    env.cli()
        .args(["profile", "add", "local", "--url", &url])
        .run()
        .ok();
    let out = env
        .cli()
        .vendor()
        .args(["list", "--format", "csv"])
        .run()
        .ok();
    assert_eq!(out.stdout.lines().count(), 7, "{}", out.stdout);

    let shown = env.cli().vendor().args(["auth", "show"]).run().ok();
    assert!(
        shown.stdout.contains("profile:  local\n"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains(&format!("base URL: {url}\n")),
        "{}",
        shown.stdout
    );

    // --base-url wins over the profile's.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    env.cli()
        .vendor()
        .base_url(&format!("http://127.0.0.1:{port}/core/v2/rest"))
        .arg("list")
        .run()
        .code(6);
}

#[test]
fn a_profile_whose_secret_is_in_an_unreachable_keychain_says_what_to_do() {
    let env = TestEnv::new();
    env.cli().args(["profile", "add", "work"]).run().ok();
    let out = env.cli().args(["--profile", "work", "list"]).run().code(1);
    let line = out.error_line();
    assert!(line.starts_with("No keychain is available"), "{line}");
    assert!(line.contains("Set NETLICENSING_API_KEY"), "{line}");
    assert!(
        !line.contains("this session only"),
        "that is the desktop app's offer: {line}"
    );
}

#[test]
fn the_config_flag_wins_over_the_environment() {
    let env = TestEnv::new();
    let other = env.root().join("elsewhere/settings.toml");
    env.cli()
        .arg("--config")
        .arg(&other)
        .args(["profile", "add", "flagged"])
        .run()
        .ok();
    assert_eq!(
        env.settings_text(),
        "",
        "the NETLICENSING_KEYS_CONFIG file is untouched"
    );
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(text.contains("[profiles.flagged]"), "{text}");
    let listed = env
        .cli()
        .arg("--config")
        .arg(&other)
        .args(["profile", "list"])
        .run()
        .ok();
    assert!(listed.stdout.starts_with("* flagged"), "{}", listed.stdout);
}

#[test]
fn a_change_that_cannot_be_saved_reports_only_the_failure() {
    let env = TestEnv::new();
    // A folder that cannot exist: nothing can be saved there, even by root.
    let out = env
        .cli()
        .args(["--config", "/proc/nope/s.toml", "profile", "add", "X"])
        .run()
        .code(1);
    assert_eq!(
        out.error_line(),
        "The settings could not be saved to /proc/nope/s.toml: it does not exist."
    );
    // Settings that can be read (standard input) but not written over: /proc/self/fd takes no
    // new files. No success sentence may come before the error.
    let stored = "default_profile = \"work\"\n\n[profiles.work]\nbase_url = \"https://a.example/core/v2/rest\"\n\n[profiles.home]\nbase_url = \"https://a.example/core/v2/rest\"\n";
    for args in [
        &["profile", "use", "home"][..],
        &["profile", "rename", "home", "away"],
        &["profile", "remove", "home"],
    ] {
        let out = env
            .cli()
            .args(["--config", "/proc/self/fd/0"])
            .args(args)
            .stdin(stored)
            .run()
            .code(1);
        let last = out.stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("error: The settings could not be saved to /proc/self/fd/0"),
            "{args:?}: {}",
            out.stderr
        );
        for line in out.stderr.lines() {
            assert!(
                line.starts_with("error: ") || line.starts_with("warning: "),
                "{args:?}: a success sentence before the error: {}",
                out.stderr
            );
        }
    }
}

#[test]
fn a_settings_file_that_is_a_folder_is_said_in_words() {
    let env = TestEnv::new();
    let out = env
        .cli()
        .arg("--config")
        .arg(env.root())
        .args(["profile", "list"])
        .run()
        .code(1);
    assert_eq!(
        out.error_line(),
        format!(
            "The settings file {} could not be read: it is a folder, not a file.",
            env.root().display()
        )
    );
}

#[test]
fn a_damaged_settings_file_is_kept_and_defaults_are_used() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.settings_file().parent().unwrap()).unwrap();
    std::fs::write(env.settings_file(), "profiles = [not toml").unwrap();
    let out = env.cli().args(["profile", "list"]).run().ok();
    assert!(
        out.stderr.starts_with("warning: The settings file "),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    let backup = env.settings_file().with_file_name("settings.toml.bak");
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        "profiles = [not toml"
    );
    env.cli().args(["profile", "add", "fresh"]).run().ok();
    assert_eq!(profile_names(&env), ["fresh"]);
}

#[test]
fn a_profiles_base_url_is_checked_when_it_is_added() {
    let env = TestEnv::new();
    let out = env
        .cli()
        .args(["profile", "add", "Evil", "--url", "http://example.com/x"])
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "The base URL must start with https://. Plain http:// is allowed only for this computer (localhost, 127.0.0.1)."
    );
    // The same when the URL comes from --base-url.
    let out = env
        .cli()
        .base_url("ftp://example.com/core/v2/rest")
        .args(["profile", "add", "Evil"])
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "The base URL is not valid: it must start with https://, not ftp://."
    );
    assert_eq!(env.settings_text(), "", "nothing was stored");
    // Plain http to this computer is fine (a local sandbox).
    env.cli()
        .args([
            "profile",
            "add",
            "local",
            "--url",
            "http://127.0.0.1:8080/core/v2/rest",
        ])
        .run()
        .ok();
    assert_eq!(profile_names(&env), ["local"]);
}

#[test]
fn a_proxy_address_is_checked_when_a_profile_is_added() {
    let env = TestEnv::new();
    let out = env
        .cli()
        .args([
            "profile",
            "add",
            "work",
            "--https-proxy",
            "socks9://jane:secret@proxy:1080",
        ])
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "--https-proxy: the proxy address must start with http:// or https://, not socks9://."
    );
    assert!(!out.all_output().contains("secret"));
    assert_eq!(env.settings_text(), "");

    // A password in the address would go to the settings file.
    let out = env
        .cli()
        .args([
            "profile",
            "add",
            "work",
            "--https-proxy",
            "http://jane:secret@proxy:3128",
        ])
        .run()
        .code(2);
    assert!(
        out.error_line()
            .starts_with("--https-proxy: a proxy password cannot be kept in the settings"),
        "{}",
        out.error_line()
    );
    assert!(!out.all_output().contains("secret"));
    assert_eq!(env.settings_text(), "");
}

#[test]
fn a_profiles_timeouts_are_checked_when_it_is_added() {
    let env = TestEnv::new();
    for (option, value) in [
        ("--connect-timeout", "0"),
        ("--connect-timeout", "-5"),
        ("--request-timeout", "3601"),
    ] {
        let out = env
            .cli()
            .args(["profile", "add", "work", option, value])
            .run()
            .code(2);
        assert!(
            out.stderr.starts_with(&format!(
                "error: invalid value '{value}' for '{option} <SECONDS>': give a whole number of seconds from 1 to 3600\n"
            )),
            "{}",
            out.stderr
        );
    }
    assert_eq!(env.settings_text(), "");
}
