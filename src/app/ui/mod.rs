//! Drawing. Every function here draws from the app's state and returns commands; none changes
//! state that matters or calls the network.

mod auth_panel;
pub(super) use auth_panel::connected_text;
mod dialogs;
mod key_table;
mod keys_view;
pub mod status_bar;
mod top_bar;
mod welcome;
mod widgets;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::Screen;
use super::command::Command;
use super::keys_app::KeysApp;

/// The whole window.
pub fn app_ui(ui: &mut egui::Ui, app: &mut KeysApp) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Panel::top("top_bar").show(ui, |ui| top_bar::show(ui, app, &mut commands));
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, app));
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some(warning) = &app.settings_warning {
            settings_warning(ui, warning, &mut commands);
        }
        match app.screen {
            Screen::Welcome => welcome::show(ui, &mut commands),
            Screen::Keys => keys_view::show(ui, app, &mut commands),
            Screen::Settings => auth_panel::show(ui, app, &mut commands),
        }
    });
    dialogs::show(ui.ctx(), app, &mut commands);
    commands
}

/// The settings file could not be read: on every screen until dismissed.
fn settings_warning(ui: &mut egui::Ui, warning: &str, commands: &mut Vec<Command>) {
    widgets::banner(ui, ui.visuals().warn_fg_color, |ui| {
        ui.label(warning);
        if ui.button("Dismiss").clicked() {
            commands.push(Command::DismissSettingsWarning);
        }
    });
    ui.add_space(6.0);
}

/// Ctrl+R refresh, Ctrl+N new key, Ctrl+F filter, Delete revoke the selection, Escape close.
pub fn shortcuts(ctx: &egui::Context, app: &mut KeysApp) -> Vec<Command> {
    let mut commands = Vec::new();
    let typing = ctx.egui_wants_keyboard_input();
    // Escape in an open list (a combo box) closes the list, not the dialog around it.
    let popup_open = egui::Popup::is_any_open(ctx);
    ctx.input_mut(|input| {
        if app.dialog.is_some() {
            if !popup_open && input.consume_key(Modifiers::NONE, Key::Escape) {
                commands.push(Command::CloseDialog);
            }
            return;
        }
        if app.screen != Screen::Keys || app.connection.is_none() {
            return;
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::R)) {
            commands.push(Command::Refresh);
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::N)) {
            commands.push(Command::OpenCreate);
        }
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)) {
            app.focus_filter = true;
        }
        if !typing && input.consume_key(Modifiers::NONE, Key::Delete) {
            commands.push(Command::AskRevokeSelected);
        }
    });
    commands
}
