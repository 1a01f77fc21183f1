//! Every way a call to NetLicensing can fail, each with one sentence for people.
//!
//! The sentences use the server's own message when there is one, and never contain a secret:
//! transport details come from the innermost error, which names no URL (API keys can be in URLs).

use std::time::Duration;

use super::envelope::ParseError;
use super::token::InvalidTokenNumber;

/// What went wrong, in a form a person can act on. `Display` is the user-facing sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error(
        "NetLicensing did not accept the credentials{}. Check the username and password, or the API key.",
        said(server.as_deref())
    )]
    BadCredentials { server: Option<String> },

    #[error(
        "The credentials are valid but not allowed to do this{}. Managing API keys needs the vendor login or an API key with the Admin role.",
        said(server.as_deref())
    )]
    PermissionDenied { server: Option<String> },

    #[error("{}", not_found(server.as_deref()))]
    NotFound { server: Option<String> },

    #[error("The NetLicensing plan's quota is used up{}.", said(server.as_deref()))]
    Quota { server: Option<String> },

    #[error("NetLicensing refused the request{}.", said(server.as_deref()))]
    InvalidInput { server: Option<String> },

    #[error(
        "NetLicensing had a server error (HTTP {status}){}. Try again in a moment.",
        said(server.as_deref())
    )]
    Server { status: u16, server: Option<String> },

    #[error(
        "NetLicensing answered with an unexpected HTTP {status}{}.",
        said(server.as_deref())
    )]
    UnexpectedStatus { status: u16, server: Option<String> },

    #[error(
        "The server answered HTTP {status} with {what}: not a NetLicensing response. Check the base URL; a proxy or firewall may be in the way."
    )]
    Unreadable { status: u16, what: String },

    /// A 404 that is not NetLicensing's: the base URL points at a web server, not the API.
    #[error(
        "The server answered HTTP 404 with {what}: there is no NetLicensing API at this address. Check the base URL: it ends with /core/v2/rest (like https://go.netlicensing.io/core/v2/rest)."
    )]
    NoApiHere { what: String },

    #[error(
        "A secure connection to {host} could not be set up ({detail}). If your network inspects TLS, add its CA certificate in the network settings."
    )]
    Tls { host: String, detail: String },

    #[error(
        "The server at {host} did not answer with a secure (TLS) connection: the address may need http:// rather than https://, or the port may be wrong."
    )]
    NotTls { host: String },

    #[error(
        "The server name {host} could not be found. Check the base URL and your network connection."
    )]
    Dns { host: String },

    #[error("{host} refused the connection. Is the server running, and is the base URL right?")]
    ConnectionRefused { host: String },

    #[error("{host} did not answer within {}.", seconds(*.after))]
    Timeout { host: String, after: Duration },

    #[error("Could not talk to {host}: {detail}.")]
    Network { host: String, detail: String },

    /// The connection could not be set up (for a reason other than a refusal, a name or TLS):
    /// unlike [`ApiError::Network`], nothing was sent.
    #[error("Could not connect to {host}: {detail}.")]
    ConnectFailed { host: String, detail: String },

    /// The connection through the configured proxy failed; `proxy` is shown without its
    /// credentials (`http://proxy.example.com:3128`).
    #[error(
        "Could not connect through the proxy {proxy} ({detail}). Check the proxy address in the network settings, or whether the proxy is running."
    )]
    Proxy { proxy: String, detail: String },

    #[error("The base URL is not valid: {reason}.")]
    InvalidBaseUrl { reason: String },

    #[error(
        "The base URL must start with https://. Plain http:// is allowed only for this computer (localhost, 127.0.0.1)."
    )]
    InsecureBaseUrl,

    #[error("That is not an API key: {0}.")]
    InvalidKey(#[from] InvalidTokenNumber),

    #[error("The network settings are not usable: {0}.")]
    Config(String),
}

/// The families of errors, for exit codes and for choosing what the UI offers next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Authentication,
    Permission,
    NotFound,
    Network,
    Server,
    Usage,
    Other,
}

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::BadCredentials { .. } => ErrorKind::Authentication,
            ApiError::PermissionDenied { .. } => ErrorKind::Permission,
            ApiError::NotFound { .. } => ErrorKind::NotFound,
            ApiError::Tls { .. }
            | ApiError::NotTls { .. }
            | ApiError::Dns { .. }
            | ApiError::ConnectionRefused { .. }
            | ApiError::Timeout { .. }
            | ApiError::Network { .. }
            | ApiError::ConnectFailed { .. }
            | ApiError::Proxy { .. } => ErrorKind::Network,
            ApiError::Server { .. }
            | ApiError::Unreadable { .. }
            | ApiError::NoApiHere { .. }
            | ApiError::UnexpectedStatus { .. } => ErrorKind::Server,
            ApiError::InvalidBaseUrl { .. }
            | ApiError::InsecureBaseUrl
            | ApiError::InvalidKey(_)
            | ApiError::Config(_) => ErrorKind::Usage,
            ApiError::Quota { .. } | ApiError::InvalidInput { .. } => ErrorKind::Other,
        }
    }

    /// Whether a call that changes something (creating a key) may have been carried out although
    /// it failed, so that the user should look (`list`, a refresh) before trying again: the
    /// server answered 2xx with a body that could not be read, or the connection broke off or
    /// timed out once the request could have reached the server. Failures before anything was
    /// sent (a name that does not resolve, a refused or failed connection, TLS, the proxy, bad
    /// settings) and every answer the server gave in words are certain: nothing was done. A
    /// timeout counts as uncertain even when it was the connection's: it cannot be told apart.
    pub fn outcome_uncertain(&self) -> bool {
        match self {
            ApiError::Unreadable { status, .. } => (200..300).contains(status),
            ApiError::Network { .. } | ApiError::Timeout { .. } => true,
            _ => false,
        }
    }

    /// The error for a body that is not an envelope.
    pub(crate) fn unreadable(status: u16, error: &ParseError) -> Self {
        ApiError::Unreadable {
            status,
            what: error.to_string(),
        }
    }
}

