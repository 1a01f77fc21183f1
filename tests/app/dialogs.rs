#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The desktop app's dialogs: create (every option), the created key, revoke (one and several,
//! refused), rotate (both steps, failing create), and buttons whose call is running.

use crate::support::fake_service::three_keys;
use crate::support::*;
use base64::Engine as _;
use egui::accesskit::Role as A11yRole;
use egui_kittest::kittest::Queryable as _;
use netlicensing_keys::api::{ApiError, Role};
use netlicensing_keys::sandbox::seed::{ADMIN_KEY, CUSTOMER, CUSTOMER_KEY, LICENSEE_KEY};

const POWERFUL_WARNING: &str = "keys can change or delete much of your account";

fn open_create(harness: &mut AppHarness) {
    click(harness, "+ Add API Key");
    settle(harness);
    assert!(
        has_label(harness, "Add API Key"),
        "the create dialog is open"
    );
}

fn role_combo_value(harness: &AppHarness) -> Option<String> {
    harness
        .get_by_role_and_label(A11yRole::ComboBox, "API Key Role")
        .value()
}

/// A DER SEQUENCE header and filler, base64: shaped like a PKCS#8 key, not a real one.
fn pkcs8_body() -> String {
    let mut der = vec![0x30, 0x82, 0x04, 0xbe];
    der.resize(1218, 7);
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// The widget can be seen and clicked: it lies inside the window.
fn assert_within_window(harness: &AppHarness, label: &str) {
    let rect = harness.get_by_label(label).rect();
    let window = harness.ctx.content_rect();
    assert!(
        window.contains_rect(rect),
        "{label:?} at {rect:?} is outside the window {window:?}"
    );
}

#[test]
fn choosing_another_role_moves_nothing_in_the_create_dialog() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    open_create(&mut harness);
    let create = harness.get_by_label("Create").rect();
    let customer = harness.get_by_label("Customer (optional)").rect();

    for role in ["Admin", "Analytics", "Maintenance", "Operation", "Licensee"] {
        choose(&mut harness, "API Key Role", role);
        assert_eq!(role_combo_value(&harness).as_deref(), Some(role));
        assert_eq!(
            harness.get_by_label("Create").rect(),
            create,
            "the Create button moved when {role} was chosen"
        );
        assert_eq!(harness.get_by_label("Customer (optional)").rect(), customer);
    }
}

#[test]
fn create_with_defaults_makes_a_licensee_key_shown_once_in_full_and_highlighted() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = harness.state().keys().keys().to_vec();

    open_create(&mut harness);
    assert_eq!(role_combo_value(&harness).as_deref(), Some("Licensee"));
    assert!(!has_label_containing(&harness, POWERFUL_WARNING));
    type_into(&mut harness, "Name (optional)", "CI runner");
    click_and_wait(&mut harness, "Create");

    let key = new_key(&harness, &before);
    let number = key.number.expose().to_owned();
    assert!(has_label(&harness, "API key created"));
    assert!(has_label(&harness, &number), "the new key is shown in full");
    assert!(harness.state().keys().is_highlighted(&key));
    assert!(has_label(&harness, "7 keys"));
    assert!(masked_keys_in_order(&harness).contains(&key.masked()));

    click(&mut harness, "Copy the new key");
    assert_eq!(copied_text(&harness).as_deref(), Some(number.as_str()));
    harness.run();
    click(&mut harness, "Done");
    harness.run();
    assert!(!has_label(&harness, "API key created"));
    assert!(!has_label(&harness, &number), "shown in full only once");

    let on_server = server_key(&sandbox, &number).expect("the key exists on the server");
    assert_eq!(on_server.role, Some(Role::Licensee));
    assert_eq!(on_server.name(), Some("CI runner"));
    assert_eq!(on_server.customer(), None);
}

