#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Exit codes and error lines: every failure ends with its documented code (2 usage,
//! 3 authentication, 4 permission, 5 not found, 6 network/TLS/timeout, 7 server/unreadable,
//! 1 anything else) and one line on standard error that a person understands and that holds no
//! secret.

use std::time::{Duration, Instant};

use crate::scripted_server::{Reply, ScriptedServer};
use crate::support::{Outcome, TestEnv, error_json, masked, sandbox};
use netlicensing_keys::sandbox::seed::{
    ADMIN_KEY, ANALYTICS_KEY, LICENSEE_KEY, MAINTENANCE_KEY, OPERATION_KEY,
};

/// Fails unless the error line holds none of `secrets`, in full.
#[track_caller]
fn assert_secret_free(out: &Outcome, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !out.all_output().contains(secret),
            "`{}` printed a secret: {}",
            out.command,
            out.all_output()
        );
    }
}

/// A port on loopback where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn wrong_use_exits_2() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let url = sandbox.base_url();
    let clap_errors: [&[&str]; 6] = [
        &["list", "--role", "superuser"],
        &["list", "--format", "xml"],
        &["frobnicate"],
        &["--timeout", "0", "list"],
        &["--timeout", "soon", "list"],
        &["revoke"],
    ];
    for args in clap_errors {
        let out = env.cli().base_url(&url).vendor().args(args).run().code(2);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    }

    // Zero and negative timeouts get the same plain sentence (a negative one used to be taken
    // for an unknown option).
    for timeout in ["0", "-1", "-0.5"] {
        let out = env
            .cli()
            .base_url(&url)
            .vendor()
            .args(["--timeout", timeout, "list"])
            .run()
            .code(2);
        assert!(
            out.stderr.starts_with(&format!(
                "error: invalid value '{timeout}' for '--timeout <SECONDS>': give a number of seconds greater than 0 (such as 30 or 0.5), at most 3600\n"
            )),
            "{}",
            out.stderr
        );
    }
    let out = env.cli().args(["--timeout", "7200", "list"]).run().code(2);
    assert!(
        out.stderr
            .contains("'--timeout <SECONDS>': the longest timeout is 3600 seconds"),
        "{}",
        out.stderr
    );

    let insecure = env
        .cli()
        .base_url("http://keys.example.com/core/v2/rest")
        .vendor()
        .arg("list")
        .run()
        .code(2);
    assert!(
        insecure.error_line().contains("must start with https://"),
        "{}",
        insecure.stderr
    );
    let invalid = env
        .cli()
        .base_url("not a url")
        .vendor()
        .arg("list")
        .run()
        .code(2);
    assert_eq!(
        invalid.error_line(),
        "The base URL is not valid: it must be a full address such as https://go.netlicensing.io/core/v2/rest."
    );

    let unknown = env
        .cli()
        .base_url(&url)
        .vendor()
        .args(["--profile", "nowhere", "list"])
        .run()
        .code(2);
    assert_eq!(unknown.error_line(), "There is no profile named 'nowhere'.");

    let half = env
        .cli()
        .base_url(&url)
        .env("NETLICENSING_USERNAME", "demo")
        .arg("list")
        .run()
        .code(2);
    assert!(
        half.error_line()
            .starts_with("NETLICENSING_PASSWORD is not set"),
        "{}",
        half.stderr
    );
}

#[test]
fn a_secret_is_never_taken_as_an_argument() {
    let env = TestEnv::new();
    let attempts: [&[&str]; 3] = [
        &["auth", "login", "--password", "hunter2-as-argument"],
        &["auth", "login", "--api-key", "hunter2-as-argument"],
        &["list", "--password", "hunter2-as-argument"],
    ];
    for args in attempts {
        let out = env.cli().args(args).run().code(2);
        assert!(out.stderr.contains("unexpected argument"), "{}", out.stderr);
        assert_secret_free(&out, &["hunter2-as-argument"]);
    }
    assert_eq!(env.settings_text(), "");
}

