//! What the app is wired to: how it reaches NetLicensing, where secrets and settings live, the
//! sandbox, and the clipboard. The product uses the real ones; tests swap in their own.

use std::path::PathBuf;

use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{KeyringStore, SecretStore, SettingsFile};
use crate::sandbox::SandboxOptions;

use super::clipboard::{ClipboardProbe, SystemClipboard};
use super::key_list::REVEAL_FOR;
use super::screenshot::ScreenshotTarget;
use super::service::{Connector, http_connector};

/// A hidden switch for measuring large lists in the real app (`benches/performance`): the
/// embedded sandbox starts with this many generated API keys. Generated keys go into a fresh
/// store only, so combine it with `NETLICENSING_KEYS_SANDBOX_DATA=` (empty: keep the sandbox in
/// memory) unless the data file does not exist yet.
pub const SANDBOX_SEED_KEYS_VAR: &str = "NETLICENSING_KEYS_SANDBOX_SEED_KEYS";

/// A hidden switch for measuring the app alone (`benches/performance`): the "Sandbox" profile
/// uses the sandbox at this base URL (one that `netlicensing-keys sandbox` printed) instead of
/// starting the embedded one, so that the app's memory does not include the server's copy of
/// the keys.
pub const SANDBOX_URL_VAR: &str = "NETLICENSING_KEYS_SANDBOX_URL";

/// Where the "Sandbox" profile's server comes from.
#[derive(Clone, Debug)]
pub enum SandboxSource {
    /// Start the embedded sandbox in this process when it is first needed.
    Embedded(SandboxOptions),
    /// A sandbox that runs elsewhere (a test's), at this base URL.
    External(String),
}

pub struct Environment {
    pub connector: Connector,
    /// The OS keychain.
    pub keychain: Arc<dyn SecretStore>,
    /// `None` keeps settings in memory only.
    pub settings_file: Option<SettingsFile>,
    pub sandbox: SandboxSource,
    pub clipboard: Arc<dyn ClipboardProbe>,
    /// How long a copied key stays on the clipboard.
    pub clipboard_clear_after: Duration,
    /// How long a revealed key stays visible in the table.
    pub reveal_for: Duration,
    /// Save a PNG of the window once the first list has loaded, then close.
    pub screenshot: Option<ScreenshotTarget>,
}

impl Environment {
    /// The real thing: HTTP, the OS keychain, the settings file, the embedded sandbox.
    pub fn product(settings_file: SettingsFile, sandbox_data: Option<PathBuf>) -> Self {
        Environment {
            connector: http_connector(),
            keychain: Arc::new(KeyringStore),
            settings_file: Some(settings_file),
            sandbox: match std::env::var(SANDBOX_URL_VAR) {
                Ok(url) if !url.trim().is_empty() => SandboxSource::External(url.trim().to_owned()),
                _ => SandboxSource::Embedded(SandboxOptions {
                    data_file: sandbox_data,
                    seed_keys: seed_keys_from_env(),
                    ..SandboxOptions::default()
                }),
            },
            clipboard: Arc::new(SystemClipboard),
            clipboard_clear_after: Duration::from_secs(30),
            reveal_for: REVEAL_FOR,
            screenshot: None,
        }
    }
}

fn seed_keys_from_env() -> usize {
    std::env::var(SANDBOX_SEED_KEYS_VAR)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0)
}