#[test]
fn each_role_can_be_chosen_and_the_powerful_ones_warn() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();

    for role in Role::ALL {
        let before = harness.state().keys().keys().to_vec();
        open_create(&mut harness);
        choose(&mut harness, "API Key Role", role.label());
        assert_eq!(role_combo_value(&harness).as_deref(), Some(role.label()));
        assert_eq!(
            has_label_containing(&harness, POWERFUL_WARNING),
            matches!(role, Role::Maintenance | Role::Admin),
            "warning for {role}"
        );
        click_and_wait(&mut harness, "Create");
        let key = new_key(&harness, &before);
        assert_eq!(key.role, Some(role));
        let on_server = server_key(&sandbox, key.number.expose()).expect("created");
        assert_eq!(on_server.role, Some(role));
        click(&mut harness, "Done");
        harness.run();
    }
}

#[test]
fn a_customer_restricts_the_new_key() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = harness.state().keys().keys().to_vec();

    open_create(&mut harness);
    type_into(&mut harness, "Customer (optional)", CUSTOMER);
    click_and_wait(&mut harness, "Create");

    let key = new_key(&harness, &before);
    assert_eq!(key.customer(), Some(CUSTOMER));
    let on_server = server_key(&sandbox, key.number.expose()).expect("created");
    assert_eq!(on_server.customer(), Some(CUSTOMER));
    assert_eq!(on_server.name(), None, "an empty name is not sent");
}

#[test]
fn a_bad_private_key_is_refused_inline_and_nothing_is_sent() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();

    open_create(&mut harness);
    type_into(
        &mut harness,
        "Private key (optional)",
        "-----BEGIN RSA PRIVATE KEY-----\nQUJD\n-----END RSA PRIVATE KEY-----",
    );
    let create = harness.get_by_label("Create").rect();
    let title = harness.get_by_label("Add API Key").rect();
    click_and_wait(&mut harness, "Create");
    assert_eq!(
        (
            harness.get_by_label("Add API Key").rect(),
            harness.get_by_label("Create").rect()
        ),
        (title, create),
        "the error moved the dialog: a second click would miss Create"
    );

    assert!(
        has_label_containing(
            &harness,
            "The private key cannot be used: it is a PKCS#1 key"
        ),
        "{:?}",
        labels(&harness)
    );
    assert!(has_label(&harness, "Add API Key"), "the dialog stays open");
    assert_eq!(service.started(Call::Create), 0, "nothing was sent");
}

#[test]
fn a_good_pkcs8_private_key_is_accepted_and_sent_as_one_line() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = harness.state().keys().keys().to_vec();
    let body = pkcs8_body();
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );

    open_create(&mut harness);
    type_into(&mut harness, "Name (optional)", "Signed");
    type_into(&mut harness, "Private key (optional)", &pem);
    // A pasted 2048-bit key is 27 lines: the dialog must still fit the window.
    assert_within_window(&harness, "Create");
    click_and_wait(&mut harness, "Create");

    // The sandbox refuses anything but a one-line PKCS#8 body, so a created key proves it.
    assert!(
        has_label(&harness, "API key created"),
        "{:?}",
        labels(&harness)
    );
    let key = new_key(&harness, &before);
    assert!(server_key(&sandbox, key.number.expose()).is_some());
}

#[test]
fn the_private_key_is_sent_exactly_as_its_body() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let body = pkcs8_body();

    open_create(&mut harness);
    type_into(
        &mut harness,
        "Private key (optional)",
        &format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"),
    );
    click_and_wait(&mut harness, "Create");

    let created = service.created();
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0]
            .private_key
            .as_ref()
            .map(|s| s.expose().to_owned()),
        Some(body)
    );
}

#[test]
fn the_create_button_shows_a_spinner_and_cannot_send_twice() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();

    open_create(&mut harness);
    service.hold(Call::Create);
    click(&mut harness, "Create");
    service.wait_started(Call::Create, 1);
    harness.step();
    assert!(!is_enabled(&harness, "Create"));
    assert!(harness.query_by_role(A11yRole::ProgressIndicator).is_some());
    harness.get_by_label("Create").click();
    harness.step();
    harness.step();

    service.release(Call::Create);
    wait_idle(&mut harness);
    assert_eq!(service.started(Call::Create), 1);
    assert_eq!(service.created().len(), 1);
    assert!(has_label(&harness, "API key created"));
}

