#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The desktop app's key table, driven through its accessibility tree: start-up, paging,
//! filter, role filter, sort, copy, reveal, keyboard shortcuts, background calls and errors.

use std::time::{Duration, Instant};

use crate::support::fake_service::{Call, FakeService, three_keys};
use crate::support::*;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use netlicensing_keys::api::ApiError;
use netlicensing_keys::app::{LaunchOptions, Screen};
use netlicensing_keys::credentials::Settings;
use netlicensing_keys::sandbox::SandboxOptions;
use netlicensing_keys::sandbox::seed::{
    ADMIN_KEY, ANALYTICS_KEY, CUSTOMER_KEY, LICENSEE_KEY, MAINTENANCE_KEY, OPERATION_KEY,
};

/// The seed keys in the table's first order: newest first, keys without a date last.
fn seed_order() -> Vec<String> {
    [
        OPERATION_KEY,
        CUSTOMER_KEY,
        ANALYTICS_KEY,
        ADMIN_KEY,
        LICENSEE_KEY,
        MAINTENANCE_KEY,
    ]
    .map(masked)
    .to_vec()
}

#[test]
fn the_sandbox_flag_opens_on_the_key_table_with_the_seed_keys() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let harness = world.open_sandbox();

    assert_eq!(harness.state().screen(), Screen::Keys);
    assert!(has_label(&harness, "Sandbox"), "the Sandbox badge is shown");
    assert_eq!(masked_keys_in_order(&harness), seed_order());
    assert!(has_label(&harness, "6 keys"));
    for name in [
        "Deploy pipeline",
        "CRM export",
        "ACME desktop app",
        "Billing sync",
    ] {
        assert!(has_label(&harness, name), "{name} is listed");
    }
    assert!(has_label(&harness, "I042-ACME"), "the customer is shown");
    assert!(is_enabled(&harness, "+ Add API Key"));
}

#[test]
fn the_first_run_welcomes_and_try_the_sandbox_leads_to_the_table() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open(Settings::default(), LaunchOptions::default());

    assert_eq!(harness.state().screen(), Screen::Welcome);
    assert!(has_label(&harness, "Connect to NetLicensing"));
    assert!(has_label(&harness, "Try the sandbox"));
    assert!(
        !has_label(&harness, "Sandbox"),
        "no badge before the sandbox is chosen"
    );
    assert!(harness.state().connection().is_none());

    click_and_wait(&mut harness, "Try the sandbox");

    assert_eq!(harness.state().screen(), Screen::Keys);
    assert!(has_label(&harness, "Sandbox"));
    assert_eq!(masked_keys_in_order(&harness), seed_order());
}

#[test]
fn connect_to_netlicensing_opens_the_form_for_a_new_profile() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open(Settings::default(), LaunchOptions::default());

    click(&mut harness, "Connect to NetLicensing");
    harness.run();

    assert_eq!(harness.state().screen(), Screen::Settings);
    assert!(has_label(&harness, "Profile name"));
    assert!(has_label(&harness, "API key (recommended)"));
}

#[test]
fn every_page_of_a_large_account_is_listed() {
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 450,
        ..SandboxOptions::default()
    });
    let world = World::new(&sandbox);
    let harness = world.open_sandbox();

    // 450 generated keys on five pages of 100, plus the six seed keys.
    assert_eq!(harness.state().keys().keys().len(), 456);
    assert!(has_label(&harness, "456 keys"), "{:?}", labels(&harness));
    let mut numbers: Vec<&str> = harness
        .state()
        .keys()
        .keys()
        .iter()
        .map(|k| k.number.expose())
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 456, "no key is listed twice");
}

#[test]
fn a_long_list_shows_its_progress_while_it_loads() {
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 450,
        latency: Duration::from_millis(150),
        ..SandboxOptions::default()
    });
    let world = World::new(&sandbox);
    let mut harness = world.start(
        Settings::default(),
        LaunchOptions {
            sandbox: true,
            ..LaunchOptions::default()
        },
    );

    wait_until(&mut harness, "the progress of the list", |h| {
        has_label_containing(h, "Loading API keys: page ")
    });
    assert!(
        has_label_containing(&harness, " of 5"),
        "{:?}",
        labels(&harness)
    );
    wait_idle(&mut harness);
    assert!(!has_label_containing(&harness, "Loading API keys"));
    assert!(has_label(&harness, "456 keys"));
}

