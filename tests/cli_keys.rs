#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `list`, `create`, `revoke` and `rotate`, running the real binary against an in-process
//! sandbox, or against a scripted server where a test needs an answer the sandbox never gives
//! (two keys with the same ending, a create that fails in the middle of a rotate).

mod cli_support;
mod support;

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cli_support::{
    Invocation, Outcome, TestEnv, error_json, item_json, items_json, key_item, masked, parse_csv,
    sandbox,
};
use netlicensing_keys::api::TokenNumber;
use netlicensing_keys::sandbox::Sandbox;
use netlicensing_keys::sandbox::seed::{
    ADMIN_KEY, ANALYTICS_KEY, API_KEYS, CUSTOMER, CUSTOMER_KEY, LICENSEE_KEY, MAINTENANCE_KEY,
    OPERATION_KEY, SHOP_TOKEN,
};
use serde_json::Value;
use support::scripted_server::{Recorded, Reply, ScriptedServer};

const JSON_FIELDS: [&str; 7] = [
    "number", "name", "role", "active", "customer", "created", "extra",
];

/// The demo vendor login against `sandbox`.
fn vendor<'a>(env: &'a TestEnv, sandbox: &Sandbox) -> Invocation<'a> {
    env.cli().base_url(&sandbox.base_url()).vendor()
}

fn json(outcome: &Outcome) -> Value {
    serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", outcome.stdout))
}

/// Every key number the sandbox holds, in full.
fn numbers(env: &TestEnv, sandbox: &Sandbox) -> BTreeSet<String> {
    let out = vendor(env, sandbox)
        .args(["list", "--format", "json", "--reveal"])
        .run()
        .ok();
    json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["number"].as_str().unwrap().to_owned())
        .collect()
}

/// The one full key a `create` or `rotate` printed on standard output.
fn printed_key(outcome: &Outcome) -> String {
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line, the key: {:?}", outcome.stdout);
    assert!(TokenNumber::parse(lines[0]).is_ok(), "{}", lines[0]);
    assert_eq!(lines[0].len(), 36, "a full key: {}", lines[0]);
    lines[0].to_owned()
}

/// A PKCS#8-shaped PEM private key (a DER sequence header and filler, not a real key).
fn private_key_pem() -> (String, String) {
    let mut der = vec![0x30, 0x82, 0x04, 0xbe];
    der.resize(1218, 7);
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    (pem, body)
}

#[test]
fn list_table_masks_every_key_and_reveal_shows_them() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let out = vendor(&env, &sandbox).arg("list").run().ok();
    assert_eq!(out.stderr, "", "nothing but the table");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + API_KEYS.len(), "{}", out.stdout);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["KEY", "NAME", "ROLE", "CUSTOMER", "CREATED", "ACTIVE"]
    );
    // Oldest first; keys without a date last.
    let order: Vec<String> = lines[1..]
        .iter()
        .map(|line| line.split_whitespace().next().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = [
        ADMIN_KEY,
        ANALYTICS_KEY,
        CUSTOMER_KEY,
        OPERATION_KEY,
        LICENSEE_KEY,
        MAINTENANCE_KEY,
    ]
    .iter()
    .map(|key| masked(key))
    .collect();
    assert_eq!(order, expected);
    let admin: Vec<&str> = lines[1]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        admin,
        [
            "3f6…7a51",
            "Deploy pipeline",
            "Admin",
            "-",
            "2025-01-14T09:30:00Z",
            "yes"
        ]
    );
    assert!(lines[3].contains(CUSTOMER), "{}", lines[3]);
    for (key, _) in API_KEYS {
        assert!(!out.stdout.contains(key), "{key} is shown in full");
    }

    let revealed = vendor(&env, &sandbox).args(["list", "--reveal"]).run().ok();
    for (key, _) in API_KEYS {
        assert!(revealed.stdout.contains(key), "{key} is not revealed");
    }
    assert!(!revealed.stdout.contains('…'));
}

