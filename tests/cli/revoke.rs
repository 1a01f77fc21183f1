#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `revoke` and `rotate`, running the real binary against an in-process sandbox, or against a
//! scripted server where a test needs an answer the sandbox never gives (two keys with the same
//! ending, a create or a revoke that fails in the middle of a rotate).

use std::collections::BTreeSet;

use crate::scripted_server::{Reply, ScriptedServer};
use crate::support::{
    TestEnv, error_json, item_json, items_json, json, key_item, masked, numbers, printed_key,
    sandbox, vendor,
};
use netlicensing_keys::sandbox::seed::{
    ADMIN_KEY, ANALYTICS_KEY, CUSTOMER, CUSTOMER_KEY, LICENSEE_KEY, MAINTENANCE_KEY, OPERATION_KEY,
    SHOP_TOKEN,
};

#[test]
fn revoke_by_full_key_last_characters_and_masked_form() {
    let sandbox = sandbox();
    let env = TestEnv::new();

    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", ANALYTICS_KEY])
        .run()
        .ok();
    assert_eq!(out.stderr, "Revoked 'CRM export' (Analytics, e2a…3a84).\n");
    assert_eq!(out.stdout, "");

    let tail = &OPERATION_KEY[OPERATION_KEY.len() - 8..];
    vendor(&env, &sandbox)
        .args(["revoke", "--yes", tail])
        .run()
        .ok();
    vendor(&env, &sandbox)
        .args(["revoke", "--yes", &masked(MAINTENANCE_KEY)])
        .run()
        .ok();
    // The masked form typed with three dots, in capitals.
    let dotted = masked(LICENSEE_KEY).replace('…', "...").to_uppercase();
    vendor(&env, &sandbox)
        .args(["revoke", "--yes", &dotted])
        .run()
        .ok();

    let left: BTreeSet<String> = [ADMIN_KEY, CUSTOMER_KEY].map(str::to_owned).into();
    assert_eq!(numbers(&env, &sandbox), left);

    // Several at once, the same key twice in different forms counts once.
    let first = printed_key(
        &vendor(&env, &sandbox)
            .args(["create", "--role", "analytics", "--name", "one"])
            .run()
            .ok(),
    );
    let second = printed_key(
        &vendor(&env, &sandbox)
            .args(["create", "--role", "analytics", "--name", "two"])
            .run()
            .ok(),
    );
    let out = vendor(&env, &sandbox)
        .args([
            "revoke",
            "--yes",
            &first,
            &masked(&second),
            &first[first.len() - 6..],
        ])
        .run()
        .ok();
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert_eq!(numbers(&env, &sandbox), left);
}

