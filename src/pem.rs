//! Checking a private key before it is sent: the service wants a PKCS#8 PEM *body* on one line.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::api::Secret;

/// DER sizes of unencrypted PKCS#8 RSA keys lie well inside this range (2048 bits: ~1,218 bytes).
const PLAUSIBLE_DER_BYTES: std::ops::RangeInclusive<usize> = 300..=8_192;

/// What is asked for, named in the sentences below.
const WANTED: &str = "a PEM private key (PKCS#8, -----BEGIN PRIVATE KEY-----)";

/// Turns a PEM file, or a body pasted on its own, into the one-line body the service expects.
/// The error says, in words, what is wrong ("it is …", to follow "cannot be used: ").
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
    for (label, kind) in [
        ("OPENSSH PRIVATE KEY", "an OpenSSH private key"),
        ("EC PRIVATE KEY", "an EC (elliptic curve) private key"),
        ("DSA PRIVATE KEY", "a DSA private key"),
    ] {
        if text.contains(&format!("-----BEGIN {label}-----")) {
            return Err(format!(
                "it is {kind}; an RSA private key is needed, as {WANTED}"
            ));
        }
    }
    let has_header = text.starts_with("-----BEGIN");
    // Text without a header that is not a key's body either is just not a key file: naming
    // base64 or DER would send people looking in the wrong place.
    let not_pem =
        || "it is not a PEM private key (it has no -----BEGIN PRIVATE KEY----- line)".to_owned();
    let body = if has_header {
        let inner = text
            .strip_prefix("-----BEGIN PRIVATE KEY-----")
            .and_then(|rest| rest.trim_end().strip_suffix("-----END PRIVATE KEY-----"))
            .ok_or_else(|| format!("it is not {WANTED}"))?;
        inner.to_owned()
    } else {
        text.to_owned()
    };
    let body = Secret::new(body.split_whitespace().collect::<String>());
    let der = zeroize::Zeroizing::new(STANDARD.decode(body.expose()).map_err(|_| {
        if has_header {
            format!("it is not {WANTED}: its body is not base64 text")
        } else {
            not_pem()
        }
    })?);
    // PKCS#8 is a DER SEQUENCE: it starts with 0x30.
    if der.first() != Some(&0x30) {
        return Err(if has_header {
            format!("it is not {WANTED}: its body is not a DER key")
        } else {
            not_pem()
        });
    }
    if let Some(algorithm) = non_rsa_algorithm(&der) {
        return Err(format!(
            "it is an {algorithm} private key; an RSA private key is needed"
        ));
    }
    if !PLAUSIBLE_DER_BYTES.contains(&der.len()) {
        return Err(format!(
            "it is {} bytes long, not the size of an RSA private key",
            der.len()
        ));
    }
    Ok(body)
}

/// The algorithm of a PKCS#8 key when it is one that is known not to be RSA. PKCS#8 is
/// `SEQUENCE { INTEGER version, SEQUENCE { OID algorithm, … }, … }`; anything that does not
/// read that way is left to the size check and to the server.
fn non_rsa_algorithm(der: &[u8]) -> Option<&'static str> {
    const KNOWN: [(&[u8], &str); 5] = [
        (&[0x2B, 0x65, 0x70], "Ed25519"),
        (&[0x2B, 0x65, 0x71], "Ed448"),
        (&[0x2B, 0x65, 0x6E], "X25519"),
        (
            &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01],
            "EC (elliptic curve)",
        ),
        (&[0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01], "DSA"),
    ];
    let (tag, outer, _) = der_element(der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, _, rest) = der_element(outer)?;
    if tag != 0x02 {
        return None;
    }
    let (tag, algorithm, _) = der_element(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, oid, _) = der_element(algorithm)?;
    if tag != 0x06 {
        return None;
    }
    KNOWN
        .iter()
        .find(|(known, _)| *known == oid)
        .map(|(_, name)| *name)
}

/// One DER element: its tag, its content and what follows it.
fn der_element(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 2 || rest.len() < count {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(count);
        let len = len_bytes
            .iter()
            .fold(0usize, |len, &b| (len << 8) | usize::from(b));
        (len, rest)
    };
    (rest.len() >= len).then(|| {
        let (content, after) = rest.split_at(len);
        (tag, content, after)
    })
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
        assert_eq!(
            private_key_body("-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----"),
            Err("it is not a PEM private key (PKCS#8, -----BEGIN PRIVATE KEY-----)".to_owned())
        );
        let not_pem = Err(
            "it is not a PEM private key (it has no -----BEGIN PRIVATE KEY----- line)".to_owned(),
        );
        assert_eq!(private_key_body("not a key!"), not_pem);
        assert_eq!(private_key_body("garbage not a key"), not_pem);
        assert_eq!(private_key_body("QUJD"), not_pem, "base64, but not a key");
        assert_eq!(
            private_key_body("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----"),
            Err(
                "it is not a PEM private key (PKCS#8, -----BEGIN PRIVATE KEY-----): its body is not base64 text"
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_key_of_another_algorithm_is_named() {
        // `openssl genpkey -algorithm ed25519` (a throw-away key).
        let ed25519 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            private_key_body(ed25519),
            Err("it is an Ed25519 private key; an RSA private key is needed".to_owned())
        );
        let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----";
        assert_eq!(
            private_key_body(openssh),
            Err("it is an OpenSSH private key; an RSA private key is needed, as a PEM private key (PKCS#8, -----BEGIN PRIVATE KEY-----)".to_owned())
        );
        assert!(
            private_key_body("-----BEGIN EC PRIVATE KEY-----\nQUJD\n-----END EC PRIVATE KEY-----")
                .unwrap_err()
                .contains("an RSA private key is needed")
        );
        // An RSA key's header (version 0, rsaEncryption) is not taken for another algorithm.
        let mut rsa = vec![
            0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
            0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
        ];
        rsa.resize(1218, 7);
        assert!(private_key_body(&STANDARD.encode(rsa)).is_ok());
    }
}
