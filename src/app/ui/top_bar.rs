//! The top bar: title, sandbox badge, profile switcher, and the two screens.

use egui::{Color32, RichText, Ui};

use crate::credentials::SANDBOX_PROFILE;

use super::super::Screen;
use super::super::command::Command;
use super::super::keys_app::KeysApp;
use super::widgets;

pub fn show(ui: &mut Ui, app: &KeysApp, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading("NetLicensing API Keys");
        if app.connection.as_ref().is_some_and(|c| c.is_sandbox) {
            widgets::banner_badge(ui, "Sandbox", Color32::from_rgb(0xd9, 0x77, 0x06))
                .on_hover_text("The built-in sandbox: a local stand-in for NetLicensing with the demo account. Nothing here touches your real account.");
        }
        ui.separator();
        profile_switcher(ui, app, commands);
        ui.separator();
        for (screen, label) in [(Screen::Keys, "API Keys"), (Screen::Settings, "Settings")] {
            if ui.selectable_label(app.screen == screen, label).clicked() {
                commands.push(Command::Show(screen));
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(connection) = &app.connection {
                ui.label(
                    RichText::new(connection.credentials.describe()).weak(),
                )
                .on_hover_text(format!("Connected to {}", connection.base_url));
            }
        });
    });
}

fn profile_switcher(ui: &mut Ui, app: &KeysApp, commands: &mut Vec<Command>) {
    let current = app
        .connection
        .as_ref()
        .map_or(app.auth_form.profile_name.as_str(), |c| {
            c.profile_name.as_str()
        });
    let label = ui.label("Profile");
    egui::ComboBox::from_id_salt("profile_switcher")
        .selected_text(widgets::shortened(current, PROFILE_NAME_SHOWN))
        .show_ui(ui, |ui| {
            for name in app.settings.profile_names() {
                if ui.selectable_label(name == current, name).clicked() {
                    commands.push(Command::SwitchProfile(name.to_owned()));
                }
            }
            if ui
                .selectable_label(current == SANDBOX_PROFILE, SANDBOX_PROFILE)
                .on_hover_text("The built-in sandbox with the demo account")
                .clicked()
            {
                commands.push(Command::SwitchProfile(SANDBOX_PROFILE.to_owned()));
            }
            ui.separator();
            if ui.button("New profile…").clicked() {
                commands.push(Command::NewProfile);
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(current);
}

/// A long profile name is cut in the top bar, so that the tabs beside it stay in the window.
const PROFILE_NAME_SHOWN: usize = 24;