#[test]
fn the_filter_matches_names_customers_and_key_ends() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();

    type_into(&mut harness, "Filter API Keys", "crm");
    assert_eq!(masked_keys_in_order(&harness), [masked(ANALYTICS_KEY)]);
    assert!(has_label(&harness, "1 of 6 keys"));

    clear_filter(&mut harness);
    type_into(&mut harness, "Filter API Keys", "I042");
    assert_eq!(masked_keys_in_order(&harness), [masked(CUSTOMER_KEY)]);

    clear_filter(&mut harness);
    type_into(&mut harness, "Filter API Keys", "4b10");
    assert_eq!(masked_keys_in_order(&harness), [masked(LICENSEE_KEY)]);

    clear_filter(&mut harness);
    type_into(&mut harness, "Filter API Keys", "nothing like this");
    assert!(masked_keys_in_order(&harness).is_empty());
    assert!(has_label(&harness, "No API keys match the filter"));

    clear_filter(&mut harness);
    assert_eq!(masked_keys_in_order(&harness), seed_order());
}

fn clear_filter(harness: &mut AppHarness) {
    harness.get_by_label("Filter API Keys").focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.run();
    assert_eq!(harness.state().keys().query().text, "");
}

#[test]
fn the_role_filter_shows_each_role_and_show_all() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();

    let expected = [
        ("Licensee", vec![CUSTOMER_KEY, LICENSEE_KEY]),
        ("Analytics", vec![ANALYTICS_KEY]),
        ("Operation", vec![OPERATION_KEY]),
        ("Maintenance", vec![MAINTENANCE_KEY]),
        ("Admin", vec![ADMIN_KEY]),
    ];
    for (role, keys) in expected {
        choose(&mut harness, "Role", role);
        assert_eq!(
            masked_keys_in_order(&harness),
            keys.into_iter().map(masked).collect::<Vec<_>>(),
            "role filter {role}"
        );
    }
    choose(&mut harness, "Role", "Show all");
    assert_eq!(masked_keys_in_order(&harness), seed_order());
}

#[test]
fn clicking_a_column_header_twice_flips_the_order() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();

    click(&mut harness, "Name");
    harness.run();
    // Names A to Z; keys without a name come last either way, in the server's order.
    let ascending = [
        CUSTOMER_KEY,
        OPERATION_KEY,
        ANALYTICS_KEY,
        ADMIN_KEY,
        LICENSEE_KEY,
        MAINTENANCE_KEY,
    ]
    .map(masked);
    assert_eq!(masked_keys_in_order(&harness), ascending);

    click(&mut harness, "Name ⏶");
    harness.run();
    let descending = [
        ADMIN_KEY,
        ANALYTICS_KEY,
        OPERATION_KEY,
        CUSTOMER_KEY,
        LICENSEE_KEY,
        MAINTENANCE_KEY,
    ]
    .map(masked);
    assert_eq!(masked_keys_in_order(&harness), descending);
    assert!(has_label(&harness, "Name ⏷"));
}