#[test]
fn a_refused_create_keeps_the_dialog_and_says_why() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Create,
        Some(ApiError::Quota {
            server: Some("Too many API keys".to_owned()),
        }),
    );
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();

    open_create(&mut harness);
    click_and_wait(&mut harness, "Create");

    let status = status_text(&harness);
    assert!(status.contains("quota is used up"), "{status}");
    assert_eq!(count_label(&harness, &format!("⚠ {status}")), 2);
    assert!(has_label(&harness, "Add API Key"));
    assert_eq!(masked_keys_in_order(&harness).len(), 3);
}

#[test]
fn a_create_whose_answer_is_lost_says_the_key_may_exist_and_shows_the_list_as_it_is() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness).len();

    open_create(&mut harness);
    type_into(&mut harness, "Name (optional)", "Answer lost");
    // The server creates the key, then its answer arrives cut in the middle.
    sandbox.malform_next(1);
    click_and_wait(&mut harness, "Create");

    let status = status_text(&harness);
    assert!(
        status.contains("The key may have been created anyway") && status.contains("check it"),
        "{status}"
    );
    assert_eq!(
        count_label(&harness, &format!("⚠ {status}")),
        2,
        "dialog and status line"
    );
    assert!(has_label(&harness, "Add API Key"), "the dialog stays open");
    wait_until(
        &mut harness,
        "the list shows the key the server made",
        |h| masked_keys_in_order(h).len() == before + 1,
    );
    assert!(has_label(&harness, "Answer lost"), "{:?}", labels(&harness));
}

#[test]
fn a_create_that_certainly_failed_does_not_say_the_key_may_exist() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Create,
        Some(ApiError::Server {
            status: 500,
            server: None,
        }),
    );
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    open_create(&mut harness);
    click_and_wait(&mut harness, "Create");
    assert!(!status_text(&harness).contains("may have been created"));
    assert_eq!(service.started(Call::List), 1, "no refresh needed");
}

#[test]
fn a_rotate_whose_create_timed_out_does_not_say_nothing_changed() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Create,
        Some(ApiError::Timeout {
            host: "127.0.0.1".to_owned(),
            after: std::time::Duration::from_secs(30),
        }),
    );
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    click(
        &mut harness,
        &format!("Rotate key {}", three_keys()[0].masked()),
    );
    harness.run();
    click_and_wait(&mut harness, "Create the new key");

    assert!(!has_label_containing(&harness, "Nothing was changed."));
    assert!(has_label_containing(
        &harness,
        "The new key may have been created anyway"
    ));
    assert!(has_label_containing(
        &harness,
        "The old key was not revoked."
    ));
    assert_eq!(service.started(Call::Delete), 0);
    assert_eq!(service.started(Call::List), 2, "the list was fetched again");
}

#[test]
fn revoking_one_key_names_it_and_the_row_goes_only_after_the_server_confirmed() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let keys = three_keys();
    let target = keys[0].masked();

    click(&mut harness, &format!("Revoke key {target}"));
    harness.run();
    assert!(has_label(&harness, "Revoke API key"));
    assert!(has_label_containing(&harness, "Revoke this API key?"));
    assert!(has_label(&harness, "Alpha"), "the dialog names the key");
    assert_eq!(
        count_label(&harness, &target),
        2,
        "the dialog shows its mask (besides the row)"
    );

    service.hold(Call::Delete);
    click(&mut harness, "Revoke");
    service.wait_started(Call::Delete, 1);
    harness.step();
    assert!(!is_enabled(&harness, "Revoke"), "cannot be clicked twice");
    assert!(
        masked_keys_in_order(&harness).contains(&target),
        "the row stays until the server confirmed"
    );

    service.release(Call::Delete);
    wait_idle(&mut harness);
    assert!(!masked_keys_in_order(&harness).contains(&target));
    assert!(!has_label(&harness, "Revoke API key"), "the dialog closed");
    assert_eq!(service.deleted(), [keys[0].number.expose()]);
    assert_eq!(service.started(Call::Delete), 1);
    assert_eq!(service.started(Call::List), 2, "the list was fetched again");
    assert_eq!(status_text(&harness), "1 API key revoked.");
}

