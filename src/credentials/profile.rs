//! A profile: where one NetLicensing account lives and how to reach it. Never its secret.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::{self, AuthMethod, ClientConfig, Role};

/// The built-in profile for the embedded sandbox. It is not stored, cannot be edited, and its
/// credentials are public, so it never touches the keychain.
pub const SANDBOX_PROFILE: &str = "Sandbox";

/// The name of the profile made when there is none yet: the desktop app's first profile and the
/// one `auth login` makes. Names are matched ignoring case, so an older `default` is found too.
pub const FIRST_PROFILE_NAME: &str = "Default";

/// The sandbox's vendor login; public on purpose, like NetLicensing's own demo account.
pub const SANDBOX_USERNAME: &str = "demo";
pub const SANDBOX_PASSWORD: &str = "demo";

/// Stands in for the sandbox's address until it runs: the port is only known then.
/// Port 0 makes a request fail at once instead of reaching some other local server.
pub const SANDBOX_BASE_URL_PLACEHOLDER: &str = "http://127.0.0.1:0/core/v2/rest";

/// Whether `name` is the reserved sandbox name. Any case counts, so that "sandbox" on the command
/// line finds it and no stored profile can pass for it.
pub fn is_sandbox(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case(SANDBOX_PROFILE)
}

/// One account on one server. Missing fields take their defaults, so old or hand-written files
/// still load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    pub base_url: String,
    /// API key by default: the NetLicensing FAQ recommends it over the all-powerful vendor login.
    pub method: AuthMethod,
    /// The vendor login's username; the password is in the keychain. Unused for API keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The stored key's role, if known, so that the UI can say what it may do before asking.
    #[serde(skip_serializing_if = "Option::is_none", with = "role_id")]
    pub api_key_role: Option<Role>,
    pub network: NetworkSettings,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            base_url: api::DEFAULT_BASE_URL.to_owned(),
            method: AuthMethod::ApiKey,
            username: None,
            api_key_role: None,
            network: NetworkSettings::default(),
        }
    }
}

impl Profile {
    /// The built-in sandbox profile. Its `base_url` is [`SANDBOX_BASE_URL_PLACEHOLDER`]: the caller
    /// replaces it with the address of the running sandbox.
    pub fn sandbox() -> Profile {
        Profile {
            base_url: SANDBOX_BASE_URL_PLACEHOLDER.to_owned(),
            method: AuthMethod::VendorLogin,
            username: Some(SANDBOX_USERNAME.to_owned()),
            api_key_role: None,
            network: NetworkSettings::default(),
        }
    }

    /// The connection settings for [`api::Client::new`].
    pub fn client_config(&self) -> ClientConfig {
        let defaults = NetworkSettings::default();
        // A zero timeout would make every call fail at once; it can only be a slip in the file.
        let seconds = |value: u64, default: u64| {
            Duration::from_secs(if value == 0 { default } else { value })
        };
        ClientConfig {
            base_url: self.base_url.trim().to_owned(),
            connect_timeout: seconds(
                self.network.connect_timeout_secs,
                defaults.connect_timeout_secs,
            ),
            request_timeout: seconds(
                self.network.request_timeout_secs,
                defaults.request_timeout_secs,
            ),
            proxy: self
                .network
                .https_proxy
                .as_deref()
                .map(str::trim)
                .filter(|proxy| !proxy.is_empty())
                .map(str::to_owned),
            extra_ca_file: self
                .network
                .extra_ca_file
                .clone()
                .filter(|path| !path.as_os_str().is_empty()),
        }
    }
}

/// How to reach the server; the same fields as [`ClientConfig`], in a form a file can hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSettings {
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
    /// For example `http://proxy.example:3128`; `HTTPS_PROXY` from the environment also applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub https_proxy: Option<String>,
    /// A PEM file with extra CA certificates, for networks that inspect TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_ca_file: Option<PathBuf>,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            connect_timeout_secs: 10,
            request_timeout_secs: 30,
            https_proxy: None,
            extra_ca_file: None,
        }
    }
}

/// `api_key_role` as the RoleID string the REST API uses (`ROLE_APIKEY_ADMIN`).
mod role_id {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::api::Role;

    #[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)] // serde's `with` hands over `&Option<T>`
    pub fn serialize<S: Serializer>(role: &Option<Role>, serializer: S) -> Result<S::Ok, S::Error> {
        match role {
            Some(role) => serializer.serialize_str(role.id()),
            None => serializer.serialize_none(),
        }
    }

