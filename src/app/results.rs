//! The one place where finished background calls change the app.

use std::time::Instant;

use crate::api::{ApiError, ApiKey};

use super::dialogs::Dialog;
use super::keys_app::{KeysApp, RevokeOutcome};
use super::task::take_ready;

impl KeysApp {
    /// Applies every call that has finished. Cheap when nothing has: one atomic check each.
    pub(super) fn poll_tasks(&mut self) {
        if let Some(result) = take_ready(&mut self.tasks.list) {
            self.on_list(result);
        }
        if let Some(result) = take_ready(&mut self.tasks.access) {
            match result {
                Ok(access) => {
                    if let Some(connection) = &mut self.connection {
                        connection.access = Some(access);
                    }
                }
                Err(error) => self.on_connection_error(&error),
            }
        }
        if let Some(result) = take_ready(&mut self.tasks.test) {
            // Said in the status line too, where an older message would otherwise still stand.
            match &result {
                Ok(access) if access.is_enough() => {
                    self.status.info(super::ui::connected_text(*access));
                }
                Ok(access) => self.status.error(format!("Connected, but {access}.")),
                Err(error) => self.status.error(error.to_string()),
            }
            self.auth_form.test_result = Some(result.map_err(|e| e.to_string()));
        }
        if let Some(result) = take_ready(&mut self.tasks.create) {
            self.on_created(result);
        }
        if let Some(result) = take_ready(&mut self.tasks.revoke) {
            self.on_revoked(result);
        }
        if let Some(result) = take_ready(&mut self.tasks.rotate_create) {
            self.on_rotate_created(result);
        }
        if let Some(result) = take_ready(&mut self.tasks.rotate_revoke) {
            self.on_rotate_revoked(result);
        }
        self.poll_profiles();
        if let Some(result) = take_ready(&mut self.tasks.clipboard) {
            match result {
                Ok(true) => self
                    .status
                    .info("The copied key was cleared from the clipboard."),
                Ok(false) => {}
                Err(error) => self.status.error(format!(
                    "The copied key may still be on the clipboard: {error}"
                )),
            }
        }
    }

    fn on_list(&mut self, result: Result<Vec<crate::api::ApiKey>, ApiError>) {
        if std::mem::take(&mut self.tasks.list_outdated) {
            self.start_list_with(true);
            return;
        }
        let quiet = std::mem::take(&mut self.tasks.list_quiet);
        match result {
            Ok(keys) => {
                let count = keys.len();
                self.keys.replace(keys, Instant::now());
                self.list_error = None;
                if !quiet {
                    let notice = self.notice.take().map(|n| n + " ").unwrap_or_default();
                    self.status.info(match count {
                        1 => format!("{notice}1 API key loaded."),
                        n => format!("{notice}{n} API keys loaded."),
                    });
                }
            }
            Err(error) => {
                self.on_connection_error(&error);
                self.list_error = Some(error);
            }
        }
    }

    /// A failure that concerns the connection as a whole: shown in the status line, and
    /// remembered where it changes what the app offers.
    fn on_connection_error(&mut self, error: &ApiError) {
        if let (ApiError::PermissionDenied { .. }, Some(connection)) = (error, &mut self.connection)
        {
            let access = connection.access.get_or_insert(crate::api::Access {
                method: connection.credentials.method(),
                can_read: true,
                can_manage_keys: false,
                role: None,
            });
            access.can_manage_keys = false;
        }
        self.status.error(error.to_string());
    }

    fn on_created(&mut self, result: Result<crate::api::ApiKey, ApiError>) {
        match result {
            Ok(key) => {
                self.status
                    .info(format!("API key {} created.", key.masked()));
                self.keys.insert_created(key.clone());
                self.outdate_list_in_flight();
                self.dialog = Some(Dialog::Created(key));
            }
            Err(error) => {
                let mut text = error.to_string();
                if error.outcome_uncertain() {
                    // The key may exist although the answer was lost: show the list as the
                    // server has it, so that a second try does not make a twin unnoticed.
                    text.push_str(
                        " The key may have been created anyway: the list is being refreshed, check it before you try again.",
                    );
                    self.refetch_list();
                }
                self.status.error(text.clone());
                if let Some(Dialog::Create(form)) = &mut self.dialog {
                    form.error = Some(text);
                }
            }
        }
    }