#[test]
fn revoking_several_keys_needs_their_count_typed() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let targets = [masked(LICENSEE_KEY), masked(CUSTOMER_KEY)];

    for target in &targets {
        click(&mut harness, &format!("Select key {target}"));
        harness.run();
    }
    click(&mut harness, "Revoke selected (2)");
    harness.run();
    assert!(has_label_containing(&harness, "Revoke these 2 API keys?"));
    assert!(!is_enabled(&harness, "Revoke 2 keys"));
    harness.run();
    assert!(
        harness.get_by_label("Type 2 to confirm").is_focused(),
        "the count field has the focus: typing needs no click"
    );

    type_into(&mut harness, "Type 2 to confirm", "3");
    assert!(!is_enabled(&harness, "Revoke 2 keys"), "a wrong count");
    harness.key_press(egui::Key::Backspace);
    harness.get_by_label("Type 2 to confirm").type_text("2");
    harness.run();
    assert!(is_enabled(&harness, "Revoke 2 keys"));

    click_and_wait(&mut harness, "Revoke 2 keys");
    let rows = masked_keys_in_order(&harness);
    assert_eq!(rows.len(), 4, "{rows:?}");
    for target in &targets {
        assert!(!rows.contains(target));
    }
    assert!(server_key(&sandbox, LICENSEE_KEY).is_none());
    assert!(server_key(&sandbox, CUSTOMER_KEY).is_none());
    assert!(server_key(&sandbox, ADMIN_KEY).is_some());
    assert_eq!(harness.state().keys().selection_len(), 0);
    assert_eq!(status_text(&harness), "2 API keys revoked.");
}

#[test]
fn a_refused_revoke_removes_nothing_and_says_why() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Delete,
        Some(ApiError::PermissionDenied { server: None }),
    );
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);
    let target = three_keys()[1].masked();

    click(&mut harness, &format!("Revoke key {target}"));
    harness.run();
    click_and_wait(&mut harness, "Revoke");

    assert_eq!(masked_keys_in_order(&harness), before, "every row stays");
    let status = status_text(&harness);
    assert!(
        status.contains("not allowed to do this") && status.contains(&target),
        "status line: {status}"
    );
    assert_eq!(
        count_label(&harness, &format!("⚠ {status}")),
        2,
        "shown in the dialog and in the status line: {:?}",
        labels(&harness)
    );
    assert!(
        has_label(&harness, "Revoke API key"),
        "the dialog stays open"
    );
}

#[test]
fn a_server_error_on_a_bulk_revoke_removes_nothing() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Delete,
        Some(ApiError::Server {
            status: 500,
            server: None,
        }),
    );
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);

    click(&mut harness, "Select all shown keys");
    harness.run();
    click(&mut harness, "Revoke selected (3)");
    harness.run();
    type_into(&mut harness, "Type 3 to confirm", "3");
    click_and_wait(&mut harness, "Revoke 3 keys");

    assert_eq!(masked_keys_in_order(&harness), before);
    let status = status_text(&harness);
    assert!(
        status.starts_with("3 of 3 keys were not revoked.") && status.contains("HTTP 500"),
        "{status}"
    );
    assert_eq!(count_label(&harness, &format!("⚠ {status}")), 2);
    assert!(service.deleted().is_empty());
}

