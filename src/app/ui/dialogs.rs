//! The modal dialogs: create, created, revoke, rotate. Escape or a click outside closes them.

use egui::{Id, RichText, Ui};

use crate::api::{ApiKey, Credentials, Role};

use super::super::command::Command;
use super::super::dialogs::{CreateForm, Dialog, RevokeForm, RotateFlow};
use super::super::keys_app::{KeysApp, Tasks};
use super::widgets;

pub fn show(ctx: &egui::Context, app: &mut KeysApp, commands: &mut Vec<Command>) {
    let tasks = &app.tasks;
    // The key this app signs in with, if it signs in with one: revoking it locks the app out.
    let signed_in_with = app.connection.as_ref().and_then(|c| match &c.credentials {
        Credentials::ApiKey(key) => Some(SignedInKey {
            number: key.expose(),
            profile: &c.profile_name,
        }),
        Credentials::VendorLogin { .. } => None,
    });
    let Some(dialog) = &mut app.dialog else {
        return;
    };
    let (id, title) = match dialog {
        Dialog::Create(_) => ("create_dialog", "Add API Key"),
        Dialog::Created(_) => ("created_dialog", "API key created"),
        Dialog::Revoke(form) if form.keys.len() == 1 => ("revoke_dialog", "Revoke API key"),
        Dialog::Revoke(_) => ("revoke_dialog", "Revoke API keys"),
        Dialog::Rotate(_) => ("rotate_dialog", "Rotate API key"),
    };
    // Anchored by the top, not centred: an error or a warning that appears grows the dialog
    // downwards, and its title and fields (and the button just clicked) stay where they were.
    let top = (ctx.content_rect().height() * 0.12).max(24.0);
    let area =
        egui::Modal::default_area(Id::unique(id)).anchor(egui::Align2::CENTER_TOP, [0.0, top]);
    let response = egui::Modal::new(Id::unique(id)).area(area).show(ctx, |ui| {
        ui.set_width(540.0);
        ui.heading(title);
        ui.add_space(6.0);
        match dialog {
            Dialog::Create(form) => create(ui, form, tasks, commands),
            Dialog::Created(key) => created(ui, key, commands),
            Dialog::Revoke(form) => revoke(ui, form, signed_in_with, tasks, commands),
            Dialog::Rotate(flow) => rotate(ui, flow, signed_in_with, tasks, commands),
        }
    });
    // A click beside a form with something typed in it is a slip, not a wish to lose the typing
    // (Escape and Cancel still close it).
    let typed = matches!(&app.dialog, Some(Dialog::Create(form)) if !form.is_blank());
    let stray_click = typed && response.backdrop_response.clicked();
    if !stray_click && response.should_close() {
        commands.push(Command::CloseDialog);
    }
}

fn create(ui: &mut Ui, form: &mut CreateForm, tasks: &Tasks, commands: &mut Vec<Command>) {
    widgets::form(ui, "create_fields", |ui| {
        let name = widgets::text_field(ui, "Name (optional)", &mut form.name, "e.g. CRM export");
        // Ctrl+N, then type: the name is the first thing to fill in.
        if std::mem::take(&mut form.focus_name) {
            name.request_focus();
        }
        widgets::form_row(ui, "API Key Role", |ui, label| {
            egui::ComboBox::from_id_salt("create_role")
                .selected_text(form.role.label())
                .show_ui(ui, |ui| {
                    for role in Role::ALL {
                        ui.selectable_value(&mut form.role, role, role.label())
                            .on_hover_text(role.description());
                    }
                })
                .response
                .labelled_by(label);
        });
        widgets::form_note(ui, |ui| {
            ui.set_max_width(widgets::FIELD_WIDTH);
            // The description and the warning take the room of the longest pair, so that choosing
            // another role moves neither the fields below nor the Create button.
            let room = Role::ALL
                .into_iter()
                .map(|role| role_notes_height(ui, role))
                .fold(0.0, f32::max)
                // Laid-out labels land on whole pixels: a little slack keeps every role padded.
                + 4.0;
            with_min_height(ui, room, |ui| {
                ui.label(RichText::new(form.role.description()).weak());
                if let Some(warning) = powerful_warning(form.role) {
                    widgets::warning_text(ui, &warning);
                }
            });
        });
        let customer = widgets::text_field(
            ui,
            "Customer (optional)",
            &mut form.customer,
            "licensee number, e.g. I042-ACME",
        );
        // Enter in a one-line field creates the key, as in other dialogs.
        if widgets::entered(&name) || widgets::entered(&customer) {
            commands.push(Command::SubmitCreate);
        }
        widgets::form_note(ui, |ui| {
            ui.set_max_width(widgets::FIELD_WIDTH);
            ui.label(
                RichText::new("A customer restricts the key to validating that one licensee.")
                    .weak(),
            );
        });
        widgets::form_row(ui, "Private key (optional)", |ui, label| {
            // A pasted PEM key is some 30 lines: scroll it, or the dialog grows past the window
            // and its buttons cannot be reached.
            egui::ScrollArea::vertical()
                .id_salt("private_key_scroll")
                .max_height(96.0)
                .show(ui, |ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut *form.private_key)
                            .hint_text("PKCS#8 PEM, -----BEGIN PRIVATE KEY-----")
                            .desired_rows(2)
                            .desired_width(widgets::FIELD_WIDTH),
                    )
                    .labelled_by(label);
                });
        });
    });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        if widgets::busy_button(ui, "Create", tasks.create.is_some(), true) {
            commands.push(Command::SubmitCreate);
        }
        if ui.button("Cancel").clicked() {
            commands.push(Command::CloseDialog);
        }
    });
    // Under the buttons, so that a second click on Create still meets it.
    if let Some(error) = &form.error {
        widgets::error_text(ui, error);
    }
}

