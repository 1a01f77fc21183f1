//! The OS keychain through the `keyring` crate: the Secret Service on Linux and the BSDs, the
//! macOS Keychain, the Windows Credential Manager.

use crate::api::Secret;

use super::store::{KEYCHAIN_SERVICE, SecretSlot, SecretStore, StoreError};

/// The OS keychain. Entries are filed under service `netlicensing-keys`, user
/// `<profile>/<method>` (see [`SecretSlot::keychain_user`]).
///
/// Calls block, and on a desktop a locked keychain shows its unlock dialog and waits for the
/// answer: call this from a worker thread, never the UI thread. Without a desktop (no prompter)
/// a locked keychain fails at once with [`StoreError::Locked`].
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyringStore;

/// What the keychain was asked to do, for messages.
#[derive(Clone, Copy)]
enum Action {
    Read,
    Save,
    Delete,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Save => "save",
            Action::Delete => "delete",
        }
    }
}

impl SecretStore for KeyringStore {
    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, StoreError> {
        let result = entry(slot, Action::Read)?.get_password();
        match result {
            // Moved, not copied, into the zeroizing wrapper.
            Ok(password) => {
                let secret = Secret::new(password);
                Ok((!secret.is_empty()).then_some(secret))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(classify(&error, slot, Action::Read)),
        }
    }

    fn save(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), StoreError> {
        entry(slot, Action::Save)?
            .set_password(secret.expose())
            .map_err(|error| classify(&error, slot, Action::Save))
    }

    fn delete(&self, slot: &SecretSlot) -> Result<(), StoreError> {
        match entry(slot, Action::Delete)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(&error, slot, Action::Delete)),
        }
    }

    fn location(&self) -> String {
        platform::LOCATION.to_owned()
    }
}

fn entry(slot: &SecretSlot, action: Action) -> Result<keyring::Entry, StoreError> {
    if let Some(why) = platform::UNSUPPORTED {
        return Err(StoreError::Unavailable(why.to_owned()));
    }
    keyring::Entry::new(KEYCHAIN_SERVICE, &slot.keychain_user())
        .map_err(|error| classify(&error, slot, action))
}

/// Turns a keyring error into one of the three outcomes a caller acts on. The keyring's own text
/// is only used where it names no secret (`BadEncoding` carries the secret's bytes: never shown).
fn classify(error: &keyring::Error, slot: &SecretSlot, action: Action) -> StoreError {
    let what = slot.describe();
    let verb = action.verb();
    let outcome = match error {
        keyring::Error::NoEntry => StoreError::Failed(format!("The keychain has no {what}.")),
        keyring::Error::BadEncoding(_) => StoreError::Failed(format!(
            "The keychain holds {what}, but not as text. Delete the entry with your keychain app and save the secret again."
        )),
        keyring::Error::Ambiguous(items) => StoreError::Failed(format!(
            "The keychain holds {} entries for {what}. Remove the extra ones with your keychain app.",
            items.len()
        )),
        keyring::Error::TooLong(attribute, limit) => StoreError::Failed(format!(
            "The keychain could not {verb} {what}: its {attribute} is longer than {limit} characters. Use a shorter profile name."
        )),
        keyring::Error::Invalid(attribute, reason) => StoreError::Failed(format!(
            "The keychain could not {verb} {what}: the {attribute} {reason}."
        )),
        keyring::Error::NoStorageAccess(inner) => platform::no_access(inner.as_ref())
            .unwrap_or_else(|| {
                StoreError::Unavailable(format!("the keychain cannot be opened ({inner})"))
            }),
        keyring::Error::PlatformFailure(inner) => {
            platform::failure(inner.as_ref()).unwrap_or_else(|| {
                StoreError::Failed(format!("The keychain could not {verb} {what}: {inner}."))
            })
        }
        other => StoreError::Failed(format!("The keychain could not {verb} {what}: {other}.")),
    };
    tracing::debug!(slot = %slot.keychain_user(), action = verb, %error, "keychain call failed");
    outcome
}

