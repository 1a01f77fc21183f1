//! How a request proves who it is: the vendor login or an API key, both HTTP Basic.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::secret::Secret;

/// The two authentication methods NetLicensing offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// Username and password of the vendor account: full access.
    VendorLogin,
    /// `apiKey:<key>`: access limited by the key's role.
    ApiKey,
}

impl AuthMethod {
    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::VendorLogin => "vendor login",
            AuthMethod::ApiKey => "API key",
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Credentials for one NetLicensing account.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    VendorLogin { username: String, password: Secret },
    ApiKey(Secret),
}

/// The literal username NetLicensing expects with API Key identification.
const API_KEY_USERNAME: &str = "apiKey";

impl Credentials {
    pub fn vendor_login(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::VendorLogin {
            username: username.into(),
            password: password.into(),
        }
    }

    pub fn api_key(key: impl Into<Secret>) -> Self {
        Credentials::ApiKey(key.into())
    }

    pub fn method(&self) -> AuthMethod {
        match self {
            Credentials::VendorLogin { .. } => AuthMethod::VendorLogin,
            Credentials::ApiKey(_) => AuthMethod::ApiKey,
        }
    }

    /// The secret half: the password or the API key.
    pub fn secret(&self) -> &Secret {
        match self {
            Credentials::VendorLogin { password, .. } => password,
            Credentials::ApiKey(key) => key,
        }
    }

    /// The value of the `Authorization` header: `Basic base64(user:secret)`, UTF-8.
    pub fn authorization_header(&self) -> Secret {
        let (user, secret) = match self {
            Credentials::VendorLogin { username, password } => (username.as_str(), password),
            Credentials::ApiKey(key) => (API_KEY_USERNAME, key),
        };
        let plain = Secret::new(format!("{user}:{}", secret.expose()));
        Secret::new(format!("Basic {}", STANDARD.encode(plain.expose())))
    }

    /// One phrase for people: "vendor login demo" or "API key 5b0…4b10".
    pub fn describe(&self) -> String {
        match self {
            Credentials::VendorLogin { username, .. } => format!("vendor login {username}"),
            Credentials::ApiKey(key) => format!("API key {}", key.masked()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::VendorLogin { username, .. } => f
                .debug_struct("VendorLogin")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Credentials::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_for_vendor_login_is_utf8_base64() {
        let creds = Credentials::vendor_login("demo", "demo");
        assert_eq!(creds.authorization_header().expose(), "Basic ZGVtbzpkZW1v");
        let umlaut = Credentials::vendor_login("jürgen", "pässword");
        let encoded = umlaut.authorization_header();
        let b64 = encoded.expose().strip_prefix("Basic ").unwrap_or_default();
        let decoded = STANDARD.decode(b64).unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&decoded), "jürgen:pässword");
    }

    #[test]
    fn api_key_header_uses_the_literal_api_key_username() {
        let creds = Credentials::api_key("5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10");
        let expected = format!(
            "Basic {}",
            STANDARD.encode("apiKey:5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10")
        );
        assert_eq!(creds.authorization_header().expose(), expected);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let login = Credentials::vendor_login("demo", "topsecretpw");
        let key = Credentials::api_key("5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10");
        assert!(!format!("{login:?}").contains("topsecretpw"));
        assert!(format!("{login:?}").contains("demo"));
        assert!(!format!("{key:?}").contains("5b0f3d2e"));
        assert!(!key.describe().contains("8c41"));
    }
}
