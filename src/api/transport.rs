//! Turning transport failures (DNS, TCP, TLS, timeouts) into [`ApiError`]s.
//!
//! reqwest's own messages name the URL, and a URL can hold an API key (`/token/{key}`), so only
//! the innermost cause is ever shown.

use std::error::Error as StdError;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::error::ApiError;

pub(crate) fn classify(error: &reqwest::Error, host: &str, timeout: Duration) -> ApiError {
    let host = host.to_owned();
    if error.is_timeout() || chain_has_io_kind(error, io::ErrorKind::TimedOut) {
        return ApiError::Timeout {
            host,
            after: timeout,
        };
    }
    if chain_has_io_kind(error, io::ErrorKind::ConnectionRefused) {
        return ApiError::ConnectionRefused { host };
    }
    let chain = chain_text(error).to_ascii_lowercase();
    if chain.contains("dns error")
        || chain.contains("failed to lookup address")
        || chain.contains("name or service not known")
        || chain.contains("no address associated")
    {
        return ApiError::Dns { host };
    }
    // rustls reads the first bytes of a plain-HTTP answer as a TLS record of no known type.
    if chain.contains("invalidcontenttype") || chain.contains("corrupt message") {
        return ApiError::NotTls { host };
    }
    let detail = innermost(error);
    if chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("handshake")
        || chain.contains("invalid peer")
    {
        return ApiError::Tls {
            host,
            detail: tls_in_words(&detail),
        };
    }
    if error.is_connect() {
        // Nothing was sent: the connection never stood.
        return ApiError::ConnectFailed { host, detail };
    }
    if error.is_body() || error.is_decode() {
        return ApiError::Network {
            host,
            detail: format!("the connection broke off while reading the answer ({detail})"),
        };
    }
    ApiError::Network { host, detail }
}

/// rustls names certificate problems by their enum variants: the common ones in words.
fn tls_in_words(detail: &str) -> String {
    let words = [
        (
            "UnknownIssuer",
            "its certificate is not signed by an authority this computer trusts",
        ),
        (
            "NotValidForName",
            "its certificate is for another server name",
        ),
        ("Expired", "its certificate has expired"),
        (
            "NotValidYet",
            "its certificate is not valid yet (check this computer's clock)",
        ),
        ("Revoked", "its certificate has been revoked"),
        (
            "handshake eof",
            "the server closed the connection before it was secured (is the address http://?)",
        ),
    ];
    words
        .iter()
        .find(|(variant, _)| detail.contains(variant))
        .map_or_else(|| detail.to_owned(), |(_, said)| (*said).to_owned())
}

/// The message of the deepest cause: it describes the failure without naming the URL.
pub(crate) fn innermost(error: &(dyn StdError + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    crate::io_reason::without_os_error(&current.to_string()).to_owned()
}

/// All causes below the top one, joined; the top one holds the URL and is skipped.
fn chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut text = String::new();
    let mut current = error.source();
    while let Some(cause) = current {
        text.push_str(&cause.to_string());
        text.push_str(" / ");
        current = cause.source();
    }
    text
}

fn chain_has_io_kind(error: &(dyn StdError + 'static), kind: io::ErrorKind) -> bool {
    let mut current = Some(error);
    while let Some(cause) = current {
        if cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        current = cause.source();
    }
    false
}

/// Reads every certificate of a PEM file.
pub(crate) fn read_certificates(path: &Path) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        ApiError::Config(format!(
            "the CA certificate file {shown} cannot be read: {}",
            crate::io_reason::io_reason(&e)
        ))
    })?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|_| ApiError::Config(format!("{shown} holds no PEM certificate")))?;
    if certificates.is_empty() {
        return Err(ApiError::Config(format!(
            "{shown} holds no PEM certificate"
        )));
    }
    Ok(certificates)
}

#[cfg(test)]
mod words_tests {
    #[test]
    fn common_certificate_problems_are_said_in_words() {
        assert_eq!(
            super::tls_in_words("invalid peer certificate: UnknownIssuer"),
            "its certificate is not signed by an authority this computer trusts"
        );
        assert_eq!(
            super::tls_in_words("invalid peer certificate: Expired"),
            "its certificate has expired"
        );
        assert_eq!(super::tls_in_words("something new"), "something new");
    }
}
