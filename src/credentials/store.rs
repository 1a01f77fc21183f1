//! Where secrets are kept: behind a small trait, so that the app can fall back to memory when no
//! keychain is reachable and tests never need one. Never a file.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use crate::api::{AuthMethod, Secret};

/// The keychain service name every entry of this program is filed under.
pub const KEYCHAIN_SERVICE: &str = "netlicensing-keys";

/// One secret: the vendor password or the API key of one profile. A profile can hold both, so
/// switching its method back and forth does not lose the other secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecretSlot {
    pub profile: String,
    pub method: AuthMethod,
}

impl SecretSlot {
    pub fn new(profile: impl Into<String>, method: AuthMethod) -> Self {
        SecretSlot {
            profile: profile.into(),
            method,
        }
    }

    /// The keychain entry's user name: `<profile>/vendor-login` or `<profile>/api-key`. The
    /// method is always the last segment, so a `/` in a profile name cannot make two slots meet.
    pub fn keychain_user(&self) -> String {
        let method = match self.method {
            AuthMethod::VendorLogin => "vendor-login",
            AuthMethod::ApiKey => "api-key",
        };
        format!("{}/{method}", self.profile)
    }

    /// For messages: "the API key of profile 'work'".
    pub fn describe(&self) -> String {
        let what = match self.method {
            AuthMethod::VendorLogin => "vendor login password",
            AuthMethod::ApiKey => "API key",
        };
        format!("the {what} of profile '{}'", self.profile)
    }
}