#[test]
fn rotating_creates_a_twin_and_revokes_the_old_key_only_when_told() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = harness.state().keys().keys().to_vec();
    let old = masked(CUSTOMER_KEY);

    click(&mut harness, &format!("Rotate key {old}"));
    harness.run();
    assert!(has_label(&harness, "Rotate API key"));
    assert!(has_label_containing(&harness, "Step 1 of 2"));
    click_and_wait(&mut harness, "Create the new key");

    let new = new_key(&harness, &before);
    assert_eq!(new.role, Some(Role::Licensee));
    assert_eq!(new.name(), Some("ACME desktop app"));
    assert_eq!(new.customer(), Some(CUSTOMER));
    assert!(has_label_containing(&harness, "Step 2 of 2"));
    assert!(has_label(&harness, new.number.expose()), "shown in full");
    assert!(
        server_key(&sandbox, CUSTOMER_KEY).is_some(),
        "the old key still works"
    );
    let twin = server_key(&sandbox, new.number.expose()).expect("created");
    assert_eq!(twin.customer(), Some(CUSTOMER));
    assert!(!is_enabled(&harness, "Revoke the old key"));

    click(&mut harness, "Copy the new key");
    assert_eq!(copied_text(&harness).as_deref(), Some(new.number.expose()));
    harness.run();
    click(&mut harness, "My clients use the new key now");
    harness.run();
    assert!(is_enabled(&harness, "Revoke the old key"));
    click_and_wait(&mut harness, "Revoke the old key");

    assert!(server_key(&sandbox, CUSTOMER_KEY).is_none());
    assert!(server_key(&sandbox, new.number.expose()).is_some());
    let rows = masked_keys_in_order(&harness);
    assert!(!rows.contains(&old));
    assert!(rows.contains(&new.masked()));
    assert!(!has_label(&harness, "Rotate API key"));
    assert_eq!(
        status_text(&harness),
        format!("Key rotated: the old key {old} is revoked.")
    );
}

#[test]
fn a_failing_rotate_create_revokes_nothing() {
    let service = FakeService::new(three_keys());
    service.fail(
        Call::Create,
        Some(ApiError::Server {
            status: 503,
            server: None,
        }),
    );
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);

    click(
        &mut harness,
        &format!("Rotate key {}", three_keys()[0].masked()),
    );
    harness.run();
    click_and_wait(&mut harness, "Create the new key");

    assert!(has_label_containing(&harness, "Nothing was changed."));
    assert!(status_text(&harness).contains("HTTP 503"));
    assert!(
        has_label_containing(&harness, "Step 1 of 2"),
        "still step 1"
    );
    assert_eq!(service.started(Call::Delete), 0);
    assert_eq!(masked_keys_in_order(&harness), before);
}

#[test]
fn stopping_a_rotation_after_step_one_says_both_keys_are_active() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let old = three_keys()[2].masked();

    click(&mut harness, &format!("Rotate key {old}"));
    harness.run();
    click_and_wait(&mut harness, "Create the new key");
    click(&mut harness, "Later");
    harness.run();

    assert!(!has_label(&harness, "Rotate API key"));
    let status = status_text(&harness);
    assert!(
        status.starts_with("Rotation stopped") && status.contains(&old),
        "{status}"
    );
    assert_eq!(service.started(Call::Delete), 0);
    assert_eq!(masked_keys_in_order(&harness).len(), 4);
}

#[test]
fn a_key_revoked_during_a_refresh_does_not_come_back() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let target = three_keys()[0].masked();

    // A refresh is answered (with the key) but its answer is still on its way...
    service.hold(Call::List);
    click(&mut harness, "⟳ Refresh");
    service.wait_started(Call::List, 2);
    // ...while the key is revoked.
    click(&mut harness, &format!("Revoke key {target}"));
    settle(&mut harness);
    click(&mut harness, "Revoke");
    wait_until(&mut harness, "the revoke to be confirmed", |h| {
        !masked_keys_in_order(h).contains(&target)
    });

    service.release(Call::List);
    wait_idle(&mut harness);
    assert!(
        !masked_keys_in_order(&harness).contains(&target),
        "the revoked key came back with the older list"
    );
    assert_eq!(masked_keys_in_order(&harness).len(), 2);
    assert_eq!(status_text(&harness), "1 API key revoked.");
}

#[test]
fn a_key_created_during_a_refresh_stays_in_the_table() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();

    service.hold(Call::List);
    click(&mut harness, "⟳ Refresh");
    service.wait_started(Call::List, 2);
    open_create(&mut harness);
    click(&mut harness, "Create");
    wait_until(&mut harness, "the key to be created", |h| {
        has_label(h, "API key created")
    });
    let key = new_key(&harness, &three_keys());

    service.release(Call::List);
    wait_idle(&mut harness);
    assert!(
        masked_keys_in_order(&harness).contains(&key.masked()),
        "the new key vanished with the older list"
    );
    assert!(harness.state().keys().is_highlighted(&key));
    assert_eq!(
        status_text(&harness),
        format!("API key {} created.", key.masked())
    );
}