#[test]
fn copy_puts_the_full_key_on_the_clipboard_and_clears_it_after_the_delay() {
    let sandbox = sandbox();
    let mut world = World::new(&sandbox);
    // Long enough that "not cleared at once" holds on a busy machine.
    world.clipboard_clear_after = Duration::from_millis(600);
    let mut harness = world.open_sandbox();

    let label = format!("Copy key {}", masked(ADMIN_KEY));
    click(&mut harness, &label);
    let copied_at = Instant::now();
    assert_eq!(copied_text(&harness).as_deref(), Some(ADMIN_KEY));
    // What the platform does with the copy command.
    world.clipboard.set(ADMIN_KEY);
    harness.run();
    assert!(world.clipboard.asked().is_empty(), "not cleared at once");
    // Without input the window only redraws when asked: it must ask in time to clear.
    let repaint = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(
        repaint <= world.clipboard_clear_after,
        "the app asked for its next frame only in {repaint:?}"
    );

    wait_until(&mut harness, "the clipboard to be cleared", |_| {
        !world.clipboard.asked().is_empty()
    });
    assert!(copied_at.elapsed() >= world.clipboard_clear_after);
    assert_eq!(world.clipboard.asked(), [ADMIN_KEY]);
    assert_eq!(world.clipboard.content(), None);
    wait_until(&mut harness, "the status line to say so", |h| {
        status_text(h).contains("cleared from the clipboard")
    });
}

#[test]
fn copy_leaves_the_clipboard_alone_when_it_holds_something_else() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();

    click(&mut harness, &format!("Copy key {}", masked(OPERATION_KEY)));
    assert_eq!(copied_text(&harness).as_deref(), Some(OPERATION_KEY));
    world.clipboard.set(OPERATION_KEY);
    harness.run();
    // The user copies something else before the delay is over.
    world.clipboard.set("my shopping list");

    wait_until(&mut harness, "the clipboard to be checked", |_| {
        !world.clipboard.asked().is_empty()
    });
    assert_eq!(world.clipboard.asked(), [OPERATION_KEY]);
    assert_eq!(
        world.clipboard.content().as_deref(),
        Some("my shopping list")
    );
    assert!(world.clipboard.cleared().is_empty());
}

#[test]
fn show_key_reveals_it_and_it_hides_again_by_itself() {
    let sandbox = sandbox();
    let mut world = World::new(&sandbox);
    world.reveal_for = Duration::from_millis(800);
    let mut harness = world.open_sandbox();
    let masked_key = masked(LICENSEE_KEY);
    assert!(!has_label(&harness, LICENSEE_KEY));

    click(&mut harness, &format!("Show key {masked_key}"));
    let revealed_at = Instant::now();
    harness.run();
    assert!(has_label(&harness, LICENSEE_KEY), "the full key is shown");
    assert!(has_label(&harness, &format!("Hide key {masked_key}")));
    // Without input the window only redraws when asked: it must ask in time to hide the key.
    let repaint = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(
        repaint <= world.reveal_for,
        "the app asked for its next frame only in {repaint:?}"
    );

    wait_until(&mut harness, "the key to hide again", |h| {
        !has_label(h, LICENSEE_KEY)
    });
    assert!(revealed_at.elapsed() >= world.reveal_for);
    assert!(has_label(&harness, &format!("Show key {masked_key}")));
}

#[test]
fn hide_key_hides_it_at_once() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let masked_key = masked(ADMIN_KEY);

    click(&mut harness, &format!("Show key {masked_key}"));
    harness.run();
    assert!(has_label(&harness, ADMIN_KEY));
    click(&mut harness, &format!("Hide key {masked_key}"));
    harness.run();
    assert!(!has_label(&harness, ADMIN_KEY));
}

#[test]
fn a_revealed_key_moves_no_column_and_every_button_stays_whole() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let masked_key = masked(ADMIN_KEY);
    let revoke = format!("Revoke key {masked_key}");
    let before = harness.get_by_label(&revoke).rect();

    click(&mut harness, &format!("Show key {masked_key}"));
    harness.run();
    assert!(has_label(&harness, ADMIN_KEY));
    let after = harness.get_by_label(&revoke).rect();
    assert_eq!(before, after, "the full key pushed the row's buttons aside");
    let window = harness.ctx.content_rect();
    assert!(
        window.contains_rect(after),
        "{revoke:?} at {after:?} is cut by the window {window:?}"
    );
}

