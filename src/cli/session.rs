//! Everything a command needs to talk to NetLicensing: the client, where its credentials came
//! from, and the embedded sandbox when the Sandbox profile is used.

use std::time::Duration;

use super::args::GlobalArgs;
use super::failure::Failure;
use crate::api::{Client, ClientConfig, Retry};
use crate::credentials::{
    CredentialSource, KeyringStore, Loaded, ResolveError, Resolved, SettingsFile, StoreError,
    ignored_by_sandbox, is_sandbox, resolve,
};
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::sandbox_data::sandbox_data_file;

/// A client ready to use.
pub struct Session {
    pub client: Client,
    pub source: CredentialSource,
    pub profile_name: Option<String>,
    /// The stored API key's role, as the profile remembers it (`auth login` records it).
    pub known_role: Option<crate::api::Role>,
    /// Keeps the embedded sandbox running for the Sandbox profile.
    _sandbox: Option<Sandbox>,
}

impl Session {
    pub fn open(global: &GlobalArgs) -> Result<Session, Failure> {
        let (_, loaded) = load_settings(global)?;
        let resolved = resolve(
            |name| std::env::var(name).ok(),
            &loaded.settings,
            global.profile.as_deref(),
            &KeyringStore,
        )
        .map_err(|e| resolve_failure(&e))?;
        Self::from_resolved(global, resolved)
    }

    fn from_resolved(global: &GlobalArgs, resolved: Resolved) -> Result<Session, Failure> {
        let mut config: ClientConfig = resolved.profile.client_config();
        let mut sandbox = None;
        if resolved.profile_name.as_deref().is_some_and(is_sandbox) {
            // The Sandbox profile's server is always the embedded one: demo/demo must not go to
            // another server, whatever the base URL says.
            warn_ignored_for_sandbox(global);
            let running = start_embedded_sandbox()?;
            config.base_url = running.base_url();
            sandbox = Some(running);
        } else if let Some(url) = &global.base_url {
            config.base_url.clone_from(url);
        }
        if let Some(seconds) = global.timeout {
            config.request_timeout = Duration::from_secs_f64(seconds);
        }
        // Reading calls are tried again after a passing failure: a script should not fail on one
        // bad page of a long list.
        let client = Client::new(&config, resolved.credentials)?.with_retry(Retry::BRIEF);
        Ok(Session {
            client,
            source: resolved.source,
            profile_name: resolved.profile_name,
            known_role: resolved.profile.api_key_role,
            _sandbox: sandbox,
        })
    }
}

/// One warning line when the Sandbox profile is used while a base URL or credentials are set
/// (the README's session exports them): the Sandbox ignores them all.
pub fn warn_ignored_for_sandbox(global: &GlobalArgs) {
    let mut ignored = Vec::new();
    if global.base_url.is_some() {
        ignored.push("the base URL (--base-url or NETLICENSING_BASE_URL)");
    }
    ignored.extend(ignored_by_sandbox(|name| std::env::var(name).ok()));
    if !ignored.is_empty() {
        eprintln!(
            "warning: the Sandbox profile always uses the built-in sandbox and its demo account, so it ignores {}. Choose another profile with --profile to use them.",
            ignored.join(", ")
        );
    }
}

/// The settings file and what it holds; a warning about a damaged file goes to standard error.
pub fn load_settings(global: &GlobalArgs) -> Result<(SettingsFile, Loaded), Failure> {
    let file = SettingsFile::locate(global.config.as_deref())
        .map_err(|e| Failure::Other(e.to_string()))?;
    let loaded = file.load().map_err(|e| Failure::Other(e.to_string()))?;
    if let Some(warning) = &loaded.warning {
        eprintln!("warning: {warning}");
    }
    Ok((file, loaded))
}

/// The Sandbox profile runs the sandbox inside this process, with its state in the user's data
/// directory, so a key created by one command is there for the next (and for the desktop app).
pub fn start_embedded_sandbox() -> Result<Sandbox, Failure> {
    let options = SandboxOptions {
        data_file: sandbox_data_file(),
        ..SandboxOptions::default()
    };
    Sandbox::start(options).map_err(|e| Failure::Other(format!("The sandbox could not start: {e}")))
}

pub fn resolve_failure(error: &ResolveError) -> Failure {
    match error {
        ResolveError::NoCredentials | ResolveError::NoSecret { .. } => {
            Failure::Authentication(error.to_string())
        }
        ResolveError::UnknownProfile(_)
        | ResolveError::MissingDefault(_)
        | ResolveError::IncompleteEnvironment(_) => Failure::Usage(error.to_string()),
        ResolveError::Store(error) => keychain_failure(error),
    }
}

/// A keychain problem, said for the command line: the desktop app's offer to keep a secret in
/// memory for the session means nothing here; the environment variables are the way round it.
pub fn keychain_failure(error: &StoreError) -> Failure {
    match error {
        StoreError::Unavailable(why) => Failure::Other(format!(
            "No keychain is available: {why}. Set NETLICENSING_API_KEY (or NETLICENSING_USERNAME and NETLICENSING_PASSWORD) instead."
        )),
        StoreError::Locked | StoreError::Failed(_) => Failure::Other(error.to_string()),
    }
}