    fn on_revoked(&mut self, result: Result<RevokeOutcome, ApiError>) {
        let outcomes = match result {
            Ok(outcomes) => outcomes,
            Err(error) => {
                self.status.error(error.to_string());
                return;
            }
        };
        // Rows go only once the server confirmed; a key that was gone already counts as gone.
        let confirmed: Vec<String> = outcomes
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Ok(()) | Err(ApiError::NotFound { .. })))
            .map(|(key, _)| key.number.expose().to_owned())
            .collect();
        let failures: Vec<String> = outcomes
            .iter()
            .filter_map(|(key, outcome)| match outcome {
                Ok(()) | Err(ApiError::NotFound { .. }) => None,
                Err(error) => Some(format!("{}: {error}", key.masked())),
            })
            .collect();
        self.keys.remove(&confirmed);
        // Also after a failure: a call that timed out may still have revoked the key.
        self.refetch_list();
        if failures.is_empty() {
            self.dialog = None;
            self.status.info(match confirmed.len() {
                1 => "1 API key revoked.".to_owned(),
                n => format!("{n} API keys revoked."),
            });
        } else {
            let text = format!(
                "{} of {} keys were not revoked. {}",
                failures.len(),
                outcomes.len(),
                failures.join(" ")
            );
            self.status.error(text.clone());
            if let Some(Dialog::Revoke(form)) = &mut self.dialog {
                form.keys
                    .retain(|k| !confirmed.iter().any(|n| n == k.number.expose()));
                form.typed.clear();
                form.error = Some(text);
            }
        }
    }

    fn on_rotate_created(&mut self, result: Result<(ApiKey, ApiKey), ApiError>) {
        let (old, new) = match result {
            Ok(keys) => keys,
            Err(error) => {
                let text = if error.outcome_uncertain() {
                    self.refetch_list();
                    format!(
                        "{error} The new key may have been created anyway: the list is being refreshed, check it before you try again. The old key was not revoked."
                    )
                } else {
                    format!("{error} Nothing was changed.")
                };
                self.status.error(text.clone());
                if let Some(Dialog::Rotate(flow)) = &mut self.dialog {
                    flow.error = Some(text);
                }
                return;
            }
        };
        self.keys.insert_created(new.clone());
        self.outdate_list_in_flight();
        match &mut self.dialog {
            Some(Dialog::Rotate(flow)) if flow.old.number == old.number && flow.new.is_none() => {
                self.status.info(format!(
                    "New key {} created. Move your clients to it, then revoke the old key.",
                    new.masked()
                ));
                flow.new = Some(new);
            }
            // The dialog was closed meanwhile (or shows another key): the new key exists, so
            // say so; it must never become the replacement in another key's rotation.
            _ => self.status.info(format!(
                "Rotation stopped: the new key {} exists and the old key {} is still active.",
                new.masked(),
                old.masked()
            )),
        }
    }

    fn on_rotate_revoked(&mut self, result: Result<(ApiKey, Result<(), ApiError>), ApiError>) {
        let (old, outcome) = match result {
            Ok(outcome) => outcome,
            Err(error) => {
                self.status.error(error.to_string());
                return;
            }
        };
        let this_rotation = |dialog: &Option<Dialog>| matches!(dialog, Some(Dialog::Rotate(flow)) if flow.old.number == old.number);
        match outcome {
            Ok(()) | Err(ApiError::NotFound { .. }) => {
                // Also when the dialog was closed meanwhile: the key is gone either way.
                self.keys.remove(&[old.number.expose().to_owned()]);
                self.status.info(format!(
                    "Key rotated: the old key {} is revoked.",
                    old.masked()
                ));
                if this_rotation(&self.dialog) {
                    self.dialog = None;
                }
                self.refetch_list();
            }
            Err(error) => {
                self.status.error(format!(
                    "{error} The old key {} is still active.",
                    old.masked()
                ));
                if this_rotation(&self.dialog)
                    && let Some(Dialog::Rotate(flow)) = &mut self.dialog
                {
                    flow.error = Some(format!("{error} The old key is still active."));
                }
            }
        }
    }
}
