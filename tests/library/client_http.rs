#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! The API client over real loopback HTTP, against a scripted server: what it sends, and how it
//! reads every kind of answer.

use std::time::{Duration, Instant};

use crate::scripted_server::{Reply, ScriptedServer};
use netlicensing_keys::api::{
    ApiError, Client, ClientConfig, Credentials, NewApiKey, Role, TokenNumber,
};

const KEY_A: &str = "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10";
const KEY_B: &str = "e2a94c71-0d3b-4f8e-b6a2-7c5d9e1f3a84";

fn client(server: &ScriptedServer) -> Client {
    client_with(server, Credentials::vendor_login("demo", "demo-password"))
}

fn client_with(server: &ScriptedServer, credentials: Credentials) -> Client {
    let mut config = ClientConfig::new(&server.base_url);
    config.request_timeout = Duration::from_millis(800);
    Client::new(&config, credentials).expect("client")
}

fn token(number: &str, token_type: &str, extra: &str) -> String {
    format!(
        r#"{{"type":"Token","property":[{{"name":"number","value":"{number}"}},{{"name":"tokenType","value":"{token_type}"}},{{"name":"active","value":"true"}}{extra}]}}"#
    )
}

fn page(items: &[String], page: u64, total_pages: Option<u64>, has_next: bool) -> Reply {
    let total = total_pages.map_or("null".to_owned(), |t| format!("\"{t}\""));
    Reply::json(
        200,
        format!(
            r#"{{"infos":{{"info":[]}},"items":{{"item":[{}],"pagenumber":"{page}","itemsnumber":"{}","totalpages":{total},"totalitems":null,"hasnext":"{has_next}"}}}}"#,
            items.join(","),
            items.len()
        ),
    )
}

fn error_reply(status: u16, id: &str, message: &str) -> Reply {
    Reply::json(
        status,
        format!(
            r#"{{"infos":{{"info":[{{"id":"{id}","type":"ERROR","value":"{message}"}}]}},"items":null}}"#
        ),
    )
}

