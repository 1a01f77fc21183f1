//! The HTTPS proxy setting: checking it before it is used or saved, and naming it in messages
//! without the username and password it may carry.

use reqwest::Url;

/// Checks a proxy address the way the client will use it, so that the app can refuse it on
/// Save and the command line when a profile is added. An empty text means "no proxy" and is
/// fine. The error is a phrase for "The network settings are not usable: …"; it never repeats
/// a password the address holds.
///
/// Accepted: `http://host:port` and `https://host:port`, with or without `user@`. A password
/// is refused (the setting is kept in the settings file); SOCKS and other schemes too.
pub fn validate_proxy(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    if !text.contains("://") {
        return Err(
            "the proxy address needs http:// or https:// in front, such as http://proxy.example.com:3128"
                .to_owned(),
        );
    }
    let Ok(url) = Url::parse(text) else {
        return Err(
            "the proxy address is not a URL; write it as http://proxy.example.com:3128".to_owned(),
        );
    };
    match url.scheme() {
        "http" | "https" => {}
        "socks4" | "socks4a" | "socks5" | "socks5h" => {
            return Err(format!(
                "the proxy address starts with {}://, but SOCKS proxies are not supported; use an HTTP proxy (http://…)",
                url.scheme()
            ));
        }
        other => {
            return Err(format!(
                "the proxy address must start with http:// or https://, not {other}://"
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the proxy address has no host name".to_owned());
    }
    // The address is kept in the settings file, which never holds a secret.
    if url.password().is_some() {
        return Err(
            "a proxy password cannot be kept in the settings, which are a plain file; leave the password out of the address, or set the HTTPS_PROXY environment variable for a proxy that needs one"
                .to_owned(),
        );
    }
    Ok(())
}

/// `scheme://host:port` of a proxy address, without credentials, path or query: what messages
/// and logs may show. Call it on an address [`validate_proxy`] accepted.
pub(crate) fn proxy_label(text: &str) -> String {
    match Url::parse(text.trim()) {
        Ok(url) => {
            let host = url.host_str().unwrap_or("?");
            match url.port_or_known_default() {
                Some(port) => format!("{}://{host}:{port}", url.scheme()),
                None => format!("{}://{host}", url.scheme()),
            }
        }
        Err(_) => "(the proxy address)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_proxies_pass() {
        for ok in [
            "",
            "  ",
            "http://proxy.example.com:3128",
            "https://proxy.example.com",
            "http://jane@proxy.example.com:8080/",
        ] {
            assert_eq!(validate_proxy(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn other_schemes_and_non_urls_are_refused_without_the_password() {
        assert_eq!(
            validate_proxy("socks9://jane:s3cret@proxy.example.com:1080"),
            Err("the proxy address must start with http:// or https://, not socks9://".to_owned())
        );
        assert!(
            validate_proxy("socks5://proxy:1080")
                .unwrap_err()
                .contains("SOCKS proxies are not supported")
        );
        assert!(
            validate_proxy("proxy.example.com:3128")
                .unwrap_err()
                .starts_with("the proxy address needs http:// or https:// in front")
        );
        let error = validate_proxy("http://jane:s3cret@proxy.example.com:8080").unwrap_err();
        assert!(
            error.starts_with("a proxy password cannot be kept in the settings")
                && !error.contains("s3cret"),
            "{error}"
        );
        let error = validate_proxy("http://jane:s3cret@").unwrap_err();
        assert!(!error.contains("s3cret"), "{error}");
        assert!(
            validate_proxy("http://just words")
                .unwrap_err()
                .starts_with("the proxy address is not a URL")
        );
    }

    #[test]
    fn the_label_leaves_credentials_out() {
        assert_eq!(
            proxy_label("http://jane:s3cret@proxy.example.com:8080/path?q=1"),
            "http://proxy.example.com:8080"
        );
        assert_eq!(
            proxy_label("https://proxy.example.com"),
            "https://proxy.example.com:443"
        );
    }
}