/// "1 second", "2.5 seconds".
fn seconds(duration: Duration) -> String {
    let value = duration.as_secs_f32();
    if (value - 1.0).abs() < f32::EPSILON {
        "1 second".to_owned()
    } else {
        format!("{value} seconds")
    }
}

/// `: "message"` when the server said something worth repeating.
fn said(server: Option<&str>) -> String {
    match server.map(str::trim) {
        Some(message) if !message.is_empty() => {
            format!(" (NetLicensing said: \"{}\")", mask_keys(message))
        }
        _ => String::new(),
    }
}

fn not_found(server: Option<&str>) -> String {
    match server.map(str::trim) {
        Some(message) if !message.is_empty() => format!("Not found: {}", mask_keys(message)),
        _ => "Not found: the key does not exist, or was revoked already.".to_owned(),
    }
}

/// A run this long of letters, digits, `-` and `_` that holds a digit is taken for a key.
const KEY_LIKE_LEN: usize = 24;

/// The server's message with everything shaped like a key masked (`abc…wxyz`). The live
/// service names the token it did not find ("Token with the number '…' does not exist."), and
/// these sentences are shown and logged.
fn mask_keys(message: &str) -> String {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(is_key_char) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run.find(|c: char| !is_key_char(c)).unwrap_or(run.len());
        let word = &run[..end];
        if word.len() >= KEY_LIKE_LEN && word.bytes().any(|b| b.is_ascii_digit()) {
            out.push_str(&super::secret::mask(word));
        } else {
            out.push_str(word);
        }
        rest = &run[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_use_the_servers_message() {
        let error = ApiError::BadCredentials {
            server: Some("Unauthorized".into()),
        };
        assert_eq!(
            error.to_string(),
            "NetLicensing did not accept the credentials (NetLicensing said: \"Unauthorized\"). Check the username and password, or the API key."
        );
        let denied = ApiError::PermissionDenied { server: None }.to_string();
        assert!(denied.contains("vendor login or an API key with the Admin role"));
        assert_eq!(
            ApiError::NotFound {
                server: Some("Token 'x' not found".into())
            }
            .to_string(),
            "Not found: Token 'x' not found"
        );
    }

    #[test]
    fn keys_in_the_servers_message_are_masked() {
        let error = ApiError::NotFound {
            server: Some(
                "Token with the number '5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10' does not exist."
                    .into(),
            ),
        };
        assert_eq!(
            error.to_string(),
            "Not found: Token with the number '5b0…4b10' does not exist."
        );
        let error = ApiError::InvalidInput {
            server: Some("Licensee I042-ACME: name_with_underscores_but_no_digits is bad".into()),
        };
        assert!(
            error
                .to_string()
                .contains("I042-ACME: name_with_underscores_but_no_digits is")
        );
        assert_eq!(
            mask_keys("key=5b0f3d2e8c414e6a9f572d7c1a9e4b10!"),
            "key=5b0…4b10!"
        );
        assert_eq!(
            mask_keys("Grüße, 5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10"),
            "Grüße, 5b0…4b10"
        );
    }

    #[test]
    fn unreadable_names_the_status_and_what_came() {
        let error = ApiError::unreadable(502, &ParseError::Html);
        assert!(error.to_string().contains("HTTP 502"));
        assert!(error.to_string().contains("HTML page"));
        assert_eq!(error.kind(), ErrorKind::Server);
    }

    #[test]
    fn an_unreadable_answer_is_said_once() {
        let error = ApiError::unreadable(200, &ParseError::Json("it ends too early".into()));
        assert_eq!(
            error.to_string(),
            "The server answered HTTP 200 with broken or unexpected JSON (it ends too early): not a NetLicensing response. Check the base URL; a proxy or firewall may be in the way."
        );
    }

    #[test]
    fn only_a_lost_or_unreadable_success_leaves_the_outcome_uncertain() {
        let host = || "go.netlicensing.io".to_owned();
        let uncertain = [
            ApiError::unreadable(201, &ParseError::Empty),
            ApiError::Network {
                host: host(),
                detail: "connection closed before message completed".into(),
            },
            ApiError::Timeout {
                host: host(),
                after: Duration::from_secs(30),
            },
        ];
        for error in uncertain {
            assert!(error.outcome_uncertain(), "{error:?}");
        }
        let certain = [
            ApiError::unreadable(502, &ParseError::Html),
            ApiError::Server {
                status: 500,
                server: None,
            },
            ApiError::ConnectionRefused { host: host() },
            ApiError::Dns { host: host() },
            ApiError::ConnectFailed {
                host: host(),
                detail: "connection reset by peer".into(),
            },
            ApiError::InvalidInput { server: None },
            ApiError::BadCredentials { server: None },
        ];
        for error in certain {
            assert!(!error.outcome_uncertain(), "{error:?}");
        }
    }

    #[test]
    fn timeouts_say_how_long() {
        let error = ApiError::Timeout {
            host: "go.netlicensing.io".into(),
            after: Duration::from_millis(2500),
        };
        assert_eq!(
            error.to_string(),
            "go.netlicensing.io did not answer within 2.5 seconds."
        );
    }
}