#[test]
fn every_request_carries_accept_and_preemptive_basic_auth() {
    let server = ScriptedServer::start(vec![Reply::json(200, r#"{"items":{"item":[]}}"#)]);
    client(&server).check_credentials().expect("check");
    let requests = server.recorded();
    assert_eq!(
        requests.len(),
        1,
        "credentials are sent without a 401 round trip"
    );
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/core/v2/rest/utility/licensingModels");
    assert_eq!(request.header("accept"), Some("application/json"));
    // base64("demo:demo-password")
    assert_eq!(
        request.header("authorization"),
        Some("Basic ZGVtbzpkZW1vLXBhc3N3b3Jk")
    );
    assert!(
        request
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("netlicensing-keys/"))
    );
}

#[test]
fn api_key_identification_uses_the_api_key_username() {
    let server = ScriptedServer::start(vec![Reply::json(200, r#"{"items":null}"#)]);
    client_with(&server, Credentials::api_key(KEY_A))
        .check_credentials()
        .expect("check");
    // base64("apiKey:5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10")
    assert_eq!(
        server.recorded()[0].header("authorization"),
        Some("Basic YXBpS2V5OjViMGYzZDJlLThjNDEtNGU2YS05ZjU3LTJkN2MxYTllNGIxMA==")
    );
}

#[test]
fn list_fetches_every_page_and_keeps_only_api_keys() {
    // Pages after the first are fetched concurrently: answer by the page asked for.
    let server = ScriptedServer::start_with(|request| {
        if request.target.contains("page%3D0") {
            let first = [token(KEY_A, "APIKEY", ""), token("shop-1", "SHOP", "")];
            page(&first, 0, Some(3), true)
        } else if request.target.contains("page%3D1") {
            page(&[token(KEY_B, "APIKEY", "")], 1, Some(3), true)
        } else {
            let last = [token("default-1", "DEFAULT", ""), token("c3", "APIKEY", "")];
            page(&last, 2, Some(3), false)
        }
    });
    let keys = client(&server).list_api_keys().expect("list");
    let numbers: Vec<&str> = keys.iter().map(|k| k.number.expose()).collect();
    assert_eq!(numbers, [KEY_A, KEY_B, "c3"]);
    let mut targets: Vec<String> = server.recorded().into_iter().map(|r| r.target).collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "/core/v2/rest/token?filter=tokenType%3DAPIKEY%3Bpage%3D0%3Bitems%3D100",
            "/core/v2/rest/token?filter=tokenType%3DAPIKEY%3Bpage%3D1%3Bitems%3D100",
            "/core/v2/rest/token?filter=tokenType%3DAPIKEY%3Bpage%3D2%3Bitems%3D100",
        ]
    );
}

#[test]
fn list_follows_hasnext_when_the_server_sends_no_page_count() {
    let server = ScriptedServer::start(vec![
        page(&[token(KEY_A, "APIKEY", "")], 0, None, true),
        page(
            &[token(KEY_B, "APIKEY", ""), token(KEY_A, "APIKEY", "")],
            1,
            None,
            false,
        ),
    ]);
    let keys = client(&server).list_api_keys().expect("list");
    assert_eq!(keys.len(), 2, "the key seen on two pages is listed once");
    assert_eq!(server.recorded().len(), 2);
}

#[test]
fn list_stops_when_the_server_ignores_the_page_parameter() {
    // Always page 0 with hasnext=true: without a guard this would loop for ever.
    let server = ScriptedServer::start(vec![page(&[token(KEY_A, "APIKEY", "")], 0, None, true)]);
    let keys = client(&server).list_api_keys().expect("list");
    assert_eq!(keys.len(), 1);
    assert_eq!(server.recorded().len(), 2);
}

#[test]
fn a_failing_page_fails_the_whole_list() {
    let server = ScriptedServer::start(vec![
        page(&[token(KEY_A, "APIKEY", "")], 0, Some(3), true),
        error_reply(500, "ServerException", "database down"),
    ]);
    let error = client(&server).list_api_keys().expect_err("must fail");
    assert!(
        matches!(error, ApiError::Server { status: 500, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("database down"));
}

#[test]
fn create_sends_form_fields_and_never_empty_ones() {
    let created = format!(
        r#"{{"infos":{{"info":[]}},"items":{{"item":[{}]}}}}"#,
        token(
            KEY_A,
            "APIKEY",
            r#",{"name":"apiKeyRole","value":"ROLE_APIKEY_ANALYTICS"},{"name":"name","value":"CRM export"}"#
        )
    );
    let server = ScriptedServer::start(vec![Reply::json(200, created)]);
    let key = client(&server)
        .create_api_key(&NewApiKey {
            role: Some(Role::Analytics),
            name: Some("CRM export".into()),
            customer: Some("   ".into()),
            private_key: None,
        })
        .expect("create");
    assert_eq!(key.number.expose(), KEY_A);
    assert_eq!(key.role, Some(Role::Analytics));
    let request = &server.recorded()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/core/v2/rest/token");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let (fields, created) = request
        .body
        .split_once("&createdAt=")
        .expect("a creation date is recorded");
    assert_eq!(
        fields,
        "tokenType=APIKEY&apiKeyRole=ROLE_APIKEY_ANALYTICS&name=CRM+export"
    );
    // 2026-12-03T16:44:37Z, percent-encoded
    assert!(
        created.len() == 24 && created.ends_with('Z') && created.contains("%3A"),
        "{created}"
    );
}

#[test]
fn create_with_customer_and_private_key() {
    let created = format!(r#"{{"items":{{"item":[{}]}}}}"#, token(KEY_A, "APIKEY", ""));
    let server = ScriptedServer::start(vec![Reply::json(200, created)]);
    client(&server)
        .create_api_key(&NewApiKey {
            role: Some(Role::Licensee),
            name: None,
            customer: Some("I042-ACME".into()),
            private_key: Some("MIIEvQIBADANBgkqhkiG9w0BAQ+/=".into()),
        })
        .expect("create");
    assert!(server.recorded()[0].body.starts_with(
        "tokenType=APIKEY&apiKeyRole=ROLE_APIKEY_LICENSEE&licenseeNumber=I042-ACME&privateKey=MIIEvQIBADANBgkqhkiG9w0BAQ%2B%2F%3D&createdAt="
    ));
}

#[test]
fn a_2xx_answer_with_an_error_info_is_a_failed_create() {
    let server = ScriptedServer::start(vec![error_reply(
        200,
        "ValidationException",
        "Private key is invalid",
    )]);
    let error = client(&server)
        .create_api_key(&NewApiKey::default())
        .expect_err("must fail");
    assert_eq!(
        error,
        ApiError::InvalidInput {
            server: Some("Private key is invalid".into())
        }
    );
}

#[test]
fn get_and_delete_put_the_number_in_the_path() {
    let one = format!(r#"{{"items":{{"item":[{}]}}}}"#, token(KEY_B, "APIKEY", ""));
    let server = ScriptedServer::start(vec![
        Reply::json(200, one),
        Reply::Body(204, "text/plain", String::new()),
    ]);
    let client = client(&server);
    let number = TokenNumber::parse(KEY_B).expect("valid");
    assert_eq!(
        client.get_api_key(&number).expect("get").number.expose(),
        KEY_B
    );
    client.delete_token(&number).expect("delete");
    let requests = server.recorded();
    assert_eq!(requests[0].target, format!("/core/v2/rest/token/{KEY_B}"));
    assert_eq!(requests[1].method, "DELETE");
    assert_eq!(requests[1].target, format!("/core/v2/rest/token/{KEY_B}"));
}

#[test]
fn delete_accepts_200_with_an_envelope() {
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        r#"{"infos":{"info":[]},"items":null}"#,
    )]);
    let number = TokenNumber::parse(KEY_B).expect("valid");
    client(&server).delete_token(&number).expect("delete");
}

#[test]
fn status_codes_become_the_matching_errors() {
    let cases = [
        (
            error_reply(401, "NotAuthorizedException", "Unauthorized"),
            "did not accept the credentials",
        ),
        (
            error_reply(403, "NotAllowedException", "Operation not allowed"),
            "Admin role",
        ),
        (
            error_reply(400, "NotFoundException", "Token does not exist"),
            "Not found: Token does not exist",
        ),
        (
            error_reply(402, "QuotaException", "Plan limit reached"),
            "quota",
        ),
        (error_reply(500, "ServerException", "boom"), "HTTP 500"),
        (
            Reply::Body(
                502,
                "text/html",
                "<html><body>Bad Gateway</body></html>".into(),
            ),
            "HTTP 502 with an HTML page",
        ),
        (Reply::Body(200, "application/json", String::new()), ""),
    ];
    for (reply, expected) in cases {
        let server = ScriptedServer::start(vec![reply]);
        let outcome = client(&server).check_credentials();
        match outcome {
            Ok(()) => assert!(expected.is_empty()),
            Err(error) => assert!(
                error.to_string().contains(expected),
                "{error} should contain {expected}"
            ),
        }
    }
}

#[test]
fn a_body_that_breaks_off_is_reported_not_panicked_on() {
    let server = ScriptedServer::start(vec![Reply::Truncated(200, r#"{"items":{"item":["#.into())]);
    let error = client(&server).list_api_keys().expect_err("must fail");
    assert!(
        matches!(
            error,
            ApiError::Network { .. } | ApiError::Unreadable { .. }
        ),
        "{error:?}"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = ScriptedServer::start(vec![Reply::Hang]);
    let started = Instant::now();
    let error = client(&server)
        .check_credentials()
        .expect_err("must time out");
    assert!(matches!(error, ApiError::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        error
            .to_string()
            .contains("did not answer within 0.8 seconds")
    );
}

#[test]
fn a_closed_port_is_connection_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let config = ClientConfig::new(format!("http://127.0.0.1:{port}/core/v2/rest"));
    let error = Client::new(&config, Credentials::vendor_login("demo", "demo"))
        .expect("client")
        .check_credentials()
        .expect_err("nothing listens");
    assert_eq!(
        error,
        ApiError::ConnectionRefused {
            host: format!("127.0.0.1:{port}")
        }
    );
}

#[test]
fn https_to_a_server_that_hangs_up_is_a_tls_failure_in_words() {
    let server = ScriptedServer::start(vec![Reply::json(200, "{}")]);
    let https = server.base_url.replace("http://", "https://");
    let mut config = ClientConfig::new(https);
    config.request_timeout = Duration::from_secs(3);
    let error = Client::new(&config, Credentials::vendor_login("demo", "demo"))
        .expect("client")
        .check_credentials()
        .expect_err("no TLS there");
    // This server hangs up on the TLS greeting (one that answers in plain HTTP gives NotTls,
    // as the app's test shows).
    assert!(matches!(error, ApiError::Tls { .. }), "{error:?}");
    assert!(
        error.to_string().contains(
            "the server closed the connection before it was secured (is the address http://?)"
        ),
        "{error}"
    );
}

#[test]
fn invalid_key_numbers_are_refused_before_any_request() {
    for bad in ["../../utility/licensingModels", "a/b", "x%2e%2e", ""] {
        assert!(TokenNumber::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn errors_never_contain_the_secret() {
    let server = ScriptedServer::start(vec![Reply::Hang]);
    let number = TokenNumber::parse(KEY_B).expect("valid");
    let error = client_with(&server, Credentials::api_key(KEY_A))
        .get_api_key(&number)
        .expect_err("times out");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(KEY_A) && !text.contains(KEY_B), "{text}");
    let refused = ClientConfig::new("http://127.0.0.1:1/core/v2/rest");
    let error = Client::new(&refused, Credentials::api_key(KEY_A))
        .expect("client")
        .delete_token(&number)
        .expect_err("refused");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(KEY_B), "{text}");
}

#[test]
fn reading_calls_are_tried_again_after_a_passing_failure_and_nothing_else_is() {
    let retry = netlicensing_keys::api::Retry {
        retries: 2,
        first_delay: Duration::from_millis(10),
    };
    let good = || page(&[token(KEY_A, "APIKEY", "")], 0, Some(1), false);

    // A 500, then a dropped connection, then the page.
    let server = ScriptedServer::start(vec![
        error_reply(500, "ServerException", "x"),
        Reply::Close,
        good(),
    ]);
    let listed = client(&server)
        .with_retry(retry)
        .list_api_keys()
        .expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(server.recorded().len(), 3);

    // An unreadable body, then the page; without a retry policy it stays a failure.
    let server = ScriptedServer::start(vec![Reply::json(200, "{\"items\":"), good()]);
    assert!(matches!(
        client(&server).list_api_keys(),
        Err(ApiError::Unreadable { status: 200, .. })
    ));
    assert_eq!(server.recorded().len(), 1, "no retries by default");
    assert_eq!(
        client(&server)
            .with_retry(retry)
            .list_api_keys()
            .unwrap()
            .len(),
        1
    );

    // Bounded: three failures in a row are the answer.
    let server = ScriptedServer::start(vec![error_reply(503, "ServerException", "busy")]);
    let error = client(&server)
        .with_retry(retry)
        .check_credentials()
        .unwrap_err();
    assert!(
        matches!(error, ApiError::Server { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(server.recorded().len(), 3);

    // A 4xx is an answer, not a hiccup.
    let server = ScriptedServer::start(vec![
        error_reply(401, "AuthenticationException", "no"),
        good(),
    ]);
    let error = client(&server)
        .with_retry(retry)
        .list_api_keys()
        .unwrap_err();
    assert!(
        matches!(error, ApiError::BadCredentials { .. }),
        "{error:?}"
    );
    assert_eq!(server.recorded().len(), 1);

    // A create or a revoke goes once: it may have been done.
    let server = ScriptedServer::start(vec![error_reply(500, "ServerException", "x"), good()]);
    let error = client(&server)
        .with_retry(retry)
        .create_api_key(&NewApiKey::default())
        .unwrap_err();
    assert!(matches!(error, ApiError::Server { .. }), "{error:?}");
    assert_eq!(server.recorded().len(), 1);
    let number = TokenNumber::parse(KEY_B).unwrap();
    let server = ScriptedServer::start(vec![Reply::Close, Reply::json(204, "")]);
    assert!(
        client(&server)
            .with_retry(retry)
            .delete_token(&number)
            .is_err()
    );
    assert_eq!(server.recorded().len(), 1);
}

#[test]
fn a_proxy_that_cannot_be_reached_is_named_without_its_user() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut config = ClientConfig::new("https://keys.example.com/core/v2/rest");
    config.proxy = Some(format!("http://jane@127.0.0.1:{port}"));
    let client = Client::new(&config, Credentials::vendor_login("demo", "demo")).unwrap();
    let error = client.check_credentials().unwrap_err();
    assert!(matches!(error, ApiError::Proxy { .. }), "{error:?}");
    let text = error.to_string();
    assert_eq!(
        text,
        format!(
            "Could not connect through the proxy http://127.0.0.1:{port} (it refused the connection). Check the proxy address in the network settings, or whether the proxy is running."
        )
    );
    assert!(!text.contains("jane"), "{text}");
    assert!(!error.outcome_uncertain(), "nothing reached the server");

    // A password in the address is refused: the setting lives in a plain file.
    config.proxy = Some(format!("http://jane:pr0xy-pass@127.0.0.1:{port}"));
    let error = Client::new(&config, Credentials::vendor_login("demo", "demo")).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("The network settings are not usable: a proxy password cannot be kept"),
        "{text}"
    );
    assert!(!text.contains("pr0xy-pass") && !format!("{error:?}").contains("pr0xy-pass"));

    // An unknown scheme is refused when the setting is read, before anything is sent.
    config.proxy = Some("socks9://jane:pr0xy-pass@proxy.example.com:1080".to_owned());
    let error = Client::new(&config, Credentials::vendor_login("demo", "demo")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "The network settings are not usable: the proxy address must start with http:// or https://, not socks9://."
    );
}