#[test]
fn closing_the_rotation_while_the_old_key_is_revoked_still_updates_the_table() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let old = three_keys()[1].masked();

    click(&mut harness, &format!("Rotate key {old}"));
    harness.run();
    click_and_wait(&mut harness, "Create the new key");
    click(&mut harness, "My clients use the new key now");
    harness.run();
    service.hold(Call::Delete);
    click(&mut harness, "Revoke the old key");
    service.wait_started(Call::Delete, 1);
    harness.step();
    assert!(
        !is_enabled(&harness, "Revoke the old key"),
        "cannot be clicked twice"
    );
    assert!(harness.query_by_role(A11yRole::ProgressIndicator).is_some());

    // The user closes the dialog while the server is still at it.
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);
    assert!(!has_label(&harness, "Rotate API key"));
    assert!(
        !status_text(&harness).contains("still active"),
        "the old key is being revoked, not still active: {}",
        status_text(&harness)
    );

    service.release(Call::Delete);
    wait_idle(&mut harness);
    assert_eq!(service.deleted(), [three_keys()[1].number.expose()]);
    assert!(
        !masked_keys_in_order(&harness).contains(&old),
        "the revoked key is still listed"
    );
    assert_eq!(
        status_text(&harness),
        format!("Key rotated: the old key {old} is revoked.")
    );
}

#[test]
fn closing_the_rotation_while_the_new_key_is_created_says_both_keys_are_active() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let old = three_keys()[0].masked();

    click(&mut harness, &format!("Rotate key {old}"));
    harness.run();
    service.hold(Call::Create);
    click(&mut harness, "Create the new key");
    service.wait_started(Call::Create, 1);
    harness.step();
    assert!(
        !is_enabled(&harness, "Create the new key"),
        "cannot be clicked twice"
    );
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);

    service.release(Call::Create);
    wait_idle(&mut harness);
    let new = new_key(&harness, &three_keys());
    assert!(masked_keys_in_order(&harness).contains(&new.masked()));
    let status = status_text(&harness);
    assert!(
        status.contains(&new.masked()) && status.contains(&old) && status.contains("still active"),
        "the status line must say a second key now exists: {status}"
    );
    assert_eq!(service.started(Call::Delete), 0);
}

#[test]
fn a_late_replacement_never_joins_the_rotation_of_another_key() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let keys = three_keys();
    let (first, second) = (keys[0].masked(), keys[1].masked());

    // Rotate the first key; close the dialog while its replacement is being created.
    click(&mut harness, &format!("Rotate key {first}"));
    harness.run();
    service.hold(Call::Create);
    click(&mut harness, "Create the new key");
    service.wait_started(Call::Create, 1);
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);
    // Start rotating the second key; then the first key's replacement arrives.
    click(&mut harness, &format!("Rotate key {second}"));
    settle(&mut harness);
    service.release(Call::Create);
    wait_idle(&mut harness);

    assert!(has_label(&harness, "Rotate API key"));
    assert!(
        has_label_containing(&harness, "Step 1 of 2"),
        "the second key's rotation must not show the first key's replacement: {:?}",
        labels(&harness)
    );
    assert!(!has_label(&harness, "My clients use the new key now"));
    assert_eq!(service.created().len(), 1);
    let created = &service.created()[0];
    assert_eq!(
        created.name.as_deref(),
        Some("Alpha"),
        "the first key's twin"
    );
    assert!(status_text(&harness).contains(&first));
}

