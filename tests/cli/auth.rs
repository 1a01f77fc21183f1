#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `auth test`, `auth show`, `auth login` and `auth logout`, running the real binary with no
//! keychain in reach. The round trip through a real keychain is in `keychain.rs`.

use crate::support::{TestEnv, masked, sandbox};
use netlicensing_keys::sandbox::seed::{ADMIN_KEY, ANALYTICS_KEY, LICENSEE_KEY, OPERATION_KEY};

#[test]
fn auth_test_says_the_method_the_base_url_and_what_the_credentials_may_do() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let url = sandbox.base_url();

    let out = env
        .cli()
        .base_url(&url)
        .vendor()
        .args(["auth", "test"])
        .run()
        .ok();
    assert_eq!(
        out.stdout,
        format!(
            "vendor login demo at {url} (credentials from the environment)\nvendor login: full access\n"
        )
    );

    let out = env
        .cli()
        .base_url(&url)
        .api_key(ADMIN_KEY)
        .args(["auth", "test"])
        .run()
        .ok();
    assert_eq!(
        out.stdout,
        format!(
            "API key {} at {url} (credentials from the environment)\nAPI key with role Admin: may manage API keys\n",
            masked(ADMIN_KEY)
        )
    );

    let hint =
        "To manage API keys, sign in with the vendor login or use an API key with the Admin role.";
    for key in [ANALYTICS_KEY, OPERATION_KEY] {
        let out = env
            .cli()
            .base_url(&url)
            .api_key(key)
            .args(["auth", "test"])
            .run()
            .ok();
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{}", out.stdout);
        assert!(lines[0].starts_with(&format!("API key {} at {url}", masked(key))));
        assert!(
            lines[1].starts_with("API key with role ")
                && lines[1].ends_with(": may read, but cannot manage API keys"),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], hint);
        assert!(!out.all_output().contains(key));
    }

    let out = env
        .cli()
        .base_url(&url)
        .api_key(LICENSEE_KEY)
        .args(["auth", "test"])
        .run()
        .ok();
    assert!(
        out.stdout
            .contains("API key with role Licensee: valid, but cannot read or manage API keys"),
        "{}",
        out.stdout
    );

    let out = env
        .cli()
        .args(["--profile", "Sandbox", "auth", "test"])
        .run()
        .ok();
    let first = out.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("vendor login demo at http://127.0.0.1:"),
        "{first}"
    );
    assert!(
        first.ends_with("/core/v2/rest (credentials from the built-in sandbox, profile 'Sandbox')"),
        "{first}"
    );
}

#[test]
fn auth_show_masks_the_secret_and_says_where_it_comes_from() {
    let env = TestEnv::new();
    let url = "http://127.0.0.1:9/core/v2/rest";
    let settings = env.settings_file();
    let out = env
        .cli()
        .base_url(url)
        .vendor()
        .args(["auth", "show"])
        .run()
        .ok();
    assert_eq!(
        out.stdout,
        format!(
            "profile:  (none)\nmethod:   vendor login\nusername: demo\nbase URL: {url}\nsecret:   ••••\nstored:   the environment\nsettings: {}\n",
            settings.display()
        )
    );

    let out = env
        .cli()
        .base_url(url)
        .api_key(ADMIN_KEY)
        .args(["auth", "show"])
        .run()
        .ok();
    assert!(out.stdout.contains("method:   API key\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("secret:   3f6…7a51\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("username:"));
    assert!(!out.all_output().contains(ADMIN_KEY));

    let out = env
        .cli()
        .env("NETLICENSING_USERNAME", "demo")
        .env("NETLICENSING_PASSWORD", "a-long-password-1234")
        .args(["auth", "show"])
        .run()
        .ok();
    assert!(
        out.stdout.contains("secret:   a-l…1234\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("base URL: https://go.netlicensing.io/core/v2/rest\n")
    );
    assert!(!out.all_output().contains("a-long-password-1234"));

    let out = env
        .cli()
        .args(["--profile", "sandbox", "auth", "show"])
        .run()
        .ok();
    assert!(
        out.stdout.starts_with("profile:  Sandbox\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("base URL: the embedded sandbox (started on demand)\n")
    );
    assert!(out.stdout.contains("stored:   the built-in sandbox\n"));

    let out = env.cli().args(["auth", "show"]).run().code(3);
    assert!(
        out.error_line().starts_with("No credentials yet."),
        "{}",
        out.stderr
    );
    assert_eq!(env.settings_text(), "", "auth show writes nothing");
}

#[test]
fn auth_show_without_a_secret_still_shows_the_profile() {
    let env = TestEnv::new();
    let settings = env.settings_file();
    // No keychain can be reached in these tests.
    env.cli()
        .args([
            "profile",
            "add",
            "work",
            "--url",
            "https://work.example/core/v2/rest",
        ])
        .run()
        .ok();
    let out = env
        .cli()
        .args(["--profile", "work", "auth", "show"])
        .run()
        .ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "profile:  work",
            "method:   API key",
            "base URL: https://work.example/core/v2/rest"
        ],
        "{}",
        out.stdout
    );
    assert!(
        lines[3].starts_with("secret:   not available: no keychain is reachable ("),
        "{}",
        out.stdout
    );
    assert_eq!(lines[4], format!("settings: {}", settings.display()));

    // A vendor login without its username (a hand-edited file) has nothing to look up.
    std::fs::write(
        &settings,
        "default_profile = \"shop\"\n[profiles.shop]\nbase_url = \"https://shop.example/core/v2/rest\"\nmethod = \"vendor-login\"\n",
    )
    .unwrap();
    let out = env.cli().args(["auth", "show"]).run().ok();
    assert_eq!(
        out.stdout,
        format!(
            "profile:  shop\nmethod:   vendor login\nusername: (none)\nbase URL: https://shop.example/core/v2/rest\nsecret:   not stored (log in with `netlicensing-keys --profile \"shop\" auth login`)\nsettings: {}\n",
            settings.display()
        )
    );
}

#[test]
fn login_without_a_keychain_checks_then_stores_nothing() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let url = sandbox.base_url();
    let out = env
        .cli()
        .base_url(&url)
        .args([
            "auth",
            "login",
            "--method",
            "basic",
            "--username",
            "demo",
            "--password-stdin",
        ])
        .stdin("demo\n")
        .run()
        .code(1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines[0], "Checked: vendor login: full access.");
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(
        lines[1].starts_with("error: The secret was not stored. No keychain is available:"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("Set NETLICENSING_API_KEY"),
        "{}",
        lines[1]
    );
    assert!(!lines[1].contains("this session only"), "{}", lines[1]);
    assert_eq!(env.settings_text(), "", "no profile without its secret");

    let out = env
        .cli()
        .base_url(&url)
        .args(["auth", "login", "--api-key-stdin"])
        .stdin(ADMIN_KEY)
        .run()
        .code(1);
    assert!(
        out.stderr
            .starts_with("Checked: API key with role Admin: may manage API keys.\n")
    );
    assert!(!out.all_output().contains(ADMIN_KEY));
    assert_eq!(env.settings_text(), "");
}

#[test]
fn login_with_a_username_means_the_vendor_login() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    // No --method, no --password-stdin: the password is read (here from the pipe, on a terminal
    // from a prompt) and checked as the vendor login's.
    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .args(["auth", "login", "--username", "demo"])
        .stdin("demo\n")
        .run()
        .code(1);
    assert!(
        out.stderr
            .starts_with("Checked: vendor login: full access.\nerror: The secret was not stored."),
        "{}",
        out.stderr
    );

    // On a terminal it asks for the password, without echo.
    #[cfg(target_os = "linux")]
    {
        let out = env
            .cli()
            .base_url(&sandbox.base_url())
            .args(["auth", "login", "--username", "demo"])
            .terminal()
            .stdin("demo\n")
            .run()
            .code(1);
        assert!(out.stdout.contains("Password: "), "{}", out.stdout);
        assert!(
            out.stdout.contains("Checked: vendor login: full access."),
            "{}",
            out.stdout
        );
    }

    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .args(["auth", "login", "--username", "demo", "--api-key-stdin"])
        .stdin(ADMIN_KEY)
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "--username is for the vendor login (--method basic); an API key needs none."
    );
}