#[test]
fn keyboard_shortcuts_refresh_create_filter_revoke_and_close() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    assert_eq!(service.started(Call::List), 1);

    // Ctrl+R refreshes.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    wait_idle(&mut harness);
    assert_eq!(service.started(Call::List), 2);

    // Ctrl+N opens the create dialog; Escape closes it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    assert!(
        has_label(&harness, "Add API Key"),
        "the create dialog opened"
    );
    harness.run();
    assert!(
        harness.get_by_label("Name (optional)").is_focused(),
        "typing goes to the name at once"
    );
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!has_label(&harness, "Add API Key"));

    // Ctrl+F focuses the filter, and typing goes there.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    assert!(harness.get_by_label("Filter API Keys").is_focused());
    harness.get_by_label("Filter API Keys").type_text("Bravo");
    harness.run();
    assert_eq!(harness.state().keys().query().text, "Bravo");
    clear_filter(&mut harness);

    // Delete opens the revoke dialog for the selection (selected with the mouse).
    let keys = three_keys();
    for key in &keys[..2] {
        click(&mut harness, &format!("Select key {}", key.masked()));
        harness.run();
    }
    assert_eq!(harness.state().keys().selection_len(), 2);
    harness.key_press(Key::Delete);
    harness.run();
    assert!(
        has_label(&harness, "Revoke API keys"),
        "Delete opened the revoke dialog: {:?}",
        labels(&harness)
    );
    assert!(has_label(&harness, "Type 2 to confirm"));
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!has_label(&harness, "Revoke API keys"));

    // In the filter box, Delete edits the text and revokes nothing.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_label("Filter API Keys").type_text("xy");
    harness.run();
    harness.key_press(Key::ArrowLeft);
    harness.key_press(Key::Delete);
    harness.run();
    assert_eq!(harness.state().keys().query().text, "x");
    assert!(!has_label(&harness, "Revoke API keys"));
    assert_eq!(service.started(Call::Delete), 0, "nothing was revoked");
}

#[test]
fn a_refresh_keeps_the_rows_shows_a_spinner_and_cannot_run_twice() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);
    assert_eq!(before.len(), 3);
    let add_button = harness.get_by_label("+ Add API Key").rect();

    service.hold(Call::List);
    click(&mut harness, "⟳ Refresh");
    service.wait_started(Call::List, 2);
    harness.step();

    assert!(!is_enabled(&harness, "⟳ Refresh"), "no second refresh");
    assert_eq!(
        harness.get_by_label("+ Add API Key").rect(),
        add_button,
        "the spinner pushed the next button aside"
    );
    assert!(
        harness
            .query_by_role(egui::accesskit::Role::ProgressIndicator)
            .is_some(),
        "a spinner shows the call runs: {:#?}",
        harness.root()
    );
    assert_eq!(masked_keys_in_order(&harness), before, "rows stay");
    // Neither a click on the disabled button nor Ctrl+R starts another call.
    harness.get_by_label("⟳ Refresh").click();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.step();
    harness.step();
    assert_eq!(service.started(Call::List), 2);

    service.release(Call::List);
    wait_idle(&mut harness);
    assert_eq!(service.started(Call::List), 2);
    assert!(is_enabled(&harness, "⟳ Refresh"));
    assert_eq!(masked_keys_in_order(&harness), before);
}

#[test]
fn the_window_stays_responsive_while_the_server_takes_seconds() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);
    let latency = Duration::from_secs(2);
    sandbox.set_latency(latency);

    click(&mut harness, "⟳ Refresh");
    let start = Instant::now();
    for _ in 0..30 {
        harness.step();
    }
    let took = start.elapsed();
    assert!(
        took < latency / 4,
        "30 frames took {took:?} while a call was waiting"
    );
    assert!(harness.state().is_busy(), "the refresh is still running");
    assert_eq!(
        masked_keys_in_order(&harness),
        before,
        "rows stay meanwhile"
    );

    sandbox.set_latency(Duration::ZERO);
    wait_idle(&mut harness);
    assert_eq!(masked_keys_in_order(&harness), before);
}