fn created(ui: &mut Ui, key: &ApiKey, commands: &mut Vec<Command>) {
    ui.label(format!(
        "The new {} key{} is ready. Copy it now and store it where your software reads it.",
        key.role_label(),
        key.name().map(|n| format!(" “{n}”")).unwrap_or_default()
    ));
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.add(
            egui::Label::new(RichText::new(key.number.expose()).monospace().strong())
                .selectable(true),
        );
        if ui
            .button("📋 Copy")
            .accessible_name("Copy the new key")
            .clicked()
        {
            commands.push(Command::Copy(key.clone()));
        }
    });
    ui.add_space(6.0);
    if ui.button("Done").clicked() {
        commands.push(Command::CloseDialog);
    }
}

/// The API key the app is signed in with, and the profile that holds it.
#[derive(Clone, Copy)]
struct SignedInKey<'a> {
    number: &'a str,
    profile: &'a str,
}

impl SignedInKey<'_> {
    fn is(self, key: &ApiKey) -> bool {
        key.number.expose() == self.number
    }
}

fn revoke(
    ui: &mut Ui,
    form: &mut RevokeForm,
    signed_in_with: Option<SignedInKey<'_>>,
    tasks: &Tasks,
    commands: &mut Vec<Command>,
) {
    let count = form.keys.len();
    ui.label(if count == 1 {
        "Revoke this API key? Software that uses it stops working at once. This cannot be undone.".to_owned()
    } else {
        format!("Revoke these {count} API keys? Software that uses them stops working at once. This cannot be undone.")
    });
    egui::ScrollArea::vertical()
        .max_height(180.0)
        .show(ui, |ui| {
            for key in &form.keys {
                ui.horizontal(|ui| {
                    ui.label(key.name().unwrap_or("(no name)"));
                    widgets::role_badge(ui, key.role, key.role_label());
                    ui.monospace(key.masked());
                });
            }
        });
    if let Some(own) = signed_in_with.filter(|own| form.keys.iter().any(|k| own.is(k))) {
        widgets::warning_text(
            ui,
            &format!(
                "This app signs in with {} (profile {}). Once it is revoked, the app cannot reach NetLicensing until you sign in with another API key or the vendor login.",
                if count == 1 {
                    "this key"
                } else {
                    "one of these keys"
                },
                own.profile
            ),
        );
    }
    let mut enter_pressed = false;
    if form.needs_typed_count() {
        ui.horizontal(|ui| {
            let label = ui.label(format!("Type {count} to confirm"));
            let field = ui
                .add(egui::TextEdit::singleline(&mut form.typed).desired_width(60.0))
                .labelled_by(label.id);
            // The only thing to do in this dialog is to type: the field has the focus at once.
            if std::mem::take(&mut form.focus_typed) {
                field.request_focus();
            }
            enter_pressed = widgets::entered(&field);
        });
    }
    if let Some(error) = &form.error {
        widgets::error_text(ui, error);
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let label = if count == 1 {
            "Revoke".to_owned()
        } else {
            format!("Revoke {count} keys")
        };
        let can_confirm = form.is_confirmed() && count > 0;
        let clicked = widgets::busy_button(ui, &label, tasks.revoke.is_some(), can_confirm);
        // Enter in the count field confirms, as the typed count says the user means it.
        if clicked || (enter_pressed && can_confirm && tasks.revoke.is_none()) {
            commands.push(Command::ConfirmRevoke);
        }
        if ui.button("Cancel").clicked() {
            commands.push(Command::CloseDialog);
        }
    });
}