#[test]
fn revoke_refuses_unknown_too_short_and_non_api_key_tokens() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let before = numbers(&env, &sandbox);

    let unknown = "00000000-0000-4000-8000-0000000000aa";
    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", unknown])
        .run()
        .code(5);
    assert!(out.error_line().starts_with("Not found"), "{}", out.stderr);
    assert!(
        !out.stderr.contains(unknown),
        "the key is masked: {}",
        out.stderr
    );

    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", "ffff9999"])
        .run()
        .code(5);
    assert_eq!(out.error_line(), "No API key ends with 'ffff9999'.");

    // A key typed without its dashes is most of a secret: masked like a key.
    let mistyped = "3f6c1e2a9b474d85a1c36e0f2b8d7a";
    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", mistyped])
        .run()
        .code(5);
    assert_eq!(out.error_line(), "No API key ends with '3f6…8d7a'.");
    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", "3f6…7a5x"])
        .run()
        .code(5);
    assert_eq!(out.error_line(), "No API key matches '3f6…7a5x'.");

    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", "a51"])
        .run()
        .code(2);
    assert!(out.error_line().contains("too short"), "{}", out.stderr);
    // Characters no key has are named as the problem, not the length.
    for (command, typed) in [
        ("revoke", "x/../y"),
        ("revoke", "3f6/…7a51"),
        ("rotate", "7a51!"),
        ("rotate", "7a 51"),
    ] {
        let out = vendor(&env, &sandbox)
            .args([command, "--yes", typed])
            .run()
            .code(2);
        assert_eq!(
            out.error_line(),
            format!(
                "'{}' cannot be part of a key: a key has only letters, digits, '-' and '_' (or is given in the masked form the list shows, such as 3f6…7a51).",
                typed.trim()
            ),
            "{command} {typed}"
        );
    }
    vendor(&env, &sandbox)
        .args(["revoke", "--yes", "3f6…"])
        .run()
        .code(2);
    vendor(&env, &sandbox)
        .args(["revoke", "--yes"])
        .run()
        .code(2);

    // A shop token is a token, but not an API key: revoke leaves it alone.
    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", SHOP_TOKEN])
        .run()
        .code(5);
    assert!(
        out.error_line().contains("not an API key"),
        "{}",
        out.stderr
    );

    // One unknown key among known ones: nothing is revoked.
    vendor(&env, &sandbox)
        .args(["revoke", "--yes", ADMIN_KEY, "ffff9999"])
        .run()
        .code(5);
    assert_eq!(numbers(&env, &sandbox), before);
}

#[test]
fn revoke_refuses_an_ending_that_matches_two_keys() {
    let one = "11111111-2222-4333-8444-00000000beef";
    let two = "99999999-8888-4777-8666-55555555beef";
    let list = items_json(vec![
        key_item(one, "ROLE_APIKEY_ANALYTICS", Some("one"), None),
        key_item(two, "ROLE_APIKEY_ANALYTICS", Some("two"), None),
    ]);
    let server = ScriptedServer::start_with(move |request| match request.method.as_str() {
        "GET" => Reply::json(200, list.clone()),
        "DELETE" => Reply::Body(204, "application/json", String::new()),
        _ => Reply::json(500, error_json("ServerException", "unexpected call")),
    });
    let env = TestEnv::new();
    let out = env
        .cli()
        .base_url(&server.base_url)
        .vendor()
        .args(["revoke", "--yes", "beef"])
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        "'beef' matches 2 keys; give more characters."
    );
    let out = env
        .cli()
        .base_url(&server.base_url)
        .vendor()
        .args(["revoke", "--yes", "111…beef"])
        .run()
        .ok();
    assert_eq!(out.stderr, "Revoked 'one' (Analytics, 111…beef).\n");
    let deleted: Vec<String> = server
        .recorded()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.target)
        .collect();
    assert_eq!(deleted, [format!("/core/v2/rest/token/{one}")]);
}

#[test]
fn revoke_and_rotate_without_a_terminal_refuse_and_change_nothing() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let before = numbers(&env, &sandbox);
    for stdin in [None, Some("y\n")] {
        for args in [["revoke", ADMIN_KEY], ["rotate", ADMIN_KEY]] {
            let mut run = vendor(&env, &sandbox).args(args);
            if let Some(text) = stdin {
                run = run.stdin(text);
            }
            let out = run.run().code(2);
            assert_eq!(
                out.error_line(),
                "Refusing without confirmation: there is no terminal to ask on. Add --yes to confirm in a script."
            );
            assert_eq!(out.stdout, "");
        }
    }
    assert_eq!(
        numbers(&env, &sandbox),
        before,
        "nothing revoked or created"
    );
}