#[test]
fn login_refuses_credentials_the_server_refuses() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .args([
            "auth",
            "login",
            "--method",
            "basic",
            "--username",
            "demo",
            "--password-stdin",
        ])
        .stdin("not-the-password-42")
        .run()
        .code(3);
    assert!(
        out.error_line()
            .starts_with("NetLicensing did not accept the credentials"),
        "{}",
        out.stderr
    );
    assert!(!out.all_output().contains("not-the-password-42"));
    assert_eq!(env.settings_text(), "");
}

#[test]
fn login_and_logout_refuse_what_cannot_work() {
    let env = TestEnv::new();
    let url = "http://127.0.0.1:9/core/v2/rest";
    let cases: [(&[&str], Option<&str>, &str); 8] = [
        // Standard input that gives nothing (`</dev/null`, a script without a terminal).
        (
            &["auth", "login", "--method", "basic", "--username", "demo"],
            None,
            "No password was given: standard input is not a terminal and gave nothing. Pipe the password in with --password-stdin, or run the command on a terminal to type it.",
        ),
        (
            &["auth", "login", "--method", "apikey"],
            None,
            "No API key was given: standard input is not a terminal and gave nothing. Pipe the API key in with --api-key-stdin, or run the command on a terminal to type it.",
        ),
        (
            &["auth", "login", "--api-key-stdin"],
            Some(""),
            "No API key was given on standard input: --api-key-stdin reads it from there, so pipe it in.",
        ),
        (
            &["auth", "login", "--method", "apikey", "--password-stdin"],
            Some("x"),
            "--password-stdin goes with --method basic, --api-key-stdin with --method apikey.",
        ),
        (
            &[
                "auth",
                "login",
                "--method",
                "basic",
                "--username",
                "demo",
                "--password-stdin",
            ],
            Some(" \n"),
            "The password is empty.",
        ),
        (
            &["auth", "login", "--method", "basic", "--password-stdin"],
            Some("pw"),
            "Give the vendor login's --username.",
        ),
        (
            &["--profile", "Sandbox", "auth", "login", "--api-key-stdin"],
            Some("x"),
            "The Sandbox profile is built in and needs no login.",
        ),
        (
            &["auth", "logout"],
            None,
            "There is no profile to log out of.",
        ),
    ];
    for (args, stdin, message) in cases {
        let mut run = env.cli().base_url(url).args(args);
        if let Some(text) = stdin {
            run = run.stdin(text);
        }
        let out = run.run().code(2);
        assert_eq!(out.error_line(), message);
    }
    let out = env
        .cli()
        .args(["auth", "login", "--password-stdin", "--api-key-stdin"])
        .run()
        .code(2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    let out = env
        .cli()
        .args(["--profile", "sandbox", "auth", "logout"])
        .run()
        .code(2);
    assert_eq!(out.error_line(), "The Sandbox profile stores no secret.");
    let out = env
        .cli()
        .args(["--profile", "nowhere", "auth", "logout"])
        .run()
        .code(2);
    assert_eq!(out.error_line(), "There is no profile named 'nowhere'.");
    assert_eq!(env.settings_text(), "");
}
