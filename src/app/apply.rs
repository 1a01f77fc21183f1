//! The one place that applies what the user asked for and starts background work.

use std::time::Instant;

use crate::api::{ApiError, AuthMethod, NewApiKey, Role, Secret, TokenNumber};
use crate::credentials::{SANDBOX_PROFILE, SecretSlot, SecretStore, delete_secrets, is_sandbox};

use super::Screen;
use super::auth_form::AuthForm;
use super::command::Command;
use super::dialogs::{CreateForm, Dialog, RevokeForm, RotateFlow};
use super::keys_app::{KeysApp, offers_session_mode};

impl KeysApp {
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Refresh => self.start_list(),
            Command::SetFilterText(text) => self.keys.set_filter_text(text),
            Command::SetRoleFilter(role) => self.keys.set_role_filter(role),
            Command::SortBy(column) => self.keys.sort_by(column),
            Command::Select(key, selected) => self.keys.set_selected(&key, selected),
            Command::ToggleSelectAll => self.keys.toggle_select_all_visible(),
            Command::Reveal(key) => self.keys.reveal(&key, Instant::now()),
            Command::Hide(key) => self.keys.hide(&key),
            Command::Copy(key) => self.copy(key.number),

            Command::OpenCreate => {
                if self.can_manage_keys() {
                    self.dialog = Some(Dialog::Create(CreateForm::default()));
                }
            }
            Command::SubmitCreate => self.submit_create(),
            Command::AskRevoke(keys) => {
                if !keys.is_empty() {
                    self.dialog = Some(Dialog::Revoke(RevokeForm::new(keys)));
                }
            }
            Command::AskRevokeSelected => {
                let selected = self.keys.selected_keys();
                if !selected.is_empty() {
                    self.dialog = Some(Dialog::Revoke(RevokeForm::new(selected)));
                }
            }
            Command::ConfirmRevoke => self.confirm_revoke(),
            Command::AskRotate(key) => self.dialog = Some(Dialog::Rotate(RotateFlow::new(key))),
            Command::RotateCreate => self.rotate_create(),
            Command::RotateRevokeOld => self.rotate_revoke_old(),
            Command::CloseDialog => self.close_dialog(),

