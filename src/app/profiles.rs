//! Signing in and out: opening a profile, testing, saving and forgetting its credentials,
//! deleting it, and moving a vendor login to a new API key.
//!
//! Keychain calls can block (an unlock prompt waits for the user, a D-Bus call for the daemon), so
//! they run on worker threads like the network calls; their results come back in `poll_profiles`.

use std::sync::Arc;

use crate::api::{ApiKey, AuthMethod, ClientConfig, Credentials, NewApiKey, Role, Secret};
use crate::credentials::{
    MemoryStore, Profile, SANDBOX_PROFILE, SecretSlot, SecretStore, Settings, StoreError,
    delete_secrets, is_sandbox,
};
use crate::sandbox::{DEMO_PASSWORD, DEMO_USERNAME};

use super::Screen;
use super::auth_form::AuthForm;
use super::dialogs::Dialog;
use super::keys_app::{Connection, KeysApp};
use super::service::Connector;
use super::task::take_ready;

/// The keychain and the session-only store, shareable with worker threads.
#[derive(Clone)]
pub struct Secrets {
    pub keychain: Arc<dyn SecretStore>,
    /// Secrets kept for this session only, when the keychain could not take them.
    pub session: Arc<MemoryStore>,
}

impl Secrets {
    /// The store that holds a slot's secret: the session store once the user chose
    /// session-only mode for it, else the keychain.
    fn store_for(&self, slot: &SecretSlot) -> &dyn SecretStore {
        match self.session.load(slot) {
            Ok(Some(_)) => self.session.as_ref(),
            _ => self.keychain.as_ref(),
        }
    }

    fn load(&self, slot: &SecretSlot) -> Result<Option<(Secret, String)>, StoreError> {
        let store = self.store_for(slot);
        Ok(store.load(slot)?.map(|secret| (secret, store.location())))
    }
}

/// What a save is waiting for: the settings to commit once the secret is stored.
pub struct PendingSave {
    name: String,
    settings: Settings,
}

/// Whether the keychain cannot be used at all (as opposed to one failed call), so that
/// session-only mode should be offered.
fn offers_session_mode(error: &StoreError) -> bool {
    matches!(error, StoreError::Unavailable(_) | StoreError::Locked)
}

impl KeysApp {
    /// Connects to a profile: the built-in sandbox at once, a saved one once its secret has
    /// been read from the keychain.
    pub(super) fn switch_profile(&mut self, name: &str) {
        // Names match ignoring case (`--profile work` finds "Work"), but secrets are filed
        // under the name as stored, and a save must not add the profile a second time.
        let stored = self.settings.stored_name(name).map(str::to_owned);
        let name = stored.as_deref().unwrap_or(name);
        self.disconnect();
        if is_sandbox(name) {
            self.open_sandbox();
            return;
        }
        let Some(profile) = self.settings.profile(name).cloned() else {
            if self.settings.profile_names().next().is_none() {
                self.status
                    .error(format!("There is no profile named '{name}'."));
                self.screen = Screen::Welcome;
                return;
            }
            // Profiles exist: this is no first run, and opening another account instead of
            // the one asked for could put changes in the wrong place. Say so, connect nowhere.
            let reason = format!(
                "There is no profile named '{name}'. Choose one in the Profile list above, or create it in the settings."
            );
            self.auth_form = AuthForm::new_profile(name);
            self.status.error(reason.clone());
            self.connection_error = Some(reason);
            self.screen = Screen::Keys;
            return;
        };
        self.auth_form = AuthForm::for_profile(name, &profile, false);
        self.screen = Screen::Keys;
        let secrets = self.secrets.clone();
        let connector = self.env.connector.clone();
        let name = name.to_owned();
        self.tasks.open = Some(self.spawn("open-profile", move || {
            Ok(open_saved_profile(&name, &profile, &secrets, &connector))
        }));
    }

    fn open_sandbox(&mut self) {
        let mut form = AuthForm::for_profile(SANDBOX_PROFILE, &Profile::sandbox(), false);
        form.read_only = true;
        DEMO_USERNAME.clone_into(&mut form.username);
        form.password = zeroize::Zeroizing::new(DEMO_PASSWORD.to_owned());
        self.auth_form = form;
        // As for a saved profile: the table, or the settings if it cannot be opened.
        self.screen = Screen::Keys;
        let opened = self.sandbox_url().and_then(|base_url| {
            let credentials = Credentials::vendor_login(DEMO_USERNAME, DEMO_PASSWORD);
            let mut profile = Profile::sandbox();
            profile.base_url.clone_from(&base_url);
            let service = (self.env.connector)(&profile.client_config(), credentials.clone())
                .map_err(|e| e.to_string())?;
            Ok(Connection {
                profile_name: SANDBOX_PROFILE.to_owned(),
                base_url,
                credentials,
                service,
                access: None,
                is_sandbox: true,
                secret_location: "nowhere: the sandbox uses the public demo account".to_owned(),
            })
        });
        self.on_opened(opened);
    }