type PlatformError = dyn std::error::Error + Send + Sync + 'static;

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
mod platform {
    use dbus_secret_service::Error as SsError;

    use super::{PlatformError, StoreError};

    pub const LOCATION: &str = "the Secret Service keychain (GNOME Keyring, KWallet)";

    const NO_BUS: &str =
        "there is no D-Bus session, so no Secret Service (GNOME Keyring, KWallet) can be reached";
    const NO_PROVIDER: &str = "no Secret Service (GNOME Keyring, KWallet) is running";

    pub const UNSUPPORTED: Option<&str> = None;

    /// keyring reports a locked item, a dismissed unlock prompt and a missing collection as
    /// "no storage access".
    pub fn no_access(inner: &PlatformError) -> Option<StoreError> {
        match inner.downcast_ref::<SsError>()? {
            SsError::Locked | SsError::Prompt => Some(StoreError::Locked),
            SsError::NoResult => Some(StoreError::Unavailable(
                "the Secret Service has no default collection to keep secrets in".to_owned(),
            )),
            other => classify_ss(other),
        }
    }

    /// keyring reports a missing bus, a missing service and a locked collection alike as a
    /// platform failure; only the D-Bus error name tells them apart.
    pub fn failure(inner: &PlatformError) -> Option<StoreError> {
        classify_ss(inner.downcast_ref::<SsError>()?)
    }

    fn classify_ss(error: &SsError) -> Option<StoreError> {
        match error {
            SsError::Unavailable => Some(StoreError::Unavailable(NO_PROVIDER.to_owned())),
            SsError::Locked | SsError::Prompt => Some(StoreError::Locked),
            SsError::Dbus(dbus) => classify_dbus_name(dbus.name()?),
            _ => None,
        }
    }

    pub(super) fn classify_dbus_name(name: &str) -> Option<StoreError> {
        let short = name.strip_prefix("org.freedesktop.DBus.Error.");
        let unavailable = |why: &str| Some(StoreError::Unavailable(why.to_owned()));
        match short {
            _ if name == "org.freedesktop.Secret.Error.IsLocked" => Some(StoreError::Locked),
            // Connecting to the session bus failed: none is set, or nothing listens there.
            Some(
                "NotSupported" | "FileNotFound" | "NoServer" | "BadAddress" | "AuthFailed"
                | "Disconnected" | "NoNetwork",
            ) => unavailable(NO_BUS),
            Some("ServiceUnknown" | "NameHasNoOwner") => unavailable(NO_PROVIDER),
            Some(spawn) if spawn.starts_with("Spawn.") => unavailable(NO_PROVIDER),
            Some("AccessDenied") => unavailable("access to the Secret Service was denied"),
            Some("NoReply" | "Timeout" | "TimedOut") => {
                unavailable("the Secret Service did not answer")
            }
            _ => None,
        }
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::{PlatformError, StoreError};

    pub const LOCATION: &str = "the macOS Keychain";

    pub const UNSUPPORTED: Option<&str> = None;

    pub fn no_access(_inner: &PlatformError) -> Option<StoreError> {
        None
    }

    pub fn failure(_inner: &PlatformError) -> Option<StoreError> {
        None
    }
}

#[cfg(target_os = "windows")]
mod platform {
    use super::{PlatformError, StoreError};

    pub const LOCATION: &str = "the Windows Credential Manager";

    pub const UNSUPPORTED: Option<&str> = None;

    pub fn no_access(_inner: &PlatformError) -> Option<StoreError> {
        None
    }

    pub fn failure(_inner: &PlatformError) -> Option<StoreError> {
        None
    }
}

/// keyring falls back to a mock store here that forgets everything: refuse instead, so that the
/// app offers its session-only mode knowingly.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
mod platform {
    use super::{PlatformError, StoreError};

    pub const LOCATION: &str = "the system keychain";

