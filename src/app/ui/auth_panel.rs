//! The auth settings: how to sign in, where the secret is kept, network settings, and the way
//! forward when the credentials cannot manage keys.

use egui::{RichText, Ui};

use crate::api::{AuthMethod, Role};

use super::super::auth_form::AuthForm;
use super::super::command::Command;
use super::super::keys_app::{KeysApp, Tasks};
use super::widgets;

pub fn show(ui: &mut Ui, app: &mut KeysApp, commands: &mut Vec<Command>) {
    let connected_with = app
        .connection
        .as_ref()
        .filter(|c| c.profile_name == app.auth_form.profile_name)
        .map(|c| (c.credentials.method(), c.access, c.is_sandbox));
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.set_max_width(720.0);
        ui.heading("Connection settings");
        if let Some(reason) = &app.connection_error {
            widgets::error_text(ui, reason);
        }
        ui.add_space(6.0);
        let form = &mut app.auth_form;
        profile_section(ui, form, commands);
        ui.add_space(8.0);
        let edited = ui
            .add_enabled_ui(!form.read_only, |ui| {
                let mut edited = method_section(ui, form);
                ui.add_space(8.0);
                edited |= fields_section(ui, form);
                ui.add_space(4.0);
                edited | network_section(ui, form)
            })
            .inner;
        if edited {
            // A test result speaks of the credentials it tested, not of the ones now typed.
            form.test_result = None;
        }
        ui.add_space(8.0);
        actions_section(ui, form, &app.tasks, commands);
        results_section(ui, form);
        if let Some((method, access, false)) = connected_with {
            way_forward_section(ui, form, method, access, &app.tasks, commands);
        }
    });
}

fn profile_section(ui: &mut Ui, form: &mut AuthForm, commands: &mut Vec<Command>) {
    if form.read_only {
        widgets::banner(ui, ui.visuals().warn_fg_color, |ui| {
            ui.label(RichText::new("Built-in sandbox").strong());
            ui.label(
                "A local stand-in for NetLicensing that uses the public demo account (username demo, password demo). \
                 It cannot be changed here and never touches the keychain. To use your own account, add a profile.",
            );
            if ui.button("New profile…").clicked() {
                commands.push(Command::NewProfile);
            }
        });
        return;
    }
    ui.horizontal(|ui| {
        if form.is_new_profile {
            let label = ui.label("Profile name");
            ui.add(egui::TextEdit::singleline(&mut form.profile_name).desired_width(200.0))
                .labelled_by(label.id);
        } else {
            ui.label(format!(
                "Profile: {}",
                widgets::shortened(&form.profile_name, 40)
            ))
            .on_hover_text(&form.profile_name);
            if ui
                .add_enabled(!form.confirm_delete, egui::Button::new("Delete profile"))
                .on_hover_text("Removes this profile and its saved secrets")
                .clicked()
            {
                form.confirm_delete = true;
            }
        }
    });
    if form.confirm_delete {
        // A profile holds an account's secret: one stray click must not remove it.
        widgets::banner(ui, ui.visuals().warn_fg_color, |ui| {
            ui.label(format!(
                "Delete profile {} and its saved secrets from the keychain? This cannot be undone; the keys on NetLicensing stay as they are.",
                form.profile_name
            ));
            ui.horizontal(|ui| {
                if ui.button("Delete this profile").clicked() {
                    commands.push(Command::DeleteProfile);
                }
                if ui.button("Keep it").clicked() {
                    form.confirm_delete = false;
                }
            });
        });
    }
}

/// Returns whether the method changed.
fn method_section(ui: &mut Ui, form: &mut AuthForm) -> bool {
    ui.label(RichText::new("How to sign in").strong());
    let mut changed = ui
        .radio_value(
            &mut form.method,
            AuthMethod::ApiKey,
            "API key (recommended)",
        )
        .changed();
    ui.indent("api_key_help", |ui| {
        ui.label(
            "Access is limited by the key's role, and a key can be revoked at any time if it leaks. \
             Managing API keys needs a key with the Admin role.",
        );
    });
    changed |= ui
        .radio_value(
            &mut form.method,
            AuthMethod::VendorLogin,
            "Vendor login (Basic Auth)",
        )
        .changed();
    ui.indent("vendor_login_help", |ui| {
        ui.label(
            "Your NetLicensing username and password: full access to everything in the account. \
             Keep them safe and never ship them inside your software.",
        );
    });
    changed
}

/// Returns whether a field that decides where and how to connect changed.
fn fields_section(ui: &mut Ui, form: &mut AuthForm) -> bool {
    widgets::form(ui, "connection_fields", |ui| {
        let mut changed = widgets::text_field(
            ui,
            "Base URL",
            &mut form.base_url,
            crate::api::DEFAULT_BASE_URL,
        )
        .changed();
        match form.method {
            AuthMethod::VendorLogin => {
                changed |= widgets::text_field(ui, "Username", &mut form.username, "").changed();
                changed |=
                    widgets::secret_field(ui, "Password", &mut form.password, form.show_secret)
                        .changed();
            }
            AuthMethod::ApiKey => {
                changed |=
                    widgets::secret_field(ui, "API key", &mut form.api_key, form.show_secret)
                        .changed();
            }
        }
        widgets::form_note(ui, |ui| {
            ui.checkbox(&mut form.show_secret, "Show secret");
            if !form.is_new_profile && form.secret().is_empty() && form.stored_in.is_some() {
                ui.label(RichText::new("Leave the secret empty to keep the saved one.").weak());
            }
        });
        changed
    })
}

