//! The auth settings form: what the user is typing, before it is tested or saved.

use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::api::{Access, AuthMethod, Credentials, DEFAULT_BASE_URL, Role, client::parse_base_url};
use crate::credentials::{NetworkSettings, Profile};

#[allow(clippy::struct_excessive_bools)] // independent switches of one form
pub struct AuthForm {
    /// The profile being edited, or the name for a new one.
    pub profile_name: String,
    pub is_new_profile: bool,
    /// The built-in sandbox profile can be looked at, not changed.
    pub read_only: bool,
    pub method: AuthMethod,
    pub base_url: String,
    pub username: String,
    /// Secrets typed by the user; wiped from memory when replaced or dropped.
    pub password: Zeroizing<String>,
    pub api_key: Zeroizing<String>,
    pub show_secret: bool,
    pub https_proxy: String,
    pub extra_ca_file: String,
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
    /// The last "Test connection" outcome, as a sentence.
    pub test_result: Option<Result<Access, String>>,
    /// The last save or forget outcome, as a sentence.
    pub message: Option<Result<String, String>>,
    /// Set when the keychain could not take the secret: the form then offers session-only mode.
    pub keychain_unavailable: bool,
    /// "Delete profile" was clicked once: the form asks before anything is deleted.
    pub confirm_delete: bool,
    /// Where the secret of this profile is kept, for people ("the Secret Service keychain").
    pub stored_in: Option<String>,
    /// The role for "Create an API key and switch to it".
    pub switch_role: Role,
}

impl AuthForm {
    /// A form for a new profile, with the recommended method preselected.
    pub fn new_profile(name: &str) -> Self {
        AuthForm::for_profile(name, &Profile::default(), true)
    }

    pub fn for_profile(name: &str, profile: &Profile, is_new_profile: bool) -> Self {
        AuthForm {
            profile_name: name.to_owned(),
            is_new_profile,
            read_only: false,
            method: profile.method,
            base_url: profile.base_url.clone(),
            username: profile.username.clone().unwrap_or_default(),
            password: Zeroizing::new(String::new()),
            api_key: Zeroizing::new(String::new()),
            show_secret: false,
            https_proxy: profile.network.https_proxy.clone().unwrap_or_default(),
            extra_ca_file: profile
                .network
                .extra_ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            connect_timeout_secs: profile.network.connect_timeout_secs,
            request_timeout_secs: profile.network.request_timeout_secs,
            test_result: None,
            message: None,
            keychain_unavailable: false,
            confirm_delete: false,
            stored_in: None,
            switch_role: Role::Admin,
        }
    }

    /// The secret typed for the chosen method.
    pub fn secret(&self) -> &str {
        match self.method {
            AuthMethod::VendorLogin => &self.password,
            AuthMethod::ApiKey => &self.api_key,
        }
    }

    /// The credentials typed, or a sentence saying what is missing.
    pub fn credentials(&self) -> Result<Credentials, String> {
        match self.method {
            AuthMethod::VendorLogin => {
                let username = self.username.trim();
                if username.is_empty() {
                    return Err("Enter the vendor login's username.".to_owned());
                }
                if self.password.is_empty() {
                    return Err("Enter the vendor login's password.".to_owned());
                }
                Ok(Credentials::vendor_login(username, self.password.as_str()))
            }
            AuthMethod::ApiKey => {
                let key = self.api_key.trim();
                if key.is_empty() {
                    return Err("Enter the API key.".to_owned());
                }
                Ok(Credentials::api_key(key))
            }
        }
    }

    /// The profile the form describes (no secret in it), or what to fix.
    pub fn profile(&self) -> Result<Profile, String> {
        let base_url = if self.base_url.trim().is_empty() {
            DEFAULT_BASE_URL.to_owned()
        } else {
            self.base_url.trim().trim_end_matches('/').to_owned()
        };
        parse_base_url(&base_url).map_err(|e| e.to_string())?;
        // Checked here, not only when a call is made: a loopback base URL never uses the proxy,
        // so Test connection would pass and a proxy that cannot work would be saved.
        crate::api::validate_proxy(&self.https_proxy)
            .map_err(|why| format!("The HTTPS proxy cannot be used: {why}."))?;
        let optional = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        };
        Ok(Profile {
            base_url,
            method: self.method,
            username: match self.method {
                AuthMethod::VendorLogin => optional(&self.username),
                AuthMethod::ApiKey => None,
            },
            api_key_role: None,
            network: NetworkSettings {
                connect_timeout_secs: self.connect_timeout_secs.max(1),
                request_timeout_secs: self.request_timeout_secs.max(1),
                https_proxy: optional(&self.https_proxy),
                extra_ca_file: optional(&self.extra_ca_file).map(PathBuf::from),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_profile_recommends_api_keys() {
        let form = AuthForm::new_profile("Work");
        assert_eq!(form.method, AuthMethod::ApiKey);
        assert_eq!(form.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn missing_fields_are_named() {
        let mut form = AuthForm::new_profile("Work");
        assert_eq!(form.credentials().unwrap_err(), "Enter the API key.");
        form.method = AuthMethod::VendorLogin;
        assert!(form.credentials().unwrap_err().contains("username"));
        form.username = "demo".into();
        assert!(form.credentials().unwrap_err().contains("password"));
        form.password = Zeroizing::new("pw".into());
        assert!(form.credentials().is_ok());
    }

    #[test]
    fn the_profile_checks_the_base_url_and_keeps_no_secret() {
        let mut form = AuthForm::new_profile("Work");
        form.base_url = "http://example.com/rest".into();
        assert!(form.profile().unwrap_err().contains("https://"));
        form.base_url = "https://example.com/rest/".into();
        form.api_key = Zeroizing::new("secret-key-value".into());
        let profile = form.profile().unwrap_or_default();
        assert_eq!(profile.base_url, "https://example.com/rest");
        assert!(!format!("{profile:?}").contains("secret-key-value"));
    }

    #[test]
    fn a_proxy_that_cannot_work_is_refused_before_it_is_saved() {
        let mut form = AuthForm::new_profile("Work");
        form.https_proxy = "socks9://proxy.example.com:1080".into();
        let error = form.profile().unwrap_err();
        assert!(
            error.starts_with("The HTTPS proxy cannot be used:"),
            "{error}"
        );
        form.https_proxy = "http://proxy.example.com:3128".into();
        assert!(form.profile().is_ok());
        form.https_proxy = "  ".into();
        assert_eq!(form.profile().map(|p| p.network.https_proxy), Ok(None));
    }
}
