//! Checking a private key before it is sent: the service wants a PKCS#8 PEM *body* on one line.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::api::Secret;

/// DER sizes of unencrypted PKCS#8 RSA keys lie well inside this range (2048 bits: ~1,218 bytes).
const PLAUSIBLE_DER_BYTES: std::ops::RangeInclusive<usize> = 300..=8_192;

/// Turns a PEM file, or a body pasted on its own, into the one-line body the service expects.
/// The error says, in words, what is wrong.
pub fn private_key_body(text: &str) -> Result<Secret, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("it is empty".to_owned());
    }
    if text.contains("ENCRYPTED PRIVATE KEY") {
        return Err("it is encrypted; export it without a passphrase".to_owned());
    }
    if text.contains("RSA PRIVATE KEY") {
        return Err(
            "it is a PKCS#1 key; convert it to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt`"
                .to_owned(),
        );
    }
    let body = if text.starts_with("-----BEGIN") {
        let inner = text
            .strip_prefix("-----BEGIN PRIVATE KEY-----")
            .and_then(|rest| rest.trim_end().strip_suffix("-----END PRIVATE KEY-----"))
            .ok_or("it is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)")?;
        inner.to_owned()
    } else {
        text.to_owned()
    };
    let body = Secret::new(body.split_whitespace().collect::<String>());
    let der = STANDARD
        .decode(body.expose())
        .map_err(|_| "it is not base64 text".to_owned())?;
    if !PLAUSIBLE_DER_BYTES.contains(&der.len()) {
        return Err(format!(
            "{} bytes is not the size of an RSA private key",
            der.len()
        ));
    }
    // PKCS#8 is a DER SEQUENCE: it starts with 0x30.
    if der.first() != Some(&0x30) {
        return Err("it is not a DER-encoded key".to_owned());
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_body() -> String {
        // A DER SEQUENCE header followed by filler: shaped like a key, not a real one.
        let mut der = vec![0x30, 0x82, 0x04, 0xbe];
        der.resize(1218, 7);
        STANDARD.encode(der)
    }

    #[test]
    fn accepts_a_pem_file_and_a_bare_body() {
        let body = sample_body();
        let wrapped: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            wrapped.join("\n")
        );
        assert_eq!(
            private_key_body(&pem).map(|s| s.expose().to_owned()),
            Ok(body.clone())
        );
        assert_eq!(
            private_key_body(&body).map(|s| s.expose().to_owned()),
            Ok(body)
        );
    }

    #[test]
    fn refuses_what_the_service_would_refuse() {
        assert!(private_key_body("").is_err());
        assert!(private_key_body("not a key!").is_err());
        assert!(private_key_body("QUJD").is_err(), "too short");
        assert!(
            private_key_body(
                "-----BEGIN RSA PRIVATE KEY-----\nQUJD\n-----END RSA PRIVATE KEY-----"
            )
            .unwrap_err()
            .contains("PKCS#1")
        );
        assert!(
            private_key_body(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nQUJD\n-----END ENCRYPTED PRIVATE KEY-----"
            )
            .unwrap_err()
            .contains("encrypted")
        );
        assert!(
            private_key_body("-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----")
                .is_err()
        );
    }
}