fn rotate(
    ui: &mut Ui,
    flow: &mut RotateFlow,
    signed_in_with: Option<SignedInKey<'_>>,
    tasks: &Tasks,
    commands: &mut Vec<Command>,
) {
    let old = &flow.old;
    ui.horizontal(|ui| {
        ui.label("Replacing");
        ui.label(RichText::new(old.name().unwrap_or("(no name)")).strong());
        widgets::role_badge(ui, old.role, old.role_label());
        ui.monospace(old.masked());
    });
    match &flow.new {
        None => {
            ui.label(format!(
                "Step 1 of 2: create a new key with {}. The old key keeps working until step 2.",
                what_a_twin_keeps(old.name().is_some(), old.customer())
            ));
            if let Some(error) = &flow.error {
                widgets::error_text(ui, error);
            }
            ui.horizontal(|ui| {
                if widgets::busy_button(
                    ui,
                    "Create the new key",
                    tasks.rotate_create.is_some(),
                    true,
                ) {
                    commands.push(Command::RotateCreate);
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CloseDialog);
                }
            });
        }
        Some(new) => {
            ui.label("Step 2 of 2: the new key is ready. Move your clients to it, then revoke the old key.");
            ui.horizontal(|ui| {
                ui.add(
                    egui::Label::new(RichText::new(new.number.expose()).monospace().strong())
                        .selectable(true),
                );
                if ui
                    .button("📋 Copy")
                    .accessible_name("Copy the new key")
                    .clicked()
                {
                    commands.push(Command::Copy(new.clone()));
                }
            });
            if let Some(own) = signed_in_with.filter(|own| own.is(&flow.old)) {
                widgets::warning_text(
                    ui,
                    &format!(
                        "This app signs in with the old key (profile {}): enter the new key in Settings before you revoke the old one, or the app is locked out.",
                        own.profile
                    ),
                );
            }
            ui.checkbox(&mut flow.clients_moved, "My clients use the new key now");
            if let Some(error) = &flow.error {
                widgets::error_text(ui, error);
            }
            ui.horizontal(|ui| {
                if widgets::busy_button(
                    ui,
                    "Revoke the old key",
                    tasks.rotate_revoke.is_some(),
                    flow.clients_moved,
                ) {
                    commands.push(Command::RotateRevokeOld);
                }
                if ui
                    .button("Later")
                    .on_hover_text("Keep both keys for now")
                    .clicked()
                {
                    commands.push(Command::CloseDialog);
                }
            });
        }
    }
}

/// The warning for roles that can change much of the account.
fn powerful_warning(role: Role) -> Option<String> {
    role.is_powerful().then(|| {
        format!(
            "{} keys can change or delete much of your account. Give them only to systems you fully trust.",
            role.label()
        )
    })
}

/// How tall a role's description and warning are, laid out as [`create`] draws them.
fn role_notes_height(ui: &Ui, role: Role) -> f32 {
    let width = ui.available_width();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let height = |text: String| {
        ui.painter()
            .layout(text, font.clone(), egui::Color32::WHITE, width)
            .size()
            .y
    };
    let description = height(role.description().to_owned());
    powerful_warning(role).map_or(description, |warning| {
        description + ui.spacing().item_spacing.y + height(format!("⚠ {warning}"))
    })
}

/// Draws `add` and then leaves room so that it takes at least `height` points.
fn with_min_height(ui: &mut Ui, height: f32, add: impl FnOnce(&mut Ui)) {
    let top = ui.cursor().top();
    add(ui);
    let used = ui.cursor().top() - top - ui.spacing().item_spacing.y;
    if used < height {
        ui.add_space(height - used);
    }
}

/// "the same role", "the same role and name", "the same role, name and customer C".
fn what_a_twin_keeps(named: bool, customer: Option<&str>) -> String {
    let mut kept = vec!["role".to_owned()];
    if named {
        kept.push("name".to_owned());
    }
    if let Some(customer) = customer {
        kept.push(format!("customer {customer}"));
    }
    let last = kept.pop().unwrap_or_default();
    if kept.is_empty() {
        format!("the same {last}")
    } else {
        format!("the same {} and {last}", kept.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::what_a_twin_keeps;

    #[test]
    fn the_rotate_dialog_names_what_the_new_key_keeps() {
        assert_eq!(what_a_twin_keeps(false, None), "the same role");
        assert_eq!(what_a_twin_keeps(true, None), "the same role and name");
        assert_eq!(
            what_a_twin_keeps(false, Some("C-1")),
            "the same role and customer C-1"
        );
        assert_eq!(
            what_a_twin_keeps(true, Some("C-1")),
            "the same role, name and customer C-1"
        );
    }
}