/// Keeps secrets. Implementations never write them to a file and never put them in an error.
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` if nothing is stored for the slot.
    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, StoreError>;
    /// Stores the secret, replacing an earlier one.
    fn save(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), StoreError>;
    /// Removes the secret; removing what is not there is fine.
    fn delete(&self, slot: &SecretSlot) -> Result<(), StoreError>;
    /// Where the secrets go, for people: "the macOS Keychain".
    fn location(&self) -> String;
}

/// Why a secret could not be kept or read. `Display` is the sentence for people; it never holds
/// the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No keychain can be reached, e.g. a headless Linux machine without a Secret Service.
    /// The text says why, in a few words.
    #[error(
        "No keychain is available: {0}. The secret can be kept in memory for this session only."
    )]
    Unavailable(String),

    #[error(
        "The keychain is locked. Unlock it (log in to the desktop, or open your keychain app) and try again."
    )]
    Locked,

    /// The keychain answered with an error. The text is a full sentence.
    #[error("{0}")]
    Failed(String),
}

/// Secrets in memory, gone when the program ends: for tests, and for the app's session-only mode
/// when no keychain is reachable.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<SecretSlot, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn secrets(&self) -> std::sync::MutexGuard<'_, HashMap<SecretSlot, Secret>> {
        // A panic elsewhere while holding the lock cannot leave the map half-changed.
        self.secrets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slots: Vec<SecretSlot> = self.secrets().keys().cloned().collect();
        f.debug_struct("MemoryStore")
            .field("slots", &slots)
            .finish()
    }
}

impl SecretStore for MemoryStore {
    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, StoreError> {
        Ok(self.secrets().get(slot).cloned())
    }

    fn save(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), StoreError> {
        self.secrets().insert(slot.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, slot: &SecretSlot) -> Result<(), StoreError> {
        self.secrets().remove(slot);
        Ok(())
    }

    fn location(&self) -> String {
        "memory, for this session only".to_owned()
    }
}

/// Moves a profile's secrets to its new name (after [`super::Settings::rename_profile`]).
/// Normally each secret is written under the new name before the old entry is removed, so a
/// failure half-way leaves a copy rather than nothing. A change of case only is done the other
/// way round: where entry names ignore case (Windows), the new entry *is* the old one, and
/// deleting the old name afterwards would delete the secret.
pub fn move_secrets(store: &dyn SecretStore, from: &str, to: &str) -> Result<(), StoreError> {
    if from == to {
        return Ok(());
    }
    let case_only = from.to_lowercase() == to.to_lowercase();
    for method in [AuthMethod::VendorLogin, AuthMethod::ApiKey] {
        let old = SecretSlot::new(from, method);
        let new = SecretSlot::new(to, method);
        let Some(secret) = store.load(&old)? else {
            continue;
        };
        if case_only {
            store.delete(&old)?;
            if let Err(error) = store.save(&new, &secret) {
                // Put it back where it was; the first error is the one to report.
                let _ = store.save(&old, &secret);
                return Err(error);
            }
        } else {
            store.save(&new, &secret)?;
            store.delete(&old)?;
        }
    }
    Ok(())
}

/// Deletes both secrets of a profile (after [`super::Settings::remove_profile`]).
pub fn delete_secrets(store: &dyn SecretStore, profile: &str) -> Result<(), StoreError> {
    for method in [AuthMethod::VendorLogin, AuthMethod::ApiKey] {
        store.delete(&SecretSlot::new(profile, method))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10";

    #[test]
    fn keychain_user_names_the_profile_and_method() {
        assert_eq!(
            SecretSlot::new("work", AuthMethod::VendorLogin).keychain_user(),
            "work/vendor-login"
        );
        assert_eq!(
            SecretSlot::new("a/b", AuthMethod::ApiKey).keychain_user(),
            "a/b/api-key"
        );
        assert_eq!(
            SecretSlot::new("work", AuthMethod::ApiKey).describe(),
            "the API key of profile 'work'"
        );
    }

    #[test]
    fn memory_store_round_trip_and_idempotent_delete() {
        let store = MemoryStore::new();
        let slot = SecretSlot::new("work", AuthMethod::ApiKey);
        assert_eq!(store.load(&slot), Ok(None));
        store.save(&slot, &Secret::new(KEY)).unwrap();
        store.save(&slot, &Secret::new("newer")).unwrap();
        assert_eq!(store.load(&slot), Ok(Some(Secret::new("newer"))));
        let other = SecretSlot::new("work", AuthMethod::VendorLogin);
        assert_eq!(store.load(&other), Ok(None));
        store.delete(&slot).unwrap();
        store.delete(&slot).unwrap();
        assert_eq!(store.load(&slot), Ok(None));
    }

    #[test]
    fn debug_shows_slots_but_never_secrets() {
        let store = MemoryStore::new();
        store
            .save(
                &SecretSlot::new("work", AuthMethod::ApiKey),
                &Secret::new(KEY),
            )
            .unwrap();
        let debug = format!("{store:?}");
        assert!(debug.contains("work"), "{debug}");
        assert!(!debug.contains("5b0f"), "{debug}");
        for error in [
            StoreError::Unavailable("no Secret Service".to_owned()),
            StoreError::Locked,
            StoreError::Failed("The keychain failed.".to_owned()),
        ] {
            assert!(!format!("{error:?} {error}").contains("5b0f"));
        }
    }

    #[test]
    fn unavailable_says_the_secret_can_be_kept_for_this_session() {
        let text = StoreError::Unavailable("no Secret Service is running".to_owned()).to_string();
        assert!(text.contains("no Secret Service is running"), "{text}");
        assert!(text.contains("this session only"), "{text}");
    }

    #[test]
    fn move_and_delete_secrets_of_a_profile() {
        let store = MemoryStore::new();
        let login = SecretSlot::new("old", AuthMethod::VendorLogin);
        let key = SecretSlot::new("old", AuthMethod::ApiKey);
        store.save(&login, &Secret::new("pw")).unwrap();
        store.save(&key, &Secret::new(KEY)).unwrap();

        move_secrets(&store, "old", "new").unwrap();
        assert_eq!(store.load(&login), Ok(None));
        assert_eq!(store.load(&key), Ok(None));
        let new_key = SecretSlot::new("new", AuthMethod::ApiKey);
        assert_eq!(store.load(&new_key), Ok(Some(Secret::new(KEY))));
        move_secrets(&store, "new", "new").unwrap();
        assert_eq!(store.load(&new_key), Ok(Some(Secret::new(KEY))));

        move_secrets(&store, "new", "NEW").unwrap();
        let upper_key = SecretSlot::new("NEW", AuthMethod::ApiKey);
        assert_eq!(store.load(&upper_key), Ok(Some(Secret::new(KEY))));
        assert_eq!(store.load(&new_key), Ok(None));
        move_secrets(&store, "NEW", "new").unwrap();

        delete_secrets(&store, "new").unwrap();
        assert_eq!(store.load(&new_key), Ok(None));
        assert_eq!(
            store.load(&SecretSlot::new("new", AuthMethod::VendorLogin)),
            Ok(None)
        );
    }
}
