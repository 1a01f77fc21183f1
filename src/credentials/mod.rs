//! Credentials and settings, shared by the desktop app and the command line.
//!
//! Settings (profiles: server, method, username, network) live in a TOML file; secrets (the
//! vendor password, API keys) live only in the OS keychain, or in memory for one session when no
//! keychain is reachable. Nothing here knows about the GUI or the command line.

pub mod keyring_store;
pub mod profile;
pub mod resolve;
pub mod settings;
pub mod settings_file;
pub mod store;

pub use keyring_store::KeyringStore;
pub use profile::{FIRST_PROFILE_NAME, NetworkSettings, Profile, SANDBOX_PROFILE, is_sandbox};
pub use resolve::{
    CredentialSource, ResolveError, Resolved, credentials_from_env, ignored_by_sandbox, resolve,
};
pub use settings::{ProfileError, Settings};
pub use settings_file::{Loaded, SettingsError, SettingsFile};
pub use store::{
    KEYCHAIN_SERVICE, MemoryStore, SecretSlot, SecretStore, StoreError, delete_secrets,
    move_secrets,
};