    fn on_opened(&mut self, opened: Result<Connection, String>) {
        match opened {
            Ok(connection) => {
                self.auth_form.stored_in = Some(connection.secret_location.clone());
                self.auth_form.base_url.clone_from(&connection.base_url);
                // Kept for the list's "N API keys loaded.", which comes next and says more.
                let notice = self.notice.clone().map(|n| n + " ").unwrap_or_default();
                self.status.info(format!(
                    "{notice}Connected to {} as {}.",
                    connection.base_url,
                    connection.credentials.describe()
                ));
                self.connection = Some(connection);
                self.connection_error = None;
                self.start_list();
                self.start_access_check();
            }
            Err(reason) => {
                self.status.error(reason.clone());
                self.connection_error = Some(reason);
                self.screen = Screen::Settings;
            }
        }
    }

    /// Tests what the form describes, in the background; with no secret typed, the saved one.
    pub(super) fn test_connection(&mut self) {
        if self.tasks.test.is_some() {
            return;
        }
        self.auth_form.test_result = None;
        let target = if self.auth_form.read_only {
            self.sandbox_target()
        } else {
            self.form_target()
        };
        let (config, typed, slot, username) = match target {
            Ok(target) => target,
            Err(reason) => {
                self.status.error(reason.clone());
                self.auth_form.test_result = Some(Err(reason));
                return;
            }
        };
        let connector = self.env.connector.clone();
        let secrets = self.secrets.clone();
        let missing = self.auth_form.credentials().err().unwrap_or_default();
        self.tasks.test = Some(self.spawn("test-connection", move || {
            let credentials = match (typed, slot) {
                (Some(credentials), _) => credentials,
                (None, Some(slot)) => {
                    let secret = secrets
                        .load(&slot)
                        .map_err(|e| crate::api::ApiError::Config(e.to_string()))?
                        .map(|(secret, _)| secret)
                        .ok_or(crate::api::ApiError::Config(missing))?;
                    match slot.method {
                        AuthMethod::VendorLogin => Credentials::vendor_login(username, secret),
                        AuthMethod::ApiKey => Credentials::ApiKey(secret),
                    }
                }
                (None, None) => return Err(crate::api::ApiError::Config(missing)),
            };
            connector(&config, credentials)?.probe()
        }));
    }

    fn sandbox_target(&mut self) -> Result<TestTarget, String> {
        let mut profile = Profile::sandbox();
        profile.base_url = self.sandbox_url()?;
        let credentials = Credentials::vendor_login(DEMO_USERNAME, DEMO_PASSWORD);
        Ok((
            profile.client_config(),
            Some(credentials),
            None,
            String::new(),
        ))
    }

    /// The typed credentials, or (nothing typed on a saved profile) the slot to read them from.
    fn form_target(&self) -> Result<TestTarget, String> {
        let form = &self.auth_form;
        let config = form.profile()?.client_config();
        match form.credentials() {
            Ok(credentials) => Ok((config, Some(credentials), None, String::new())),
            Err(_) if form.secret().is_empty() && !form.is_new_profile => {
                let slot = SecretSlot::new(form.profile_name.trim(), form.method);
                Ok((config, None, Some(slot), form.username.trim().to_owned()))
            }
            Err(reason) => Err(reason),
        }
    }

    /// Saves the profile (settings file) and its secret (keychain, or memory when the user
    /// chose session-only mode), then connects with them.
    pub(super) fn save_credentials(&mut self, session_only: bool) {
        if self.auth_form.read_only || self.tasks.save.is_some() {
            return;
        }
        self.auth_form.message = None;
        // What Save says replaces what the last test said (the same missing field twice, else).
        self.auth_form.test_result = None;
        let name = self.auth_form.profile_name.trim().to_owned();
        let profile = match self.auth_form.profile() {
            Ok(profile) => profile,
            Err(reason) => {
                self.form_says(Err(reason));
                return;
            }
        };
        let secret = Secret::new(self.auth_form.secret().trim());
        if secret.is_empty() && self.auth_form.is_new_profile {
            self.auth_form.message =
                Some(Err(self.auth_form.credentials().err().unwrap_or_default()));
            return;
        }
        let mut settings = self.settings.clone();
        let result = match settings.profile(&name).cloned() {
            Some(existing) => {
                let mut updated = profile.clone();
                // Keep what the form does not show.
                if updated.method == AuthMethod::ApiKey && secret.is_empty() {
                    updated.api_key_role = existing.api_key_role;
                }
                settings.profiles.insert(name.clone(), updated);
                Ok(())
            }
            None => settings.add_profile(&name, profile.clone()),
        };
        if let Err(error) = result {
            self.form_says(Err(error.to_string()));
            return;
        }
        let slot = SecretSlot::new(&name, profile.method);
        let secrets = self.secrets.clone();
        let missing = self.auth_form.credentials().err().unwrap_or_default();
        self.pending_save = Some(PendingSave { name, settings });
        self.tasks.save = Some(self.spawn("save-secret", move || {
            Ok(store_secret(
                &secrets,
                &slot,
                &secret,
                session_only,
                &missing,
            ))
        }));
    }