/// Returns whether a network setting changed.
fn network_section(ui: &mut Ui, form: &mut AuthForm) -> bool {
    egui::CollapsingHeader::new("Network settings")
        .show(ui, |ui| {
            widgets::form(ui, "network_fields", |ui| {
                let mut changed = widgets::form_row(ui, "Connect timeout (seconds)", |ui, label| {
                    ui.add(egui::DragValue::new(&mut form.connect_timeout_secs).range(1..=300))
                        .labelled_by(label)
                        .changed()
                });
                changed |= widgets::form_row(ui, "Request timeout (seconds)", |ui, label| {
                    ui.add(egui::DragValue::new(&mut form.request_timeout_secs).range(1..=3600))
                        .labelled_by(label)
                        .changed()
                });
                changed |= widgets::text_field(
                    ui,
                    "HTTPS proxy",
                    &mut form.https_proxy,
                    "http://proxy.example.com:3128",
                )
                .changed();
                changed |= widgets::text_field(
                    ui,
                    "Extra CA certificate (PEM file)",
                    &mut form.extra_ca_file,
                    "/path/to/corporate-ca.pem",
                )
                .changed();
                widgets::form_note(ui, |ui| {
                    ui.label(
                        RichText::new(
                            "The system's trusted certificates are always used; the extra file is for networks that inspect TLS.",
                        )
                        .weak(),
                    );
                });
                changed
            })
        })
        .body_returned
        .unwrap_or(false)
}

fn actions_section(ui: &mut Ui, form: &AuthForm, tasks: &Tasks, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if widgets::busy_button(ui, "Test connection", tasks.test.is_some(), true) {
            commands.push(Command::TestConnection);
        }
        if form.read_only {
            return;
        }
        if ui.button("Save").on_hover_text("Saves the profile; the secret goes to the OS keychain").clicked() {
            commands.push(Command::SaveCredentials);
        }
        if form.keychain_unavailable
            && ui
                .button("Keep for this session only")
                .on_hover_text("Keeps the secret in memory until the app closes; it is never written to a file")
                .clicked()
        {
            commands.push(Command::KeepForSession);
        }
        if !form.is_new_profile
            && ui
                .button("Forget")
                .on_hover_text("Removes this profile's saved secrets from the keychain")
                .clicked()
        {
            commands.push(Command::Forget);
        }
    });
}

fn results_section(ui: &mut Ui, form: &AuthForm) {
    match &form.test_result {
        Some(Ok(access)) if access.is_enough() => {
            ui.label(
                RichText::new(format!("✔ {}", connected_text(*access)))
                    .color(ui.visuals().widgets.active.fg_stroke.color),
            );
        }
        Some(Ok(access)) => widgets::warning_text(ui, &format!("Connected, but {access}.")),
        Some(Err(reason)) => widgets::error_text(ui, reason),
        None => {}
    }
    match &form.message {
        Some(Ok(text)) => {
            ui.label(format!("✔ {text}"));
        }
        Some(Err(text)) => widgets::error_text(ui, text),
        None => {}
    }
    if let Some(location) = &form.stored_in {
        ui.label(RichText::new(format!("Secret stored in: {location}")).weak());
    }
}

fn way_forward_section(
    ui: &mut Ui,
    form: &mut AuthForm,
    method: AuthMethod,
    access: Option<crate::api::Access>,
    tasks: &Tasks,
    commands: &mut Vec<Command>,
) {
    let refused_key = access.is_some_and(|a| !a.can_manage_keys);
    if method == AuthMethod::ApiKey && !refused_key {
        // An API key that may manage keys needs no way forward (and no line above nothing).
        return;
    }
    ui.add_space(12.0);
    ui.separator();
    match method {
        AuthMethod::VendorLogin => {
            ui.label(RichText::new("Switch to an API key (recommended)").strong());
            ui.label(
                "Creates a new API key with the role you choose and makes this profile use it instead of the vendor login.",
            );
            ui.horizontal(|ui| {
                let label = ui.label("Role of the new key");
                egui::ComboBox::from_id_salt("switch_role")
                    .selected_text(form.switch_role.label())
                    .show_ui(ui, |ui| {
                        for role in Role::ALL {
                            ui.selectable_value(&mut form.switch_role, role, role.label())
                                .on_hover_text(role.description());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if widgets::busy_button(
                    ui,
                    "Create an API key and switch to it",
                    tasks.switch_to_key.is_some(),
                    true,
                ) {
                    commands.push(Command::CreateKeyAndSwitch(form.switch_role));
                }
            });
            if !form.switch_role.can_manage_keys() {
                widgets::warning_text(
                    ui,
                    "Only Admin keys may manage API keys: with this role the app can no longer list or create keys.",
                );
            }
        }
        AuthMethod::ApiKey => {
            widgets::warning_text(
                ui,
                "This API key cannot manage API keys. Choose “Vendor login” above and save, or enter an API key with the Admin role.",
            );
        }
    }
}

/// "Connected. Vendor login: full access." (the status line says it too).
pub fn connected_text(access: crate::api::Access) -> String {
    format!(
        "Connected. {}.",
        crate::words::capitalized(&access.to_string())
    )
}
