use super::*;

#[test]
fn statuses_map_to_errors_with_the_servers_message() {
    let error_body = |id: &str, msg: &str| {
        format!(
            r#"{{"infos":{{"info":[{{"id":"{id}","type":"ERROR","value":"{msg}"}}]}},"items":null}}"#
        )
    };
    let unauthorized = error_body("NotAuthorizedException", "Unauthorized");
    assert_eq!(
        interpret(401, unauthorized.as_bytes()),
        Err(ApiError::BadCredentials {
            server: Some("Unauthorized".into())
        })
    );
    let not_found = error_body("NotFoundException", "Token 'x' not found");
    assert_eq!(
        interpret(400, not_found.as_bytes()),
        Err(ApiError::NotFound {
            server: Some("Token 'x' not found".into())
        })
    );
    let malformed = error_body("MalformedRequestException", "Unknown role");
    assert!(matches!(
        interpret(400, malformed.as_bytes()),
        Err(ApiError::InvalidInput { .. })
    ));
    assert!(matches!(
        interpret(402, malformed.as_bytes()),
        Err(ApiError::Quota { .. })
    ));
    assert!(matches!(
        interpret(403, malformed.as_bytes()),
        Err(ApiError::PermissionDenied { .. })
    ));
    assert!(matches!(
        interpret(404, malformed.as_bytes()),
        Err(ApiError::NotFound { .. })
    ));
    assert!(matches!(
        interpret(503, malformed.as_bytes()),
        Err(ApiError::Server { status: 503, .. })
    ));
    assert!(matches!(
        interpret(409, malformed.as_bytes()),
        Err(ApiError::UnexpectedStatus { status: 409, .. })
    ));
}

#[test]
fn a_success_status_with_an_error_info_is_a_failure() {
    let body = r#"{"infos":{"info":[{"id":"ValidationException","type":"ERROR","value":"privateKey is not valid"}]},"items":{"item":[]}}"#;
    assert_eq!(
        interpret(200, body.as_bytes()),
        Err(ApiError::InvalidInput {
            server: Some("privateKey is not valid".into())
        })
    );
    let warning =
        r#"{"infos":{"info":[{"id":"W","type":"WARNING","value":"w"}]},"items":{"item":[]}}"#;
    assert!(interpret(200, warning.as_bytes()).is_ok());
}

#[test]
fn bodies_that_are_not_envelopes_keep_the_status() {
    assert!(interpret(204, b"").is_ok());
    assert_eq!(
        interpret(502, b"<html><body>Bad gateway</body></html>"),
        Err(ApiError::Unreadable {
            status: 502,
            what: "an HTML page (often a proxy or login portal)".into()
        })
    );
    assert!(matches!(
        interpret(500, b""),
        Err(ApiError::Unreadable { status: 500, .. })
    ));
    assert!(matches!(
        interpret(200, br#"{"items":{"item":[{"type":"Tok"#),
        Err(ApiError::Unreadable { status: 200, .. })
    ));
    assert_eq!(
        interpret(401, b""),
        Err(ApiError::BadCredentials { server: None })
    );
}

#[test]
fn a_404_that_is_not_netlicensings_points_at_the_base_url() {
    for body in [
        &b"<!DOCTYPE html><html><body>Not Found</body></html>"[..],
        b"",
        b"Not Found",
    ] {
        let error = interpret(404, body).unwrap_err();
        assert!(matches!(error, ApiError::NoApiHere { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("Check the base URL: it ends with /core/v2/rest"),
            "{error}"
        );
    }
}

#[test]
fn base_urls_need_https_except_for_loopback() {
    assert!(parse_base_url("https://go.netlicensing.io/core/v2/rest").is_ok());
    assert!(parse_base_url("http://127.0.0.1:8080/core/v2/rest").is_ok());
    assert!(parse_base_url("http://localhost/core/v2/rest").is_ok());
    assert!(parse_base_url("http://[::1]:9/core/v2/rest").is_ok());
    assert_eq!(
        parse_base_url("http://go.netlicensing.io/core/v2/rest"),
        Err(ApiError::InsecureBaseUrl)
    );
    assert_eq!(
        parse_base_url("http://127.0.0.1.example.com/"),
        Err(ApiError::InsecureBaseUrl)
    );
    for bad in [
        "",
        "go.netlicensing.io",
        "ftp://go.netlicensing.io",
        "https://user:pw@go.netlicensing.io/",
        "https://go.netlicensing.io/rest?x=1",
    ] {
        assert!(
            matches!(parse_base_url(bad), Err(ApiError::InvalidBaseUrl { .. })),
            "{bad}"
        );
    }
}

#[test]
fn a_base_url_that_is_not_one_is_said_in_words() {
    let reason = |text: &str| parse_base_url(text).err().map(|e| e.to_string());
    let full = "The base URL is not valid: it must be a full address such as https://go.netlicensing.io/core/v2/rest.";
    assert_eq!(reason("notaurlatall").as_deref(), Some(full));
    assert_eq!(reason("").as_deref(), Some(full));
    assert_eq!(
        reason("https://go.netlicensing.io:99999/core/v2/rest").as_deref(),
        Some("The base URL is not valid: the port must be a number from 1 to 65535.")
    );
    assert_eq!(
        reason("https://[::1/core").as_deref(),
        Some("The base URL is not valid: its IP address is not valid.")
    );
}

#[test]
fn client_debug_hides_credentials() {
    let client = Client::new(
        &ClientConfig::new("http://127.0.0.1:9/core/v2/rest"),
        Credentials::vendor_login("demo", "pa55word-secret"),
    )
    .unwrap_or_else(|e| panic!("client: {e}"));
    let shown = format!("{client:?}");
    assert!(!shown.contains("pa55word"));
    assert!(
        !shown.contains(
            &Credentials::vendor_login("demo", "pa55word-secret")
                .authorization_header()
                .expose()[6..]
        )
    );
}