    /// An unknown role reads as "not known" rather than failing: the role is only a hint, and a
    /// newer version may know roles this one does not. Failing would reset the whole file.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Role>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(text.and_then(|text| text.parse().ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_recommend_api_keys_and_the_live_service() {
        let profile = Profile::default();
        assert_eq!(profile.method, AuthMethod::ApiKey);
        assert_eq!(profile.base_url, api::DEFAULT_BASE_URL);
        assert_eq!(profile.network.connect_timeout_secs, 10);
        assert_eq!(profile.network.request_timeout_secs, 30);
    }

    #[test]
    fn client_config_carries_every_network_setting() {
        let profile = Profile {
            base_url: " https://example.test/core/v2/rest ".to_owned(),
            network: NetworkSettings {
                connect_timeout_secs: 3,
                request_timeout_secs: 7,
                https_proxy: Some(" http://proxy.test:3128 ".to_owned()),
                extra_ca_file: Some(PathBuf::from("/etc/corp-ca.pem")),
            },
            ..Profile::default()
        };
        let config = profile.client_config();
        assert_eq!(config.base_url, "https://example.test/core/v2/rest");
        assert_eq!(config.connect_timeout, Duration::from_secs(3));
        assert_eq!(config.request_timeout, Duration::from_secs(7));
        assert_eq!(config.proxy.as_deref(), Some("http://proxy.test:3128"));
        assert_eq!(
            config.extra_ca_file,
            Some(PathBuf::from("/etc/corp-ca.pem"))
        );
    }

    #[test]
    fn client_config_ignores_blank_proxy_and_zero_timeouts() {
        let profile = Profile {
            network: NetworkSettings {
                connect_timeout_secs: 0,
                request_timeout_secs: 0,
                https_proxy: Some("  ".to_owned()),
                extra_ca_file: Some(PathBuf::new()),
            },
            ..Profile::default()
        };
        let config = profile.client_config();
        assert_eq!(config.connect_timeout, Duration::from_secs(10));
        assert_eq!(config.request_timeout, Duration::from_secs(30));
        assert_eq!(config.proxy, None);
        assert_eq!(config.extra_ca_file, None);
    }

    #[test]
    fn sandbox_is_the_demo_vendor_login_on_a_placeholder_address() {
        let sandbox = Profile::sandbox();
        assert_eq!(sandbox.method, AuthMethod::VendorLogin);
        assert_eq!(sandbox.username.as_deref(), Some(SANDBOX_USERNAME));
        assert_eq!(sandbox.base_url, SANDBOX_BASE_URL_PLACEHOLDER);
        assert!(is_sandbox("sandbox") && is_sandbox("SANDBOX") && is_sandbox("Sandbox"));
        assert!(!is_sandbox("Sandbox 2"));
    }

    #[test]
    fn role_is_written_as_the_role_id_and_read_leniently() {
        let profile = Profile {
            api_key_role: Some(Role::Admin),
            ..Profile::default()
        };
        let text = toml::to_string(&profile).unwrap();
        assert!(
            text.contains("api_key_role = \"ROLE_APIKEY_ADMIN\""),
            "{text}"
        );
        assert_eq!(toml::from_str::<Profile>(&text).unwrap(), profile);

        let short: Profile = toml::from_str("api_key_role = \"analytics\"").unwrap();
        assert_eq!(short.api_key_role, Some(Role::Analytics));
        let unknown: Profile = toml::from_str("api_key_role = \"ROLE_APIKEY_FUTURE\"").unwrap();
        assert_eq!(unknown.api_key_role, None);
    }

    #[test]
    fn partial_profile_takes_defaults_and_tolerates_unknown_fields() {
        let text = "method = \"vendor-login\"\nusername = \"me\"\ncolour = \"blue\"\n\n[network]\nrequest_timeout_secs = 60\n";
        let profile: Profile = toml::from_str(text).unwrap();
        assert_eq!(profile.method, AuthMethod::VendorLogin);
        assert_eq!(profile.username.as_deref(), Some("me"));
        assert_eq!(profile.base_url, api::DEFAULT_BASE_URL);
        assert_eq!(profile.network.request_timeout_secs, 60);
        assert_eq!(profile.network.connect_timeout_secs, 10);
    }
}