#[test]
fn list_json_has_the_documented_fields() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let out = vendor(&env, &sandbox)
        .args(["list", "--format", "json"])
        .run()
        .ok();
    assert!(!out.stdout.contains("privateKey"));
    let keys = json(&out);
    let keys = keys.as_array().expect("one JSON array");
    assert_eq!(keys.len(), API_KEYS.len());
    for key in keys {
        let fields: BTreeSet<&str> = key
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, BTreeSet::from(JSON_FIELDS));
        let number = key["number"].as_str().unwrap();
        assert!(
            number.contains('…') && number.chars().count() == 8,
            "masked: {number}"
        );
        assert_eq!(key["active"], Value::Bool(true));
        assert!(key["extra"].is_object());
    }
    let find = |number: &str| {
        keys.iter()
            .find(|key| key["number"] == masked(number).as_str())
            .unwrap_or_else(|| panic!("{number} is listed"))
    };
    let admin = find(ADMIN_KEY);
    assert_eq!(admin["name"], "Deploy pipeline");
    assert_eq!(admin["role"], "ROLE_APIKEY_ADMIN");
    assert_eq!(admin["customer"], Value::Null);
    assert_eq!(admin["created"], "2025-01-14T09:30:00Z");
    let licensee = find(LICENSEE_KEY);
    assert_eq!(licensee["name"], Value::Null);
    assert_eq!(licensee["created"], Value::Null);
    assert_eq!(licensee["role"], "ROLE_APIKEY_LICENSEE");
    assert_eq!(find(CUSTOMER_KEY)["customer"], CUSTOMER);

    let all: BTreeSet<String> = API_KEYS.iter().map(|(key, _)| (*key).to_owned()).collect();
    assert_eq!(
        numbers(&env, &sandbox),
        all,
        "--reveal shows every key in full"
    );
}

#[test]
fn list_csv_has_the_same_columns_quoted_where_needed() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let awkward = "Quote \"q\", comma";
    vendor(&env, &sandbox)
        .args(["create", "--role", "operation", "--name", awkward])
        .run()
        .ok();
    let out = vendor(&env, &sandbox)
        .args(["list", "--format", "csv"])
        .run()
        .ok();
    let rows = parse_csv(&out.stdout);
    assert_eq!(rows[0], JSON_FIELDS);
    assert_eq!(rows.len(), 1 + API_KEYS.len() + 1);
    for row in &rows[1..] {
        assert_eq!(row.len(), JSON_FIELDS.len(), "{row:?}");
        assert!(row[0].contains('…'), "masked: {row:?}");
        assert_eq!(row[3], "true");
    }
    let admin = rows.iter().find(|row| row[0] == masked(ADMIN_KEY)).unwrap();
    assert_eq!(
        admin[1..6],
        [
            "Deploy pipeline",
            "ROLE_APIKEY_ADMIN",
            "true",
            "",
            "2025-01-14T09:30:00Z"
        ]
    );
    let created = rows
        .iter()
        .find(|row| row[1] == awkward)
        .expect("the quoted name reads back");
    assert_eq!(created[2], "ROLE_APIKEY_OPERATION");
    assert!(!created[5].is_empty(), "a new key has a creation date");

    let revealed = vendor(&env, &sandbox)
        .args(["list", "--format", "csv", "--reveal"])
        .run()
        .ok();
    let full: BTreeSet<String> = parse_csv(&revealed.stdout)[1..]
        .iter()
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(full, numbers(&env, &sandbox));
}