#[test]
fn rotate_replaces_the_key_with_the_same_role_name_and_customer() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let out = vendor(&env, &sandbox)
        .args(["rotate", "--yes", &masked(CUSTOMER_KEY)])
        .run()
        .ok();
    let new_key = printed_key(&out);
    assert_eq!(
        out.stderr,
        format!(
            "Created API key 'ACME desktop app' with role Licensee, only for customer {CUSTOMER}:\nRevoked the old key 'ACME desktop app' (Licensee, 91c…c953).\n"
        )
    );
    let listed = vendor(&env, &sandbox)
        .args([
            "list",
            "--format",
            "json",
            "--reveal",
            "--filter",
            "ACME desktop",
        ])
        .run()
        .ok();
    let listed = json(&listed);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["number"], new_key.as_str());
    assert_eq!(listed[0]["role"], "ROLE_APIKEY_LICENSEE");
    assert_eq!(listed[0]["customer"], CUSTOMER);
    assert!(!numbers(&env, &sandbox).contains(CUSTOMER_KEY));

    let out = vendor(&env, &sandbox)
        .args(["rotate", "--yes", "--format", "json", ADMIN_KEY])
        .run()
        .ok();
    let rotated = json(&out);
    assert_eq!(rotated["name"], "Deploy pipeline");
    assert_eq!(rotated["role"], "ROLE_APIKEY_ADMIN");
    let number = rotated["number"].as_str().unwrap();
    let now = numbers(&env, &sandbox);
    assert!(now.contains(number) && !now.contains(ADMIN_KEY));
}

/// A server that knows one key and answers the create of its replacement with `create`.
fn rotate_server(old: &'static str, create: Reply, delete: Reply) -> ScriptedServer {
    ScriptedServer::start_with(move |request| match request.method.as_str() {
        "GET" if request.target.ends_with(old) => Reply::json(
            200,
            item_json(key_item(
                old,
                "ROLE_APIKEY_ADMIN",
                Some("Deploy"),
                Some("I042-ACME"),
            )),
        ),
        "POST" => create.clone(),
        "DELETE" => delete.clone(),
        _ => Reply::json(404, error_json("NotFoundException", "No such resource.")),
    })
}

fn methods(server: &ScriptedServer) -> Vec<String> {
    server.recorded().into_iter().map(|r| r.method).collect()
}

#[test]
fn rotate_whose_create_fails_revokes_nothing() {
    const OLD: &str = "3a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
    let cases = [
        (
            Reply::json(
                500,
                error_json("ServerException", "Storage is unavailable."),
            ),
            7,
            "NetLicensing had a server error (HTTP 500)",
        ),
        (
            Reply::json(403, error_json("AccessDeniedException", "Not allowed.")),
            4,
            "The credentials are valid but not allowed to do this",
        ),
        (Reply::Close, 6, "Could not talk to 127.0.0.1"),
    ];
    for (create, code, message) in cases {
        let server = rotate_server(
            OLD,
            create,
            Reply::Body(204, "application/json", String::new()),
        );
        let env = TestEnv::new();
        let out = env
            .cli()
            .base_url(&server.base_url)
            .vendor()
            .args(["rotate", "--yes", OLD])
            .run()
            .code(code);
        assert!(out.error_line().starts_with(message), "{}", out.stderr);
        assert_eq!(out.stdout, "", "no new key to print");
        assert_eq!(
            methods(&server),
            ["GET", "POST"],
            "no DELETE after a failed create"
        );
        let post = server
            .recorded()
            .into_iter()
            .find(|r| r.method == "POST")
            .unwrap();
        let form: Vec<(String, String)> = url::form_urlencoded::parse(post.body.as_bytes())
            .into_owned()
            .collect();
        for expected in [
            ("apiKeyRole", "ROLE_APIKEY_ADMIN"),
            ("name", "Deploy"),
            ("licenseeNumber", "I042-ACME"),
        ] {
            assert!(
                form.iter()
                    .any(|(n, v)| (n.as_str(), v.as_str()) == expected),
                "the replacement keeps {expected:?}: {form:?}"
            );
        }
    }
}