    /// Removes the profile's secrets from the keychain and session memory, and disconnects.
    pub(super) fn forget(&mut self) {
        let name = self.auth_form.profile_name.trim().to_owned();
        if is_sandbox(&name) || self.tasks.forget.is_some() {
            return;
        }
        if self
            .connection
            .as_ref()
            .is_some_and(|c| c.profile_name == name)
        {
            self.disconnect();
        }
        self.auth_form.password = zeroize::Zeroizing::default();
        self.auth_form.api_key = zeroize::Zeroizing::default();
        self.auth_form.stored_in = None;
        let secrets = self.secrets.clone();
        self.tasks.forget = Some(self.spawn("forget-secrets", move || {
            let _ = delete_secrets(secrets.session.as_ref(), &name);
            Ok(delete_secrets(secrets.keychain.as_ref(), &name).map(|()| name))
        }));
    }

    pub(super) fn delete_profile(&mut self) {
        let name = self.auth_form.profile_name.trim().to_owned();
        if is_sandbox(&name) || self.auth_form.is_new_profile {
            return;
        }
        match self.settings.remove_profile(&name) {
            Ok(_) => {
                self.forget();
                self.save_settings();
                let deleted = format!("Profile '{name}' was deleted.");
                self.status.info(deleted.clone());
                if let Some(next) = self.settings.default_profile_name().map(str::to_owned) {
                    self.switch_profile(&next);
                    // Said again once the next profile has opened, which says so too.
                    self.notice = Some(deleted);
                } else {
                    self.screen = Screen::Welcome;
                }
            }
            Err(error) => self.form_says(Err(error.to_string())),
        }
    }

    /// From a vendor login: creates an API key and makes the profile use it, in one step.
    pub(super) fn create_key_and_switch(&mut self, role: Role) {
        if self.tasks.switch_to_key.is_some() || self.tasks.save.is_some() {
            return;
        }
        let Some(connection) = &self.connection else {
            return;
        };
        if connection.is_sandbox || connection.credentials.method() != AuthMethod::VendorLogin {
            return;
        }
        let service = connection.service.clone();
        let new_key = NewApiKey {
            role: Some(role),
            name: Some("netlicensing-keys app".to_owned()),
            customer: None,
            private_key: None,
        };
        self.tasks.switch_to_key =
            Some(self.spawn("create-and-switch", move || service.create(&new_key)));
    }