#[test]
fn one_bad_answer_is_tried_again_and_the_list_loads() {
    let sandbox = sandbox();
    let proxy = FaultyProxy::start(&sandbox);
    let world = World::with_sandbox_url(proxy.base_url.clone());
    let mut harness = world.open_sandbox();

    sandbox.malform_next(1);
    click_and_wait(&mut harness, "⟳ Refresh");
    assert!(status_text(&harness).contains("6 API keys loaded"));
    proxy.answer_500(1);
    click_and_wait(&mut harness, "⟳ Refresh");
    assert!(status_text(&harness).contains("6 API keys loaded"));
    assert_eq!(masked_keys_in_order(&harness), seed_order());
}

#[test]
fn a_malformed_answer_is_reported_in_words_and_the_rows_stay() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);

    // The first try and both retries.
    sandbox.malform_next(3);
    click_and_wait(&mut harness, "⟳ Refresh");

    let status = status_text(&harness);
    assert!(
        status.contains("not a NetLicensing response"),
        "status line: {status}"
    );
    assert_eq!(
        count_label(&harness, &format!("⚠ {status}")),
        2,
        "the error is shown above the table and in the status line: {:?}",
        labels(&harness)
    );
    assert_eq!(masked_keys_in_order(&harness), before);

    // The next refresh works and the error goes.
    click_and_wait(&mut harness, "⟳ Refresh");
    assert!(!has_label_containing(
        &harness,
        "not a NetLicensing response"
    ));
    assert!(status_text(&harness).contains("6 API keys loaded"));
}

#[test]
fn a_server_error_is_reported_in_words_and_the_rows_stay() {
    let sandbox = sandbox();
    let proxy = FaultyProxy::start(&sandbox);
    let world = World::with_sandbox_url(proxy.base_url.clone());
    let mut harness = world.open_sandbox();
    let before = masked_keys_in_order(&harness);
    assert_eq!(before, seed_order());

    // The first try and both retries.
    proxy.answer_500(3);
    click_and_wait(&mut harness, "⟳ Refresh");

    let status = status_text(&harness);
    assert!(
        status.contains("server error (HTTP 500)") && status.contains("database down"),
        "status line: {status}"
    );
    assert_eq!(count_label(&harness, &format!("⚠ {status}")), 2);
    assert_eq!(masked_keys_in_order(&harness), before);
}

#[test]
fn a_broken_settings_file_is_reported_and_stays_reported_after_start_up() {
    let sandbox = sandbox();
    let world = World::new(&sandbox);
    std::fs::write(world.settings_path(), "this is [not TOML").unwrap();
    let mut harness = world.open_from_file(LaunchOptions {
        sandbox: true,
        ..LaunchOptions::default()
    });

    assert_eq!(masked_keys_in_order(&harness), seed_order());
    let warning = "could not be read";
    assert!(
        has_label_containing(&harness, warning),
        "the warning about the settings file was lost at start-up: {:?}",
        labels(&harness)
    );
    assert!(has_label_containing(&harness, "settings.toml.bak"));
    click(&mut harness, "Dismiss");
    harness.run();
    assert!(!has_label_containing(&harness, warning));
}

#[test]
fn a_long_error_wraps_in_the_status_line_and_the_freshness_stays_whole() {
    let service = FakeService::new(three_keys());
    let world = World::with_fake(&service);
    let mut harness = world.open_sandbox();
    service.fail(
        Call::List,
        Some(ApiError::Server {
            status: 500,
            server: Some("the database is being migrated, ".repeat(10)),
        }),
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    wait_idle(&mut harness);

    let window = harness.ctx.content_rect();
    let freshness = harness.get_by_label("refreshed just now").rect();
    assert!(
        window.contains_rect(freshness),
        "the freshness at {freshness:?} is cut by the window {window:?}"
    );
    let status = harness
        .query_all_by_label_contains("⚠ NetLicensing had a server error (HTTP 500)")
        .map(|node| node.rect())
        .min_by(|a, b| b.bottom().total_cmp(&a.bottom()))
        .expect("the error is shown");
    assert!(
        status.right() <= freshness.left() && window.contains_rect(status),
        "the status line's message at {status:?} runs into the freshness at {freshness:?}"
    );
    assert!(
        status.height() > 2.5 * freshness.height(),
        "a long message is read on three lines, not cut on one: {status:?}"
    );
}
