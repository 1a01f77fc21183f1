#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `list` and `create`, running the real binary against an in-process sandbox, or against a
//! scripted server to see exactly what is sent. `revoke` and `rotate`: `revoke.rs`.

use std::collections::BTreeSet;

use crate::scripted_server::{Recorded, Reply, ScriptedServer};
use crate::support::{
    TestEnv, item_json, items_json, json, key_item, masked, numbers, parse_csv, printed_key,
    sandbox, vendor,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netlicensing_keys::api::TokenNumber;
use netlicensing_keys::sandbox::seed::{
    ADMIN_KEY, ANALYTICS_KEY, API_KEYS, CUSTOMER, CUSTOMER_KEY, LICENSEE_KEY, MAINTENANCE_KEY,
    OPERATION_KEY,
};
use serde_json::Value;

const JSON_FIELDS: [&str; 7] = [
    "number", "name", "role", "active", "customer", "created", "extra",
];

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
fn list_table_cuts_long_names_and_aligns_wide_characters() {
    use unicode_width::UnicodeWidthStr as _;
    let sandbox = sandbox();
    let env = TestEnv::new();
    let long = "Long name ".repeat(60);
    for (name, customer) in [(long.trim(), "I042-ACME"), ("ACME Ünïcode 名", "顧客名")] {
        vendor(&env, &sandbox)
            .args(["create", "--role", "licensee", "--name", name])
            .args(["--customer", customer])
            .run()
            .ok();
    }
    let out = vendor(&env, &sandbox)
        .args(["list", "--role", "licensee"])
        .run()
        .ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines.iter().all(|line| line.width() < 140),
        "no row is padded to the long name:\n{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Long name Long name Long name Long name…"),
        "{}",
        out.stdout
    );
    // Every row's ROLE column starts where the header's does, in terminal columns.
    let column = |line: &str, word: &str| line.find(word).map(|at| line[..at].width());
    let role = column(lines[0], "ROLE");
    for line in &lines[1..] {
        assert_eq!(column(line, "Licensee"), role, "{}", out.stdout);
    }
    let created = column(lines[0], "CREATED");
    for line in lines.iter().filter(|line| line.contains('名')) {
        assert_eq!(
            line.rfind("  20").map(|at| line[..at + 2].width()),
            created,
            "{}",
            out.stdout
        );
    }
    // json keeps the whole name.
    let full = vendor(&env, &sandbox)
        .args(["list", "--format", "json", "--filter", "long name"])
        .run()
        .ok();
    assert_eq!(json(&full)[0]["name"], long.trim());
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
    assert_eq!(
        table.stdout, "No API keys with the role Admin match the filter.\n",
        "not as if the account were empty"
    );
    let table = vendor(&env, &sandbox)
        .args(["list", "--filter", "zzzz"])
        .run()
        .ok();
    assert_eq!(table.stdout, "No API keys match the filter.\n");
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
fn an_empty_account_lists_no_api_keys() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, items_json(Vec::new())),
        Reply::json(200, items_json(Vec::new())),
    ]);
    let env = TestEnv::new();
    for args in [&["list"][..], &["list", "--filter", "zzzz"]] {
        let out = env
            .cli()
            .base_url(&server.base_url)
            .vendor()
            .args(args)
            .run()
            .ok();
        assert_eq!(out.stdout, "No API keys.\n", "{args:?}");
    }
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
    assert_eq!(
        out.error_line(),
        format!(
            "Cannot read the private key file {}: it does not exist.",
            missing.display()
        )
    );
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--private-key-file"])
        .arg(env.root())
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        format!(
            "Cannot read the private key file {}: it is a folder, not a file.",
            env.root().display()
        )
    );

    let garbage = env.root().join("garbage.pem");
    std::fs::write(&garbage, "garbage not a key\n").unwrap();
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--private-key-file"])
        .arg(&garbage)
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        format!(
            "The private key file {} cannot be used: it is not a PEM private key (it has no -----BEGIN PRIVATE KEY----- line).",
            garbage.display()
        )
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

    let ed25519 = env.root().join("ed25519.pem");
    std::fs::write(
        &ed25519,
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = vendor(&env, &sandbox)
        .args(["create", "--role", "admin", "--private-key-file"])
        .arg(&ed25519)
        .run()
        .code(2);
    assert_eq!(
        out.error_line(),
        format!(
            "The private key file {} cannot be used: it is an Ed25519 private key; an RSA private key is needed.",
            ed25519.display()
        )
    );

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
    assert_eq!(
        line,
        format!(
            "error: The new key {} was created, but it could not be written to standard output (the program reading it has gone away). Revoke it if it cannot be used.",
            masked(&created[0])
        )
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