            Command::Show(screen) => self.screen = screen,
            Command::TrySandbox => self.switch_profile(SANDBOX_PROFILE),
            Command::TestConnection => self.test_connection(),
            Command::SaveCredentials => self.save_credentials(false),
            Command::KeepForSession => self.save_credentials(true),
            Command::Forget => self.forget(),
            Command::SwitchProfile(name) => self.switch_profile(&name),
            Command::NewProfile => {
                self.auth_form = AuthForm::new_profile(&self.unused_profile_name());
                self.screen = Screen::Settings;
            }
            Command::DeleteProfile => self.delete_profile(),
            Command::CreateKeyAndSwitch(role) => self.create_key_and_switch(role),
            Command::DismissSettingsWarning => self.settings_warning = None,
        }
    }

    /// Whether the current credentials may manage keys (unknown counts as yes until checked:
    /// the server has the last word and says so plainly).
    pub(super) fn can_manage_keys(&self) -> bool {
        self.connection
            .as_ref()
            .is_some_and(|c| c.access.is_none_or(|a| a.can_manage_keys))
    }

    fn copy(&mut self, key: Secret) {
        if let Some(ctx) = self.waker_context() {
            ctx.copy_text(key.expose().to_owned());
        }
        self.copied.copied(key, Instant::now());
        self.status.info(format!(
            "Key copied. The clipboard is cleared in {} seconds if it still holds the key.",
            self.env.clipboard_clear_after.as_secs()
        ));
    }

    fn submit_create(&mut self) {
        let Some(Dialog::Create(form)) = &mut self.dialog else {
            return;
        };
        if self.tasks.create.is_some() {
            return;
        }
        match form.to_new_key() {
            Ok(new_key) => {
                form.error = None;
                let Some(connection) = &self.connection else {
                    return;
                };
                let service = connection.service.clone();
                self.tasks.create =
                    Some(self.spawn("create-key", move || service.create(&new_key)));
            }
            Err(reason) => form.error = Some(reason),
        }
    }

    fn confirm_revoke(&mut self) {
        let Some(Dialog::Revoke(form)) = &mut self.dialog else {
            return;
        };
        if self.tasks.revoke.is_some() || !form.is_confirmed() {
            return;
        }
        form.error = None;
        let keys = form.keys.clone();
        let Some(connection) = &self.connection else {
            return;
        };
        let service = connection.service.clone();
        self.tasks.revoke = Some(self.spawn("revoke-keys", move || {
            // Each key on its own: one refusal must not hide that others were revoked.
            Ok(keys
                .into_iter()
                .map(|key| {
                    let outcome = TokenNumber::parse(key.number.expose())
                        .map_err(ApiError::from)
                        .and_then(|number| service.delete(&number));
                    (key, outcome)
                })
                .collect())
        }));
    }

    fn rotate_create(&mut self) {
        let Some(Dialog::Rotate(flow)) = &mut self.dialog else {
            return;
        };
        if self.tasks.rotate_create.is_some() || flow.new.is_some() {
            return;
        }
        flow.error = None;
        let replacement = flow.replacement();
        // The result names the key it replaces: the dialog may be closed, or show another
        // rotation, by the time it arrives.
        let old = flow.old.clone();
        let Some(connection) = &self.connection else {
            return;
        };
        let service = connection.service.clone();
        self.tasks.rotate_create = Some(self.spawn("rotate-create", move || {
            service.create(&replacement).map(|new| (old, new))
        }));
    }

    fn rotate_revoke_old(&mut self) {
        let Some(Dialog::Rotate(flow)) = &mut self.dialog else {
            return;
        };
        if self.tasks.rotate_revoke.is_some() || flow.new.is_none() || !flow.clients_moved {
            return;
        }
        flow.error = None;
        let old = flow.old.clone();
        let Some(connection) = &self.connection else {
            return;
        };
        let service = connection.service.clone();
        self.tasks.rotate_revoke = Some(self.spawn("rotate-revoke", move || {
            let outcome = TokenNumber::parse(old.number.expose())
                .map_err(ApiError::from)
                .and_then(|number| service.delete(&number));
            Ok((old, outcome))
        }));
    }

    fn close_dialog(&mut self) {
        // A rotation whose new key exists but whose old key still works must not vanish
        // silently: say what state the keys are in.
        if let Some(Dialog::Rotate(flow)) = &self.dialog
            && let Some(new) = &flow.new
            // While the old key is being revoked, its result will say how it ended.
            && self.tasks.rotate_revoke.is_none()
        {
            self.status.info(format!(
                "Rotation stopped: the new key {} exists and the old key {} is still active.",
                new.masked(),
                flow.old.masked()
            ));
        }
        self.dialog = None;
    }

    fn test_connection(&mut self) {
        if self.tasks.test.is_some() {
            return;
        }
        self.auth_form.test_result = None;
        let (config, credentials) = match self.form_target() {
            Ok(target) => target,
            Err(reason) => {
                self.auth_form.test_result = Some(Err(reason));
                return;
            }
        };
        let connector = self.env.connector.clone();
        self.tasks.test = Some(self.spawn("test-connection", move || {
            connector(&config, credentials)?.probe()
        }));
    }

    /// The client settings and credentials the form describes (the sandbox's when read-only).
    fn form_target(
        &mut self,
    ) -> Result<(crate::api::ClientConfig, crate::api::Credentials), String> {
        if self.auth_form.read_only {
            let mut profile = crate::credentials::Profile::sandbox();
            profile.base_url = self.sandbox_url()?;
            let credentials = crate::api::Credentials::vendor_login(
                crate::sandbox::DEMO_USERNAME,
                crate::sandbox::DEMO_PASSWORD,
            );
            return Ok((profile.client_config(), credentials));
        }
        let profile = self.auth_form.profile()?;
        let credentials = match self.auth_form.credentials() {
            Ok(credentials) => credentials,
            // Nothing typed: test what is saved for this profile.
            Err(_) if self.auth_form.secret().is_empty() && !self.auth_form.is_new_profile => {
                let slot = SecretSlot::new(&self.auth_form.profile_name, self.auth_form.method);
                let secret = self
                    .store_for(&slot)
                    .load(&slot)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| self.auth_form.credentials().err().unwrap_or_default())?;
                match self.auth_form.method {
                    AuthMethod::VendorLogin => crate::api::Credentials::vendor_login(
                        self.auth_form.username.trim(),
                        secret,
                    ),
                    AuthMethod::ApiKey => crate::api::Credentials::ApiKey(secret),
                }
            }
            Err(reason) => return Err(reason),
        };
        Ok((profile.client_config(), credentials))
    }

    /// Saves the profile (settings file) and its secret (keychain, or memory when the user
    /// chose session-only mode), then connects with them.
    fn save_credentials(&mut self, session_only: bool) {
        let form = &mut self.auth_form;
        if form.read_only {
            return;
        }
        form.message = None;
        let name = form.profile_name.trim().to_owned();
        let profile = match form.profile() {
            Ok(profile) => profile,
            Err(reason) => {
                form.message = Some(Err(reason));
                return;
            }
        };
        let secret = Secret::new(form.secret().trim());
        let is_new_profile = form.is_new_profile;
        if secret.is_empty()
            && (is_new_profile || self.saved_secret(&name, profile.method).is_none())
        {
            self.auth_form.message =
                Some(Err(self.auth_form.credentials().err().unwrap_or_default()));
            return;
        }
        let mut settings = self.settings.clone();
        let existing = settings.profile(&name).cloned();
        let result = if let Some(existing) = &existing {
            let mut updated = profile.clone();
            // Keep what the form does not show.
            if updated.method == AuthMethod::ApiKey && secret.is_empty() {
                updated.api_key_role = existing.api_key_role;
            }
            settings.profiles.insert(name.clone(), updated);
            Ok(())
        } else {
            settings.add_profile(&name, profile.clone())
        };
        if let Err(error) = result {
            self.auth_form.message = Some(Err(error.to_string()));
            return;
        }
        if !secret.is_empty() {
            let slot = SecretSlot::new(&name, profile.method);
            let stored = if session_only {
                self.session_secrets
                    .save(&slot, &secret)
                    .map(|()| self.session_secrets.location())
            } else {
                self.env
                    .keychain
                    .save(&slot, &secret)
                    .map(|()| self.env.keychain.location())
            };
            match stored {
                Ok(location) => {
                    if !session_only {
                        // A keychain copy now exists: an older session copy must not shadow it.
                        let _ = self.session_secrets.delete(&slot);
                    }
                    self.auth_form.stored_in = Some(location);
                }
                Err(error) => {
                    self.auth_form.keychain_unavailable = offers_session_mode(&error);
                    self.auth_form.message = Some(Err(format!(
                        "The secret was not saved: {error}{}",
                        if self.auth_form.keychain_unavailable {
                            " You can keep it for this session only: it is then forgotten when the app closes."
                        } else {
                            ""
                        }
                    )));
                    return;
                }
            }
        }
        self.settings = settings;
        if !self.save_settings() {
            self.auth_form.message = Some(Err(
                "The settings file could not be written; see the status line.".to_owned(),
            ));
            return;
        }
        let stored_in = self.auth_form.stored_in.clone().unwrap_or_default();
        self.switch_profile(&name);
        self.auth_form.stored_in = Some(stored_in.clone());
        self.auth_form.message = Some(Ok(format!("Saved. The secret is kept in {stored_in}.")));
    }

    fn saved_secret(&self, profile: &str, method: AuthMethod) -> Option<Secret> {
        let slot = SecretSlot::new(profile, method);
        self.store_for(&slot).load(&slot).ok().flatten()
    }

    /// Removes the profile's secrets from the keychain (and session memory) and disconnects.
    fn forget(&mut self) {
        let name = self.auth_form.profile_name.trim().to_owned();
        if is_sandbox(&name) {
            return;
        }
        let _ = delete_secrets(&self.session_secrets, &name);
        let outcome = delete_secrets(self.env.keychain.as_ref(), &name);
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
        self.auth_form.message = Some(match outcome {
            Ok(()) => Ok(format!(
                "The secrets of profile '{name}' were removed from the keychain."
            )),
            Err(error) => Err(format!("The secrets could not be removed: {error}")),
        });
    }

    fn delete_profile(&mut self) {
        let name = self.auth_form.profile_name.trim().to_owned();
        if is_sandbox(&name) || self.auth_form.is_new_profile {
            return;
        }
        self.forget();
        match self.settings.remove_profile(&name) {
            Ok(_) => {
                self.save_settings();
                self.status.info(format!("Profile '{name}' was deleted."));
                match self.settings.default_profile_name().map(str::to_owned) {
                    Some(next) => self.switch_profile(&next),
                    None => self.screen = Screen::Welcome,
                }
            }
            Err(error) => self.auth_form.message = Some(Err(error.to_string())),
        }
    }

    /// From a vendor login: creates an API key and makes the profile use it, in one step.
    fn create_key_and_switch(&mut self, role: Role) {
        if self.tasks.switch_to_key.is_some() {
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

    /// "Profile 2", "Profile 3", ... whichever is free.
    fn unused_profile_name(&self) -> String {
        let taken = |name: &str| self.settings.profile(name).is_some();
        if !taken("Default") {
            return "Default".to_owned();
        }
        (2..1000)
            .map(|n| format!("Profile {n}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| "New profile".to_owned())
    }

    pub(super) fn waker_context(&self) -> Option<egui::Context> {
        self.waker.context()
    }
}
