#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! Fault injection: latency, failures (500 or a dropped connection), malformed bodies, and
//! the HTTP control endpoint, as the API client experiences them.

use std::time::{Duration, Instant};

use crate::sandbox_support::{
    JSON, XML, demo_auth, get, http, sandbox, sandbox_with, send, vendor_client,
};
use netlicensing_keys::api::envelope;
use netlicensing_keys::api::{ApiError, TokenNumber};
use netlicensing_keys::sandbox::{SandboxOptions, seed};

fn timed<T>(call: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let result = call();
    (result, started.elapsed())
}

#[test]
fn latency_delays_every_answer_until_it_is_lowered() {
    let sandbox = sandbox_with(SandboxOptions {
        latency: Duration::from_millis(250),
        ..SandboxOptions::default()
    });
    let client = vendor_client(&sandbox);
    let (result, took) = timed(|| client.check_credentials());
    result.expect("slow but fine");
    assert!(took >= Duration::from_millis(250), "{took:?}");

    sandbox.set_latency(Duration::from_millis(400));
    let (result, took) = timed(|| client.list_page(0, 10));
    result.expect("slow but fine");
    assert!(took >= Duration::from_millis(400), "{took:?}");

    sandbox.set_latency(Duration::ZERO);
    let (result, took) = timed(|| client.check_credentials());
    result.expect("fast");
    assert!(took < Duration::from_millis(250), "{took:?}");
}

#[test]
fn a_fail_rate_of_one_gives_server_errors_and_dropped_connections() {
    let sandbox = sandbox();
    let client = vendor_client(&sandbox);
    sandbox.set_fail_rate(1.0);
    let (mut server_errors, mut dropped) = (0, 0);
    for _ in 0..40 {
        match client.check_credentials() {
            Err(ApiError::Server { status: 500, .. }) => server_errors += 1,
            Err(ApiError::Network { .. }) => dropped += 1,
            other => panic!("every call fails as a 500 or a broken connection: {other:?}"),
        }
    }
    // Each kind has a chance of one half per call: missing one in 40 calls is 2^-39.
    assert!(
        server_errors > 0 && dropped > 0,
        "{server_errors} / {dropped}"
    );

    let raw = (0..40)
        .map(|_| {
            http()
                .get(format!("{}/token", sandbox.base_url()))
                .header("Authorization", demo_auth())
                .header("Accept", XML)
                .send()
        })
        .find_map(|sent| sent.ok().filter(|r| r.status().as_u16() == 500))
        .expect("some failures are answered");
    let body = raw.bytes().unwrap();
    let error = envelope::parse(&body).expect("a 500 is an envelope too");
    assert_eq!(
        error.first_error().map(|i| i.id.as_str()),
        Some("ServiceException")
    );

    sandbox.set_fail_rate(0.0);
    client.check_credentials().expect("healthy again");
}

#[test]
fn malform_next_gives_exactly_that_many_unreadable_answers() {
    let sandbox = sandbox();
    let client = vendor_client(&sandbox);
    sandbox.malform_next(3);
    for call in 0..3 {
        let error = client.check_credentials().unwrap_err();
        assert!(
            matches!(error, ApiError::Unreadable { status: 200, .. }),
            "call {call}: {error:?}"
        );
    }
    client.check_credentials().expect("the fourth is whole");
    client.list_api_keys().expect("and so is the rest");

    for accept in [JSON, XML] {
        sandbox.malform_next(1);
        let cut = get(&sandbox, "/token", accept);
        assert_eq!(cut.status, 200);
        assert!(envelope::parse(&cut.body).is_err(), "{}", cut.text());
        let whole = get(&sandbox, "/token", accept);
        assert!(envelope::parse(&whole.body).is_ok());
    }
}

#[test]
fn empty_answers_are_not_counted_as_malformed() {
    let sandbox = sandbox();
    let client = vendor_client(&sandbox);
    sandbox.malform_next(1);
    client
        .delete_token(&TokenNumber::parse(seed::SHOP_TOKEN).unwrap())
        .expect("a 204 has no body to malform");
    assert!(matches!(
        client.check_credentials(),
        Err(ApiError::Unreadable { .. })
    ));
}

#[test]
fn the_control_endpoint_changes_faults_over_http() {
    let sandbox = sandbox();
    let client = vendor_client(&sandbox);
    let control = sandbox.faults_url();
    assert!(control.ends_with("/sandbox/faults"));
    assert!(!control.contains("/core/v2/rest"));

    let shown = send(http().get(&control));
    assert_eq!(shown.status, 200);
    let settings: serde_json::Value = serde_json::from_slice(&shown.body).unwrap();
    assert_eq!(
        settings,
        serde_json::json!({"latency_ms": 0, "fail_rate": 0.0, "malform_next": 0})
    );

    let changed = send(
        http()
            .post(&control)
            .form(&[("latency_ms", "200"), ("malform_next", "2")]),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    let settings: serde_json::Value = serde_json::from_slice(&changed.body).unwrap();
    assert_eq!(settings["latency_ms"], 200);
    assert_eq!(settings["malform_next"], 2);

    let (first, took) = timed(|| client.check_credentials());
    assert!(matches!(first, Err(ApiError::Unreadable { .. })));
    assert!(took >= Duration::from_millis(200), "{took:?}");
    assert!(client.check_credentials().is_err());
    client
        .check_credentials()
        .expect("two malformed answers, then whole ones");

    for bad in [
        vec![("fail_rate", "2")],
        vec![("latency_ms", "-1")],
        vec![("latency_ms", "soon")],
        vec![("malform_next", "")],
        vec![("chaos", "1")],
    ] {
        let refused = send(http().post(&control).form(&bad));
        assert_eq!(refused.status, 400, "{bad:?}");
        assert!(!refused.text().is_empty());
    }
    let unchanged: serde_json::Value =
        serde_json::from_slice(&send(http().get(&control)).body).unwrap();
    assert_eq!(unchanged["latency_ms"], 200);

    // The controls themselves are never faulty, so a failing sandbox can be healed.
    let broken = send(
        http()
            .post(&control)
            .form(&[("fail_rate", "1"), ("latency_ms", "0")]),
    );
    assert_eq!(broken.status, 200);
    assert!(client.check_credentials().is_err());
    let healed = send(http().post(&control).form(&[("fail_rate", "0")]));
    assert_eq!(healed.status, 200);
    client.check_credentials().expect("healed");
}