    /// "Default", else "Profile 2", "Profile 3", ... whichever is free.
    pub(super) fn unused_profile_name(&self) -> String {
        let taken = |name: &str| self.settings.profile(name).is_some();
        if !taken("Default") {
            return "Default".to_owned();
        }
        (2..1000)
            .map(|n| format!("Profile {n}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| "New profile".to_owned())
    }

    /// Applies finished profile work.
    pub(super) fn poll_profiles(&mut self) {
        if let Some(result) = take_ready(&mut self.tasks.open) {
            self.on_opened(result.map_err(|e| e.to_string()).and_then(|opened| opened));
        }
        if let Some(result) = take_ready(&mut self.tasks.save) {
            let stored = result
                .map_err(|e| StoreError::Failed(e.to_string()))
                .and_then(|s| s);
            self.on_saved(stored);
        }
        if let Some(result) = take_ready(&mut self.tasks.forget) {
            self.form_says(
                match result
                    .map_err(|e| StoreError::Failed(e.to_string()))
                    .and_then(|r| r)
                {
                    Ok(name) if self.settings.profile(&name).is_none() => Ok(format!(
                        "Profile '{name}' was deleted, and its secrets were removed from the keychain."
                    )),
                    Ok(name) => Ok(format!(
                        "The secrets of profile '{name}' were removed from the keychain."
                    )),
                    Err(error) => Err(format!("The secrets could not be removed: {error}")),
                },
            );
        }
        if let Some(result) = take_ready(&mut self.tasks.switch_to_key) {
            match result {
                Ok(key) => self.store_switched_key(key),
                Err(error) => self.form_says(Err(error.to_string())),
            }
        }
    }

    fn on_saved(&mut self, stored: Result<Option<String>, StoreError>) {
        let Some(PendingSave { name, settings }) = self.pending_save.take() else {
            return;
        };
        let location = match stored {
            Ok(location) => location,
            Err(error) => {
                self.auth_form.keychain_unavailable = offers_session_mode(&error);
                let hint = if self.auth_form.keychain_unavailable {
                    " Choose “Keep for this session only” to use it now; it is forgotten when the app closes."
                } else {
                    ""
                };
                self.form_says(Err(format!("Not saved: {error}{hint}")));
                return;
            }
        };
        let previous = std::mem::replace(&mut self.settings, settings);
        if !self.save_settings() {
            self.settings = previous;
            self.form_says(Err(
                "The settings file could not be written; see the status line.".to_owned(),
            ));
            return;
        }
        self.switch_profile(&name);
        let kept_in = location.unwrap_or_else(|| "the keychain (unchanged)".to_owned());
        let saved = format!("Saved. The secret is kept in {kept_in}.");
        self.form_says(Ok(saved.clone()));
        // The app moves on to the table: the status line says where the secret went, there.
        self.notice = Some(saved);
    }

    /// A save's or forget's outcome: beside the form's buttons, and in the status line.
    fn form_says(&mut self, outcome: Result<String, String>) {
        match &outcome {
            Ok(text) => self.status.info(text.clone()),
            Err(text) => self.status.error(text.clone()),
        }
        self.auth_form.message = Some(outcome);
    }

    /// The new key exists: store it as the profile's API key, then switch the profile to it.
    fn store_switched_key(&mut self, key: ApiKey) {
        let Some(name) = self.connection.as_ref().map(|c| c.profile_name.clone()) else {
            return;
        };
        self.keys.insert_created(key.clone());
        let mut settings = self.settings.clone();
        if let Some(profile) = settings.profiles.get_mut(&name) {
            profile.method = AuthMethod::ApiKey;
            profile.api_key_role = key.role;
        }
        let slot = SecretSlot::new(&name, AuthMethod::ApiKey);
        let secrets = self.secrets.clone();
        let secret = Secret::new(key.number.expose());
        // Shown once in full, so that it is not lost even if the keychain cannot take it.
        self.dialog = Some(Dialog::Created(key));
        self.pending_save = Some(PendingSave { name, settings });
        self.tasks.save = Some(self.spawn("save-new-key", move || {
            // No keychain: keep it for the session rather than lose the switch.
            Ok(match store_secret(&secrets, &slot, &secret, false, "") {
                Err(error) if offers_session_mode(&error) => {
                    store_secret(&secrets, &slot, &secret, true, "")
                }
                other => other,
            })
        }));
    }
}

/// The client settings, the typed credentials or the slot to read, and the username for a slot.
type TestTarget = (
    ClientConfig,
    Option<Credentials>,
    Option<SecretSlot>,
    String,
);

/// Reads a saved profile's secret and builds its client. Runs on a worker thread.
fn open_saved_profile(
    name: &str,
    profile: &Profile,
    secrets: &Secrets,
    connector: &Connector,
) -> Result<Connection, String> {
    let slot = SecretSlot::new(name, profile.method);
    let (secret, location) = secrets
        .load(&slot)
        .map_err(|e| format!("The secret of profile '{name}' could not be read: {e}"))?
        .ok_or_else(|| {
            let what = match profile.method {
                AuthMethod::VendorLogin => "password",
                AuthMethod::ApiKey => "API key",
            };
            format!("No {what} is saved for profile '{name}'. Enter it and press Save.")
        })?;
    let credentials = match profile.method {
        AuthMethod::VendorLogin => {
            Credentials::vendor_login(profile.username.clone().unwrap_or_default(), secret)
        }
        AuthMethod::ApiKey => Credentials::ApiKey(secret),
    };
    let service =
        connector(&profile.client_config(), credentials.clone()).map_err(|e| e.to_string())?;
    Ok(Connection {
        profile_name: name.to_owned(),
        base_url: profile.base_url.clone(),
        credentials,
        service,
        access: None,
        is_sandbox: false,
        secret_location: location,
    })
}

/// Stores a secret and says where; an empty secret keeps the saved one (`None`), if there is
/// one. Runs on a worker thread.
fn store_secret(
    secrets: &Secrets,
    slot: &SecretSlot,
    secret: &Secret,
    session_only: bool,
    missing: &str,
) -> Result<Option<String>, StoreError> {
    if secret.is_empty() {
        return match secrets.load(slot)? {
            Some((_, location)) => Ok(Some(location)),
            None => Err(StoreError::Failed(missing.to_owned())),
        };
    }
    if session_only {
        secrets.session.save(slot, secret)?;
        return Ok(Some(secrets.session.location()));
    }
    secrets.keychain.save(slot, secret)?;
    // A keychain copy now exists: an older session copy must not shadow it.
    let _ = secrets.session.delete(slot);
    Ok(Some(secrets.keychain.location()))
}
