//! API key roles (RoleIDs) and what each one may do, as in API.md section 3.

use std::fmt;
use std::str::FromStr;

/// The role of an API key. Ordered from least to most powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Licensee,
    Analytics,
    Operation,
    Maintenance,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Licensee,
        Role::Analytics,
        Role::Operation,
        Role::Maintenance,
        Role::Admin,
    ];

    /// The RoleID the REST API uses (`apiKeyRole`).
    pub fn id(self) -> &'static str {
        match self {
            Role::Licensee => "ROLE_APIKEY_LICENSEE",
            Role::Analytics => "ROLE_APIKEY_ANALYTICS",
            Role::Operation => "ROLE_APIKEY_OPERATION",
            Role::Maintenance => "ROLE_APIKEY_MAINTENANCE",
            Role::Admin => "ROLE_APIKEY_ADMIN",
        }
    }

    /// The short name people use ("Licensee", "Admin", ...).
    pub fn label(self) -> &'static str {
        match self {
            Role::Licensee => "Licensee",
            Role::Analytics => "Analytics",
            Role::Operation => "Operation",
            Role::Maintenance => "Maintenance",
            Role::Admin => "Admin",
        }
    }

    /// One plain sentence on what a key of this role may do.
    pub fn description(self) -> &'static str {
        match self {
            Role::Licensee => {
                "Validate and transfer licensees and create shop tokens. Meant to be shipped inside your software."
            }
            Role::Analytics => "Everything Licensee may do, plus read and list every entity.",
            Role::Operation => {
                "Everything Analytics may do, plus create, update and delete licensees and licenses."
            }
            Role::Maintenance => {
                "Everything Operation may do, plus create, update and delete products, modules and license templates."
            }
            Role::Admin => {
                "Full access to the account, like the vendor login, with few exceptions."
            }
        }
    }

    /// Roles powerful enough that handing out such a key deserves a second thought.
    pub fn is_powerful(self) -> bool {
        self >= Role::Maintenance
    }

    /// Whether a key of this role may list, create and delete API keys.
    pub fn can_manage_keys(self) -> bool {
        self == Role::Admin
    }

    /// Whether a key of this role may read (and so pass the cheap credential check).
    pub fn can_read(self) -> bool {
        self >= Role::Analytics
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A role name that is neither a short name nor a RoleID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role '{0}': use licensee, analytics, operation, maintenance or admin (or the full RoleID)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    /// Accepts the short name or the full RoleID, in any case, with surrounding spaces.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let upper = text.trim().to_ascii_uppercase();
        let short = upper.strip_prefix("ROLE_APIKEY_").unwrap_or(&upper);
        Role::ALL
            .into_iter()
            .find(|role| role.label().eq_ignore_ascii_case(short))
            .ok_or_else(|| UnknownRole(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_names_and_role_ids_in_any_case() {
        assert_eq!("admin".parse::<Role>(), Ok(Role::Admin));
        assert_eq!(" Analytics ".parse::<Role>(), Ok(Role::Analytics));
        assert_eq!("ROLE_APIKEY_OPERATION".parse::<Role>(), Ok(Role::Operation));
        assert_eq!(
            "role_apikey_maintenance".parse::<Role>(),
            Ok(Role::Maintenance)
        );
        assert!("ROLE_APIKEY_".parse::<Role>().is_err());
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn ids_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.id().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn only_admin_manages_keys_and_analytics_and_above_read() {
        assert!(Role::Admin.can_manage_keys());
        assert!(!Role::Maintenance.can_manage_keys());
        assert!(!Role::Licensee.can_read());
        assert!(Role::Analytics.can_read());
    }
}
