//! The API Keys screen: what the credentials may do, the toolbar, progress, and the table.

use egui::{Color32, Ui};

use crate::api::{ApiError, AuthMethod, Role};

use super::super::Screen;
use super::super::command::Command;
use super::super::keys_app::KeysApp;
use super::{key_table, widgets};

pub fn show(ui: &mut Ui, app: &mut KeysApp, commands: &mut Vec<Command>) {
    let Some(connection) = &app.connection else {
        if app.tasks.open.is_some() {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(format!("Opening profile {}…", app.auth_form.profile_name));
            });
            return;
        }
        ui.label("Not connected.");
        if let Some(reason) = &app.connection_error {
            widgets::error_text(ui, reason);
        }
        if ui.button("Open settings").clicked() {
            commands.push(Command::Show(Screen::Settings));
        }
        return;
    };
    let access_refused = connection.access.filter(|a| !a.can_manage_keys);
    if let Some(access) = access_refused {
        let role = access
            .role
            .map_or_else(String::new, |r| format!(" (role {r})"));
        let text = match access.method {
            AuthMethod::ApiKey => format!(
                "This API key{role} cannot manage API keys. Sign in with the vendor login, or use an API key with the Admin role."
            ),
            AuthMethod::VendorLogin => "These credentials may not manage API keys.".to_owned(),
        };
        widgets::banner(ui, ui.visuals().warn_fg_color, |ui| {
            ui.label(text);
            if ui.button("Open settings").clicked() {
                commands.push(Command::Show(Screen::Settings));
            }
        });
        ui.add_space(6.0);
    }
    toolbar(ui, app, commands);
    if let Some(progress) = app.tasks.list_progress.lock().ok().and_then(|p| *p)
        && app.tasks.list.is_some()
        && let Some(total) = progress.pages_total.filter(|&t| t > 1)
    {
        #[allow(clippy::cast_precision_loss)] // page counts are far below 2^52
        let fraction = progress.pages_done as f32 / total as f32;
        ui.add(egui::ProgressBar::new(fraction).text(format!(
            "Loading API keys: page {} of {total}",
            progress.pages_done
        )));
    }
    // A list refused for lack of permission says nothing the access banner above does not.
    let already_explained = access_refused.is_some()
        && matches!(app.list_error, Some(ApiError::PermissionDenied { .. }));
    if let Some(error) = app.list_error.as_ref().filter(|_| !already_explained) {
        widgets::banner(ui, ui.visuals().error_fg_color, |ui| {
            widgets::error_text(ui, &error.to_string());
            if matches!(error, ApiError::BadCredentials { .. })
                && ui.button("Open settings").clicked()
            {
                commands.push(Command::Show(Screen::Settings));
            }
        });
    }
    ui.add_space(4.0);
    if !app.keys.is_loaded() {
        if app.tasks.list.is_some() {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label("Loading API keys…");
            });
        }
        return;
    }
    if app.keys.keys().is_empty() {
        empty_state(ui, "No API Keys", "Create one with “+ Add API Key”.");
        return;
    }
    if app.keys.visible().is_empty() {
        empty_state(
            ui,
            "No API keys match the filter",
            "Change the filter or the role.",
        );
        return;
    }
    let busy_revoking = app.tasks.revoke.is_some();
    key_table::show(ui, &mut app.keys, busy_revoking, commands);
}

fn toolbar(ui: &mut Ui, app: &mut KeysApp, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let mut text = app.keys.query().text.clone();
        let filter = ui
            .add(
                egui::TextEdit::singleline(&mut text)
                    .hint_text("Filter API Keys")
                    .desired_width(220.0),
            )
            .accessible_name("Filter API Keys")
            .on_hover_text("Name, customer, or the first or last characters of the key (Ctrl+F)");
        if std::mem::take(&mut app.focus_filter) {
            filter.request_focus();
        }
        if filter.changed() {
            commands.push(Command::SetFilterText(text));
        }
        let role = app.keys.query().role;
        let label = ui.label("Role");
        egui::ComboBox::from_id_salt("role_filter")
            .selected_text(role.map_or("Show all", Role::label))
            .show_ui(ui, |ui| {
                if ui.selectable_label(role.is_none(), "Show all").clicked() {
                    commands.push(Command::SetRoleFilter(None));
                }
                for option in Role::ALL {
                    if ui
                        .selectable_label(role == Some(option), option.label())
                        .on_hover_text(option.description())
                        .clicked()
                    {
                        commands.push(Command::SetRoleFilter(Some(option)));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if widgets::busy_button(ui, "⟳ Refresh", app.tasks.list.is_some(), true) {
            commands.push(Command::Refresh);
        }
        let can_create = app.can_manage_keys();
        if ui
            .add_enabled(can_create, egui::Button::new("+ Add API Key"))
            .on_hover_text("Create a new API key (Ctrl+N)")
            .clicked()
        {
            commands.push(Command::OpenCreate);
        }
        let selected = app.keys.selection_len();
        if selected > 0
            && ui
                .add_enabled(
                    app.tasks.revoke.is_none(),
                    egui::Button::new(format!("Revoke selected ({selected})")),
                )
                .on_hover_text("Revoke every selected key (Delete)")
                .clicked()
        {
            commands.push(Command::AskRevokeSelected);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let shown = app.keys.visible().len();
            let total = app.keys.keys().len();
            if app.keys.is_loaded() {
                ui.label(if shown == total {
                    format!("{total} keys")
                } else {
                    format!("{shown} of {total} keys")
                });
            }
        });
    });
}

fn empty_state(ui: &mut Ui, title: &str, hint: &str) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading(title);
        ui.label(egui::RichText::new(hint).color(Color32::GRAY));
    });
}