#[test]
fn rotate_whose_revoke_fails_still_prints_the_new_key() {
    const OLD: &str = "3a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
    const NEW: &str = "7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9";
    let server = rotate_server(
        OLD,
        Reply::json(
            200,
            item_json(key_item(
                NEW,
                "ROLE_APIKEY_ADMIN",
                Some("Deploy"),
                Some("I042-ACME"),
            )),
        ),
        Reply::json(
            500,
            error_json("ServerException", "Storage is unavailable."),
        ),
    );
    let env = TestEnv::new();
    let out = env
        .cli()
        .base_url(&server.base_url)
        .vendor()
        .args(["rotate", "--yes", OLD])
        .run()
        .code(7);
    assert_eq!(printed_key(&out), NEW, "the new key is not lost");
    assert!(
        out.stderr.contains(&format!(
            "The new key was created, but the old key {} is still active.",
            masked(OLD)
        )),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(OLD) && !out.stderr.contains(NEW),
        "{}",
        out.stderr
    );
    assert_eq!(methods(&server), ["GET", "POST", "DELETE"]);
}

/// The question on a terminal: anything but yes changes nothing.
#[cfg(target_os = "linux")]
#[test]
fn revoke_and_rotate_ask_on_a_terminal() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let question =
        "Revoke API key 'CRM export' (Analytics, e2a…3a84)? This cannot be undone. [y/N] ";
    for answer in ["n\n", "\n", "yes please\n"] {
        let out = vendor(&env, &sandbox)
            .args(["revoke", "3a84"])
            .terminal()
            .stdin(answer)
            .run()
            .code(1);
        assert!(out.stdout.contains(question), "{}", out.stdout);
        // Saying no is the user's choice, not an error, nor a usage mistake (exit code 2).
        assert!(
            out.stdout.contains("Nothing was changed."),
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains("error:"), "{}", out.stdout);
    }
    assert!(numbers(&env, &sandbox).contains(ANALYTICS_KEY));
    let out = vendor(&env, &sandbox)
        .args(["rotate", "1e66"])
        .terminal()
        .stdin("n\n")
        .run()
        .code(1);
    assert!(
        out.stdout.contains("Nothing was changed."),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("error:"), "{}", out.stdout);
    assert!(numbers(&env, &sandbox).contains(MAINTENANCE_KEY));

    let out = vendor(&env, &sandbox)
        .args(["revoke", "3a84"])
        .terminal()
        .stdin("y\n")
        .run()
        .ok();
    assert!(
        out.stdout
            .contains("Revoked 'CRM export' (Analytics, e2a…3a84)."),
        "{}",
        out.stdout
    );
    assert!(!numbers(&env, &sandbox).contains(ANALYTICS_KEY));

    let out = vendor(&env, &sandbox)
        .args(["rotate", OPERATION_KEY])
        .terminal()
        .stdin("Y\n")
        .run()
        .ok();
    assert!(
        out.stdout
            .contains("Rotate 'Billing sync' (Operation, a83…5a36)? "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Revoked the old key 'Billing sync'"),
        "{}",
        out.stdout
    );
    let now = numbers(&env, &sandbox);
    assert!(!now.contains(OPERATION_KEY));
    assert!(
        now.iter().any(|key| out.stdout.contains(key.as_str())),
        "the new key is shown"
    );

    // A key without a name reads as plainly.
    let out = vendor(&env, &sandbox)
        .args(["revoke", "4b10"])
        .terminal()
        .stdin("y\n")
        .run()
        .ok();
    assert!(
        out.stdout.contains(
            "Revoke the unnamed API key (Licensee, 5b0…4b10)? This cannot be undone. [y/N] "
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Revoked the unnamed key (Licensee, 5b0…4b10)."),
        "{}",
        out.stdout
    );
    let out = vendor(&env, &sandbox)
        .args(["rotate", "--yes", "1e66"])
        .run()
        .ok();
    assert!(
        out.stderr
            .ends_with("Revoked the old unnamed key (Maintenance, c4e…1e66).\n"),
        "{}",
        out.stderr
    );
}