#[test]
fn credentials_that_are_refused_exit_3() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let url = sandbox.base_url();

    let out = env
        .cli()
        .base_url(&url)
        .env("NETLICENSING_USERNAME", "demo")
        .env("NETLICENSING_PASSWORD", "wrong-password-77")
        .arg("list")
        .run()
        .code(3);
    assert!(
        out.error_line()
            .starts_with("NetLicensing did not accept the credentials"),
        "{}",
        out.stderr
    );
    assert_secret_free(&out, &["wrong-password-77"]);

    let unknown_key = "0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b";
    let out = env
        .cli()
        .base_url(&url)
        .api_key(unknown_key)
        .args(["auth", "test"])
        .run()
        .code(3);
    out.error_line();
    assert_secret_free(&out, &[unknown_key]);

    // A key that worked until it was revoked.
    let made = env
        .cli()
        .base_url(&url)
        .vendor()
        .args(["create", "--role", "admin"])
        .run()
        .ok();
    let key = made.stdout.trim().to_owned();
    env.cli()
        .base_url(&url)
        .api_key(&key)
        .arg("list")
        .run()
        .ok();
    env.cli()
        .base_url(&url)
        .vendor()
        .args(["revoke", "--yes", &key])
        .run()
        .ok();
    let out = env
        .cli()
        .base_url(&url)
        .api_key(&key)
        .arg("list")
        .run()
        .code(3);
    assert_secret_free(&out, &[&key]);

    let none = env.cli().base_url(&url).arg("list").run().code(3);
    assert!(
        none.error_line().starts_with("No credentials yet."),
        "{}",
        none.stderr
    );
    assert!(none.stderr.contains("--profile Sandbox"));
}

#[test]
fn keys_without_the_right_role_exit_4_and_change_nothing() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let url = sandbox.base_url();
    for key in [ANALYTICS_KEY, OPERATION_KEY, MAINTENANCE_KEY, LICENSEE_KEY] {
        for args in [
            &["list"][..],
            &["create", "--role", "admin"],
            &["revoke", "--yes", ADMIN_KEY],
            &["revoke", "--yes", &masked(ADMIN_KEY)],
            &["rotate", "--yes", ADMIN_KEY],
        ] {
            let out = env
                .cli()
                .base_url(&url)
                .api_key(key)
                .args(args)
                .run()
                .code(4);
            assert!(
                out.error_line().contains(
                    "Managing API keys needs the vendor login or an API key with the Admin role."
                ),
                "{}",
                out.stderr
            );
            assert_eq!(out.stdout, "");
            assert_secret_free(&out, &[key, ADMIN_KEY]);
        }
    }
    let all = env
        .cli()
        .base_url(&url)
        .api_key(ADMIN_KEY)
        .args(["list", "--format", "csv"])
        .run()
        .ok();
    assert_eq!(
        all.stdout.lines().count(),
        1 + 6,
        "nothing created or revoked"
    );
}

