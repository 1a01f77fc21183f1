//! The one place that applies what the user asked for and starts background work.

use std::time::Instant;

use crate::api::{ApiError, Secret, TokenNumber};
use crate::credentials::SANDBOX_PROFILE;

use super::Screen;
use super::auth_form::AuthForm;
use super::command::Command;
use super::dialogs::{CreateForm, Dialog, RevokeForm, RotateFlow};
use super::keys_app::KeysApp;

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
            Command::AskRotate(key) if key.role.is_none() => self.status.error(format!(
                "Key {} has the role {}, which this app does not know, so it cannot create a \
                 replacement with the same role. Create one by hand instead.",
                key.masked(),
                key.role_label()
            )),
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
                // What failed for the open profile is not about the new one.
                self.connection_error = None;
                self.status.info(format!(
                    "New profile {}: choose how to sign in, then Test connection or Save.",
                    self.auth_form.profile_name
                ));
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

    pub(super) fn waker_context(&self) -> Option<egui::Context> {
        self.waker.context()
    }
}
