//! What a set of credentials may do, found out with cheap calls.
//!
//! There is no "who am I" endpoint (API.md section 3): the check reads the licensing models
//! (any role but Licensee may), then one item of the token list (vendor login and Admin keys may).

use std::fmt;

use super::client::Client;
use super::credentials::{AuthMethod, Credentials};
use super::error::ApiError;
use super::role::Role;
use super::token::TokenNumber;

/// The outcome of a credential check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub method: AuthMethod,
    /// May read entities (passes `GET /utility/licensingModels`).
    pub can_read: bool,
    /// May list, create and delete API keys.
    pub can_manage_keys: bool,
    /// The API key's own role, when it could be read.
    pub role: Option<Role>,
}

impl Access {
    /// Fills in the role from what was remembered about the key (there is no call that tells a
    /// non-Admin key's role), but only when it agrees with what the key was just seen to do.
    #[must_use]
    pub fn with_known_role(self, known: Option<Role>) -> Access {
        let consistent = |role: Role| {
            role.can_read() == self.can_read && role.can_manage_keys() == self.can_manage_keys
        };
        match (self.method, self.role, known) {
            (AuthMethod::ApiKey, None, Some(role)) if consistent(role) => Access {
                role: Some(role),
                ..self
            },
            _ => self,
        }
    }

    /// Whether the credentials can do what this app is for.
    pub fn is_enough(&self) -> bool {
        self.can_manage_keys
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.method, self.role) {
            (AuthMethod::VendorLogin, _) => f.write_str("vendor login: full access"),
            (AuthMethod::ApiKey, Some(role)) if self.can_manage_keys => {
                write!(f, "API key with role {role}: may manage API keys")
            }
            (AuthMethod::ApiKey, None) if self.can_manage_keys => {
                f.write_str("API key: may manage API keys")
            }
            (AuthMethod::ApiKey, Some(role)) if self.can_read => {
                write!(f, "API key with role {role}: may read, but cannot manage API keys")
            }
            (AuthMethod::ApiKey, _) if self.can_read => f.write_str(
                "API key with role Analytics, Operation or Maintenance: may read, but cannot manage API keys",
            ),
            (AuthMethod::ApiKey, _) => f.write_str(
                "API key with role Licensee: valid, but cannot read or manage API keys",
            ),
        }
    }
}

impl Client {
    /// Checks the credentials and finds out what they may do. Bad credentials are an error;
    /// credentials that may do little are an `Access` that says so.
    pub fn probe_access(&self) -> Result<Access, ApiError> {
        let method = self.credentials().method();
        let can_read = match self.check_credentials() {
            Ok(()) => true,
            Err(ApiError::PermissionDenied { .. }) => false,
            Err(error) => return Err(error),
        };
        let can_manage_keys = match self.list_page(0, 1) {
            Ok(_) => true,
            Err(ApiError::PermissionDenied { .. }) => false,
            Err(error) => return Err(error),
        };
        let role = match self.credentials() {
            Credentials::ApiKey(_) if !can_read => Some(Role::Licensee),
            Credentials::ApiKey(key) if can_manage_keys => TokenNumber::parse(key.expose())
                .ok()
                .and_then(|number| self.get_api_key(&number).ok())
                .and_then(|own| own.role),
            Credentials::VendorLogin { .. } | Credentials::ApiKey(_) => None,
        };
        Ok(Access {
            method,
            can_read,
            can_manage_keys,
            role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_role_is_used_only_when_it_fits_what_was_seen() {
        let seen = Access {
            method: AuthMethod::ApiKey,
            can_read: true,
            can_manage_keys: false,
            role: None,
        };
        assert_eq!(
            seen.with_known_role(Some(Role::Operation)).role,
            Some(Role::Operation)
        );
        assert_eq!(
            seen.with_known_role(Some(Role::Admin)).role,
            None,
            "stale: Admins may manage keys"
        );
        assert_eq!(seen.with_known_role(None).role, None);
    }

    #[test]
    fn descriptions_say_what_the_credentials_may_do() {
        let access = |method, can_read, can_manage_keys, role| Access {
            method,
            can_read,
            can_manage_keys,
            role,
        };
        assert_eq!(
            access(AuthMethod::VendorLogin, true, true, None).to_string(),
            "vendor login: full access"
        );
        assert_eq!(
            access(AuthMethod::ApiKey, true, true, Some(Role::Admin)).to_string(),
            "API key with role Admin: may manage API keys"
        );
        assert_eq!(
            access(AuthMethod::ApiKey, true, false, Some(Role::Analytics)).to_string(),
            "API key with role Analytics: may read, but cannot manage API keys"
        );
        assert!(
            access(AuthMethod::ApiKey, false, false, Some(Role::Licensee))
                .to_string()
                .contains("cannot read or manage")
        );
    }
}