#[test]
fn list_filters_by_role_and_text() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let listed = |args: &[&str]| -> Vec<String> {
        let out = vendor(&env, &sandbox)
            .args(["list", "--format", "json", "--reveal"])
            .args(args)
            .run()
            .ok();
        json(&out)
            .as_array()
            .unwrap()
            .iter()
            .map(|key| key["number"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(listed(&["--role", "analytics"]), [ANALYTICS_KEY]);
    assert_eq!(listed(&["--role", "ROLE_APIKEY_ADMIN"]), [ADMIN_KEY]);
    assert_eq!(
        listed(&["--role", "licensee"]),
        [CUSTOMER_KEY, LICENSEE_KEY]
    );
    assert_eq!(listed(&["--filter", "acme"]), [CUSTOMER_KEY]);
    assert_eq!(listed(&["--filter", "crm EXPORT"]), [ANALYTICS_KEY]);
    assert_eq!(listed(&["--filter", "8d7a51"]), [ADMIN_KEY]);
    assert_eq!(
        listed(&["--filter", &masked(OPERATION_KEY)]),
        [OPERATION_KEY]
    );
    assert_eq!(
        listed(&["--role", "licensee", "--filter", "acme"]),
        [CUSTOMER_KEY]
    );

    let none = ["--role", "admin", "--filter", "crm"];
    let table = vendor(&env, &sandbox).arg("list").args(none).run().ok();
    assert_eq!(table.stdout, "No API keys.\n");
    let json_out = vendor(&env, &sandbox)
        .args(["list", "--format", "json"])
        .args(none)
        .run()
        .ok();
    assert_eq!(json(&json_out), Value::Array(Vec::new()));
    let csv = vendor(&env, &sandbox)
        .args(["list", "--format", "csv"])
        .args(none)
        .run()
        .ok();
    assert_eq!(
        csv.stdout,
        "number,name,role,active,customer,created,extra\n"
    );
}

#[test]
fn create_prints_the_new_key_in_full() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "analytics", "--name", "Nightly report"])
        .run()
        .ok();
    let key = printed_key(&out);
    assert_eq!(
        out.stderr,
        "Created API key 'Nightly report' with role Analytics:\n"
    );
    let listed = vendor(&env, &sandbox)
        .args(["list", "--format", "json", "--filter", "nightly"])
        .run()
        .ok();
    let listed = json(&listed);
    assert_eq!(listed[0]["number"], masked(&key).as_str());
    assert_eq!(listed[0]["role"], "ROLE_APIKEY_ANALYTICS");

    let scoped = vendor(&env, &sandbox)
        .args(["create", "--role", "licensee", "--customer", CUSTOMER])
        .run()
        .ok();
    printed_key(&scoped);
    assert_eq!(
        scoped.stderr,
        format!("Created API key with role Licensee, only for customer {CUSTOMER}:\n")
    );

    let (pem, body) = private_key_pem();
    let pem_file = env.root().join("signing.pem");
    std::fs::write(&pem_file, pem).unwrap();
    let out = vendor(&env, &sandbox)
        .args([
            "create",
            "--role",
            "admin",
            "--format",
            "json",
            "--private-key-file",
        ])
        .arg(&pem_file)
        .run()
        .ok();
    let created = json(&out);
    let fields: BTreeSet<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields, BTreeSet::from(JSON_FIELDS));
    let number = created["number"].as_str().unwrap();
    assert!(
        TokenNumber::parse(number).is_ok() && number.len() == 36,
        "{number}"
    );
    assert_eq!(created["role"], "ROLE_APIKEY_ADMIN");
    assert_eq!(created["name"], Value::Null);
    assert!(created["created"].is_string());
    assert!(
        !out.all_output().contains(&body[..40]),
        "the private key is never printed"
    );
    assert!(numbers(&env, &sandbox).contains(number));
}

#[test]
fn create_sends_the_private_key_body_on_one_line() {
    let new_key = "0b4d5c1e-2f3a-4b5c-8d6e-7f8091a2b3c4";
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        item_json(key_item(new_key, "ROLE_APIKEY_ADMIN", Some("Signer"), None)),
    )]);
    let env = TestEnv::new();
    let (pem, body) = private_key_pem();
    let pem_file = env.root().join("signing.pem");
    std::fs::write(&pem_file, pem).unwrap();
    let out = env
        .cli()
        .base_url(&server.base_url)
        .vendor()
        .args([
            "create",
            "--role",
            "admin",
            "--name",
            "Signer",
            "--private-key-file",
        ])
        .arg(&pem_file)
        .run()
        .ok();
    assert_eq!(printed_key(&out), new_key);
    let posts: Vec<Recorded> = server
        .recorded()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(posts[0].body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("tokenType"), Some("APIKEY"));
    assert_eq!(field("apiKeyRole"), Some("ROLE_APIKEY_ADMIN"));
    assert_eq!(field("name"), Some("Signer"));
    assert_eq!(field("privateKey"), Some(body.as_str()));
    assert_eq!(field("licenseeNumber"), None, "empty fields are not sent");
}

