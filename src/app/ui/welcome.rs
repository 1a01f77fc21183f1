//! First run: connect to NetLicensing, or look around in the sandbox.

use egui::{RichText, Ui};

use super::super::command::Command;

pub fn show(ui: &mut Ui, commands: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.2);
        ui.heading("Welcome to NetLicensing API Keys");
        ui.add_space(8.0);
        ui.label("List, create, copy, rotate and revoke the API keys of your NetLicensing account.");
        ui.add_space(16.0);
        if ui
            .button(RichText::new("Connect to NetLicensing").size(16.0))
            .on_hover_text("Enter an API key or your vendor login; secrets go to the OS keychain")
            .clicked()
        {
            commands.push(Command::NewProfile);
        }
        ui.add_space(8.0);
        if ui
            .button(RichText::new("Try the sandbox").size(16.0))
            .on_hover_text("A local stand-in for NetLicensing with the public demo account: nothing touches a real account")
            .clicked()
        {
            commands.push(Command::TrySandbox);
        }
    });
}