#[test]
fn a_key_that_is_not_there_exits_5_without_echoing_it() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let unknown = "0a0a0a0a-0b0b-4c0c-8d0d-0e0e0e0e0e0e";
    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .vendor()
        .args(["revoke", "--yes", unknown])
        .run()
        .code(5);
    assert!(out.error_line().starts_with("Not found"), "{}", out.stderr);
    assert_secret_free(&out, &[unknown]);

    // The live service names the number it did not find; the line still must not hold it.
    let server = ScriptedServer::start(vec![Reply::json(
        400,
        error_json(
            "NotFoundException",
            &format!("Token with the number '{unknown}' does not exist."),
        ),
    )]);
    let out = env
        .cli()
        .base_url(&server.base_url)
        .vendor()
        .args(["-v", "revoke", "--yes", unknown])
        .run()
        .code(5);
    assert_secret_free(&out, &[unknown]);
    assert!(
        out.stderr.contains(&format!(
            "Token with the number '{}' does not exist.",
            masked(unknown)
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn network_failures_exit_6() {
    let env = TestEnv::new();
    let port = closed_port();
    let out = env
        .cli()
        .base_url(&format!("http://127.0.0.1:{port}/core/v2/rest"))
        .vendor()
        .arg("list")
        .run()
        .code(6);
    assert_eq!(
        out.error_line(),
        format!(
            "127.0.0.1:{port} refused the connection. Is the server running, and is the base URL right?"
        )
    );

    let sandbox = sandbox();
    sandbox.set_latency(Duration::from_secs(5));
    let started = Instant::now();
    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .vendor()
        .args(["--timeout", "0.5", "list"])
        .run()
        .code(6);
    assert!(
        out.error_line()
            .ends_with("did not answer within 0.5 seconds."),
        "{}",
        out.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "--timeout is honoured"
    );

    let hanging = ScriptedServer::start(vec![Reply::Hang]);
    let out = env
        .cli()
        .base_url(&hanging.base_url)
        .vendor()
        .args(["--timeout", "0.5", "auth", "test"])
        .run()
        .code(6);
    out.error_line();

    let closing = ScriptedServer::start(vec![Reply::Close]);
    let out = env
        .cli()
        .base_url(&closing.base_url)
        .vendor()
        .arg("list")
        .run()
        .code(6);
    assert!(
        out.error_line().starts_with("Could not talk to 127.0.0.1"),
        "{}",
        out.stderr
    );
}

#[test]
fn server_failures_and_unreadable_answers_exit_7() {
    let env = TestEnv::new();
    let sandbox = sandbox();
    let url = sandbox.base_url();

    // One bad answer is tried again (a GET, twice at most), and logged with -v.
    sandbox.malform_next(1);
    let out = env
        .cli()
        .base_url(&url)
        .vendor()
        .args(["-v", "list"])
        .run()
        .ok();
    assert!(
        out.stderr.contains("trying the call again in 250 ms"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout.lines().count(), 7, "{}", out.stdout);
    // Three in a row are the answer.
    sandbox.malform_next(3);
    let out = env.cli().base_url(&url).vendor().arg("list").run().code(7);
    assert!(
        out.error_line().contains("not a NetLicensing response"),
        "{}",
        out.stderr
    );
    env.cli().base_url(&url).vendor().arg("list").run().ok();

    // The same through the control endpoint, as an out-of-process tool would do it.
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let answer = http
        .post(sandbox.faults_url())
        .form(&[("malform_next", "3")])
        .send()
        .unwrap();
    assert!(answer.status().is_success());
    env.cli().base_url(&url).vendor().arg("list").run().code(7);

    // Every answer fails: a 500, or a connection dropped without one (then it is the network).
    sandbox.set_fail_rate(1.0);
    for _ in 0..4 {
        let out = env.cli().base_url(&url).vendor().arg("list").run();
        match out.code {
            Some(7) => assert!(
                out.error_line()
                    .starts_with("NetLicensing had a server error (HTTP 500)"),
                "{}",
                out.stderr
            ),
            Some(6) => assert!(
                out.error_line().starts_with("Could not talk to"),
                "{}",
                out.stderr
            ),
            other => panic!("exit code {other:?}: {}", out.stderr),
        }
    }
    sandbox.set_fail_rate(0.0);

    let proxy_page = ScriptedServer::start(vec![Reply::Body(
        502,
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>".to_owned(),
    )]);
    let out = env
        .cli()
        .base_url(&proxy_page.base_url)
        .vendor()
        .arg("list")
        .run()
        .code(7);
    assert!(out.error_line().contains("HTTP 502"), "{}", out.stderr);
}

#[test]
fn other_refusals_exit_1() {
    let env = TestEnv::new();
    let quota = ScriptedServer::start(vec![Reply::json(
        402,
        error_json("PaymentRequiredException", "Plan limit reached."),
    )]);
    let out = env
        .cli()
        .base_url(&quota.base_url)
        .vendor()
        .args(["create", "--role", "admin"])
        .run()
        .code(1);
    assert!(
        out.error_line()
            .starts_with("The NetLicensing plan's quota is used up"),
        "{}",
        out.stderr
    );
}

#[test]
fn logs_go_to_standard_error_as_plain_text() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .vendor()
        .args(["-vv", "list", "--format", "csv"])
        .run()
        .ok();
    assert!(
        out.stdout.starts_with("number,name,"),
        "results only: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains("NetLicensing call succeeded"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains('\u{1b}'),
        "no colour codes in a pipe: {:?}",
        out.stderr
    );
    let quiet = env
        .cli()
        .base_url(&sandbox.base_url())
        .vendor()
        .arg("list")
        .run()
        .ok();
    assert_eq!(quiet.stderr, "", "no log lines unless asked for");
}

#[test]
fn a_create_whose_answer_is_lost_says_the_key_may_exist_anyway() {
    let env = TestEnv::new();
    let sandbox = sandbox();
    let before = crate::support::numbers(&env, &sandbox);

    // The sandbox creates the key, then its answer is malformed.
    sandbox.malform_next(1);
    let out = env
        .cli()
        .base_url(&sandbox.base_url())
        .vendor()
        .args(["create", "--role", "licensee"])
        .run()
        .code(7);
    assert_eq!(
        out.error_line(),
        "The server answered HTTP 200 with broken or unexpected JSON (it ends too early): not a NetLicensing response. Check the base URL; a proxy or firewall may be in the way. The server may have created the key anyway: check with `netlicensing-keys list` before trying again."
    );
    assert_eq!(
        crate::support::numbers(&env, &sandbox).len(),
        before.len() + 1
    );

    // The connection drops once the request is sent.
    let closing = ScriptedServer::start(vec![Reply::Close]);
    let out = env
        .cli()
        .base_url(&closing.base_url)
        .vendor()
        .args(["create", "--role", "licensee"])
        .run()
        .code(6);
    assert!(
        out.error_line()
            .ends_with("The server may have created the key anyway: check with `netlicensing-keys list` before trying again."),
        "{}",
        out.stderr
    );
    assert_eq!(closing.recorded().len(), 1);
    assert_eq!(closing.recorded()[0].method, "POST");

    // A rotate whose create is lost revokes nothing, and says the new key may exist.
    let key = OPERATION_KEY;
    let rotating = ScriptedServer::start_with(move |request| {
        if request.method == "GET" {
            Reply::json(
                200,
                format!(
                    r#"{{"items":{{"item":[{{"type":"Token","property":[{{"name":"number","value":"{key}"}},{{"name":"tokenType","value":"APIKEY"}},{{"name":"active","value":"true"}},{{"name":"apiKeyRole","value":"ROLE_APIKEY_OPERATION"}}]}}]}}}}"#
                ),
            )
        } else {
            Reply::Close
        }
    });
    let out = env
        .cli()
        .base_url(&rotating.base_url)
        .vendor()
        .args(["rotate", "--yes", OPERATION_KEY])
        .run()
        .code(6);
    assert!(
        out.error_line().ends_with(
            "The server may have created the new key anyway: check with `netlicensing-keys list`. The old key was not revoked."
        ),
        "{}",
        out.stderr
    );
    let methods: Vec<String> = rotating.recorded().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "POST"]);

    // Nothing reached a server that refuses connections: no such advice.
    let out = env
        .cli()
        .base_url(&format!("http://127.0.0.1:{}/core/v2/rest", closed_port()))
        .vendor()
        .args(["create", "--role", "licensee"])
        .run()
        .code(6);
    assert!(
        !out.error_line().contains("may have created"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_base_url_without_the_api_path_gets_a_hint() {
    let env = TestEnv::new();
    let web_server = ScriptedServer::start(vec![Reply::Body(
        404,
        "text/html",
        "<html><body><h1>Not Found</h1></body></html>".to_owned(),
    )]);
    let base = web_server
        .base_url
        .trim_end_matches("/core/v2/rest")
        .to_owned();
    let out = env.cli().base_url(&base).vendor().arg("list").run().code(7);
    assert_eq!(
        out.error_line(),
        "The server answered HTTP 404 with an HTML page (often a proxy or login portal): there is no NetLicensing API at this address. Check the base URL: it ends with /core/v2/rest (like https://go.netlicensing.io/core/v2/rest)."
    );
}

#[test]
fn the_base_url_variable_does_not_show_as_a_typed_flag_in_usage_lines() {
    let env = TestEnv::new();
    let out = env
        .cli()
        .env("NETLICENSING_BASE_URL", "http://127.0.0.1:9/core/v2/rest")
        .arg("revoke")
        .run()
        .code(2);
    assert!(
        out.stderr
            .contains("Usage: netlicensing-keys revoke <KEY>...\n"),
        "{}",
        out.stderr
    );
    // The variable still counts, and a blank one is unset.
    let shown = env
        .cli()
        .env("NETLICENSING_BASE_URL", "http://127.0.0.1:9/core/v2/rest")
        .vendor()
        .args(["auth", "show"])
        .run()
        .ok();
    assert!(
        shown
            .stdout
            .contains("base URL: http://127.0.0.1:9/core/v2/rest\n"),
        "{}",
        shown.stdout
    );
    let shown = env
        .cli()
        .env("NETLICENSING_BASE_URL", " ")
        .vendor()
        .args(["auth", "show"])
        .run()
        .ok();
    assert!(
        shown
            .stdout
            .contains("base URL: https://go.netlicensing.io/core/v2/rest\n"),
        "{}",
        shown.stdout
    );
}