#[test]
fn a_partly_refused_bulk_revoke_removes_only_what_the_server_revoked() {
    let service = FakeService::new(three_keys());
    let keys = three_keys();
    service.protect(keys[0].number.expose());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let (kept, gone) = (keys[0].masked(), keys[1].masked());

    for target in [&kept, &gone] {
        click(&mut harness, &format!("Select key {target}"));
        harness.run();
    }
    click(&mut harness, "Revoke selected (2)");
    harness.run();
    type_into(&mut harness, "Type 2 to confirm", "2");
    click_and_wait(&mut harness, "Revoke 2 keys");

    let rows = masked_keys_in_order(&harness);
    assert!(rows.contains(&kept), "the refused key stays");
    assert!(!rows.contains(&gone), "the revoked key goes");
    assert_eq!(service.deleted(), [keys[1].number.expose()]);
    let status = status_text(&harness);
    assert!(
        status.starts_with("1 of 2 keys were not revoked.")
            && status.contains(&kept)
            && status.contains("This key is protected"),
        "{status}"
    );
    assert_eq!(count_label(&harness, &format!("⚠ {status}")), 2);
    // The dialog now holds only the refused key; one key needs no typed count.
    assert!(has_label_containing(&harness, "Revoke this API key?"));
    assert!(is_enabled(&harness, "Revoke"));
    assert!(!has_label(&harness, "Type 1 to confirm"));
}

#[test]
fn escape_in_an_open_list_closes_the_list_not_the_dialog() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    open_create(&mut harness);
    type_into(&mut harness, "Name (optional)", "Half typed");

    harness
        .get_by_role_and_label(A11yRole::ComboBox, "API Key Role")
        .click();
    harness.run();
    assert!(has_label(&harness, "Maintenance"), "the role list is open");
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(
        has_label(&harness, "Add API Key"),
        "Escape closed the whole dialog and lost what was typed"
    );
    assert!(!has_label(&harness, "Maintenance"), "the list closed");

    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(!has_label(&harness, "Add API Key"));
}

#[test]
fn a_bulk_revoke_lists_keys_in_table_order_and_enter_confirms() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    // Sorted by name: the table's order is not the order the server sent.
    click(&mut harness, "Name");
    harness.run();
    let rows = masked_keys_in_order(&harness);
    // Selected bottom-up: the dialog still lists them as the table does.
    for key in rows.iter().take(3).rev() {
        click(&mut harness, &format!("Select key {key}"));
        harness.run();
    }
    click(&mut harness, "Revoke selected (3)");
    harness.run();
    assert!(has_label(&harness, "Revoke API keys"));
    let listed: Vec<String> = labels(&harness)
        .into_iter()
        .filter(|label| rows[..3].contains(label))
        .collect();
    // The table's rows come first in the tree, then the dialog's list.
    assert_eq!(listed[3..], rows[..3]);

    harness.get_by_label("Type 3 to confirm").type_text("3");
    harness.run();
    harness.key_press(egui::Key::Enter);
    wait_idle(&mut harness);
    assert_eq!(status_text(&harness), "3 API keys revoked.");
    assert_eq!(masked_keys_in_order(&harness), rows[3..].to_vec());
}

/// A click with the primary button at `pos` (the backdrop outside a dialog, say).
fn click_at(harness: &mut AppHarness, pos: egui::Pos2) {
    harness.hover_at(pos);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
}

#[test]
fn a_stray_click_keeps_what_was_typed_and_enter_creates() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = harness.state().keys().keys().to_vec();
    let beside = egui::pos2(20.0, 600.0);

    // Nothing typed: a click beside the dialog closes it.
    open_create(&mut harness);
    click_at(&mut harness, beside);
    assert!(!has_label(&harness, "Add API Key"));

    open_create(&mut harness);
    type_into(&mut harness, "Name (optional)", "Kept");
    click_at(&mut harness, beside);
    assert!(
        has_label(&harness, "Add API Key"),
        "the typed name was thrown away"
    );
    assert_eq!(
        harness.get_by_label("Name (optional)").value().as_deref(),
        Some("Kept")
    );

    harness.get_by_label("Name (optional)").focus();
    harness.run();
    harness.key_press(egui::Key::Enter);
    wait_idle(&mut harness);
    let key = new_key(&harness, &before);
    assert_eq!(key.name(), Some("Kept"));
}