#[test]
fn create_refuses_bad_input_and_creates_nothing() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    let before = numbers(&env, &sandbox);

    let bad_role = vendor(&env, &sandbox)
        .args(["create", "--role", "superuser"])
        .run()
        .code(2);
    assert!(
        bad_role.stderr.contains("unknown role 'superuser'"),
        "{}",
        bad_role.stderr
    );
    vendor(&env, &sandbox).args(["create"]).run().code(2);
    vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--format", "csv"])
        .run()
        .code(2);

    let missing = env.root().join("missing.pem");
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--private-key-file"])
        .arg(&missing)
        .run()
        .code(2);
    assert!(
        out.error_line()
            .starts_with("Cannot read the private key file"),
        "{}",
        out.stderr
    );

    let pkcs1 = env.root().join("old.pem");
    std::fs::write(
        &pkcs1,
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--private-key-file"])
        .arg(&pkcs1)
        .run()
        .code(2);
    assert!(out.error_line().contains("PKCS#1"), "{}", out.stderr);

    // The server refuses a name this long: a refusal that is neither usage nor permission.
    let long_name = "n".repeat(1100);
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--name", &long_name])
        .run()
        .code(1);
    assert!(
        out.error_line()
            .starts_with("NetLicensing refused the request"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");

    assert_eq!(numbers(&env, &sandbox), before);
}

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

    let out = vendor(&env, &sandbox)
        .args(["revoke", "--yes", "a51"])
        .run()
        .code(2);
    assert!(out.error_line().contains("too short"), "{}", out.stderr);
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

#[test]
fn a_reader_that_goes_away_ends_a_list_quietly_but_not_a_new_key() {
    let sandbox = sandbox();
    let env = TestEnv::new();
    for args in [
        &["list"][..],
        &["list", "--format", "json"],
        &["list", "--format", "csv"],
        &["auth", "test"],
        &["auth", "show"],
        &["profile", "list"],
    ] {
        let out = vendor(&env, &sandbox).args(args).closed_stdout().run().ok();
        assert_eq!(out.stderr, "", "`{}`: no panic, no message", out.command);
    }

    // A created key that cannot be handed over is a failure that says which key it was.
    let before = numbers(&env, &sandbox);
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "analytics", "--name", "Lost"])
        .closed_stdout()
        .run()
        .code(1);
    let created: Vec<String> = numbers(&env, &sandbox)
        .difference(&before)
        .cloned()
        .collect();
    assert_eq!(created.len(), 1);
    let line = out.stderr.lines().last().unwrap();
    assert!(
        line.starts_with(&format!(
            "error: The new key {} was created, but it could not be written",
            masked(&created[0])
        )),
        "{}",
        out.stderr
    );

    // A rotation whose new key cannot be handed over keeps the old key.
    let out = vendor(&env, &sandbox)
        .args(["rotate", "--yes", ADMIN_KEY])
        .closed_stdout()
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("so the old key 3f6…7a51 was not revoked"),
        "{}",
        out.stderr
    );
    assert!(numbers(&env, &sandbox).contains(ADMIN_KEY));
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
            .code(2);
        assert!(out.stdout.contains(question), "{}", out.stdout);
        assert!(
            out.stdout.contains("error: Nothing was changed."),
            "{}",
            out.stdout
        );
    }
    assert!(numbers(&env, &sandbox).contains(ANALYTICS_KEY));

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
}