    pub const UNSUPPORTED: Option<&str> = Some("this system has no keychain this program can use");

    pub fn no_access(_inner: &PlatformError) -> Option<StoreError> {
        None
    }

    pub fn failure(_inner: &PlatformError) -> Option<StoreError> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::AuthMethod;

    fn slot() -> SecretSlot {
        SecretSlot::new("work", AuthMethod::ApiKey)
    }

    #[test]
    fn bad_encoding_never_shows_the_bytes() {
        let error = keyring::Error::BadEncoding(b"5b0f3d2e-\xff-secret".to_vec());
        let outcome = classify(&error, &slot(), Action::Read);
        let text = format!("{outcome} {outcome:?}");
        assert!(
            !text.contains("5b0f") && !text.contains("secret-"),
            "{text}"
        );
        assert!(text.contains("the API key of profile 'work'"), "{text}");
    }

    #[test]
    fn attribute_problems_are_failures_that_say_what_to_do() {
        let too_long = classify(
            &keyring::Error::TooLong("username".to_owned(), 512),
            &slot(),
            Action::Save,
        );
        assert!(
            matches!(&too_long, StoreError::Failed(text) if text.contains("shorter profile name"))
        );
        let ambiguous = classify(
            &keyring::Error::Ambiguous(Vec::new()),
            &slot(),
            Action::Read,
        );
        assert!(
            matches!(&ambiguous, StoreError::Failed(text) if text.contains("Remove the extra"))
        );
    }

    #[test]
    fn location_names_a_keychain() {
        assert!(KeyringStore.location().starts_with("the "));
    }

    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    mod secret_service {
        use super::*;
        use dbus_secret_service::Error as SsError;

        fn dbus(name: &str) -> SsError {
            SsError::Dbus(dbus::Error::new_custom(name, "some message"))
        }

        fn failure(error: SsError) -> StoreError {
            classify(
                &keyring::Error::PlatformFailure(Box::new(error)),
                &slot(),
                Action::Save,
            )
        }

        fn no_access(error: SsError) -> StoreError {
            classify(
                &keyring::Error::NoStorageAccess(Box::new(error)),
                &slot(),
                Action::Read,
            )
        }

        #[test]
        fn missing_bus_or_service_is_unavailable() {
            // The names observed with no bus address, a bus address where nothing listens, and a
            // bus without any Secret Service.
            for name in [
                "org.freedesktop.DBus.Error.NotSupported",
                "org.freedesktop.DBus.Error.FileNotFound",
                "org.freedesktop.DBus.Error.NoServer",
                "org.freedesktop.DBus.Error.ServiceUnknown",
                "org.freedesktop.DBus.Error.Spawn.ChildExited",
                "org.freedesktop.DBus.Error.NoReply",
            ] {
                let outcome = failure(dbus(name));
                assert!(
                    matches!(outcome, StoreError::Unavailable(_)),
                    "{name}: {outcome:?}"
                );
                assert!(outcome.to_string().contains("this session only"));
            }
            assert!(matches!(
                failure(SsError::Unavailable),
                StoreError::Unavailable(_)
            ));
            assert!(matches!(
                no_access(SsError::NoResult),
                StoreError::Unavailable(_)
            ));
        }

        #[test]
        fn locked_collection_and_dismissed_prompt_are_locked() {
            assert_eq!(
                failure(dbus("org.freedesktop.Secret.Error.IsLocked")),
                StoreError::Locked
            );
            assert_eq!(no_access(SsError::Prompt), StoreError::Locked);
            assert_eq!(no_access(SsError::Locked), StoreError::Locked);
        }

        #[test]
        fn other_dbus_errors_are_failures_naming_the_slot() {
            let outcome = failure(dbus("org.freedesktop.DBus.Error.UnknownMethod"));
            assert!(
                matches!(&outcome, StoreError::Failed(text) if text.contains("could not save the API key of profile 'work'")),
                "{outcome:?}"
            );
        }
    }
}
