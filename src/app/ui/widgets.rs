//! Small widgets over narrow data.

use egui::{Color32, RichText, Ui};

use crate::api::Role;

/// Form rows with their labels in one column and their fields aligned in the next. Fill it
/// with [`text_field`], [`secret_field`] and [`form_row`].
pub fn form<R>(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    // A fixed least width for the labels: switching the sign-in method swaps "Username" and
    // "Password" for "API key", and the fields must not move sideways.
    egui::Grid::new(id)
        .num_columns(2)
        .min_col_width(100.0)
        .spacing([8.0, 6.0])
        .show(ui, add)
        .inner
}

/// One row of a [`form`]: the label, then what `add` draws (labelled by it).
pub fn form_row<R>(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui, egui::Id) -> R) -> R {
    let label = ui.label(label);
    let inner = add(ui, label.id);
    ui.end_row();
    inner
}

/// A row of a [`form`] with no label: notes under the field above.
pub fn form_note(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    ui.label("");
    ui.vertical(add);
    ui.end_row();
}

/// A [`form`] row for a secret, masked unless `show` is on. Returns the field's response.
pub fn secret_field(ui: &mut Ui, label: &str, value: &mut String, show: bool) -> egui::Response {
    form_row(ui, label, |ui, label| {
        ui.add(
            egui::TextEdit::singleline(value)
                .password(!show)
                .desired_width(FIELD_WIDTH),
        )
        .labelled_by(label)
    })
}

/// A [`form`] row with a single-line text field.
pub fn text_field(ui: &mut Ui, label: &str, value: &mut String, hint: &str) -> egui::Response {
    form_row(ui, label, |ui, label| {
        ui.add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(FIELD_WIDTH),
        )
        .labelled_by(label)
    })
}

/// Whether Enter was pressed in this one-line field (it gives up the focus then): the way to
/// confirm a dialog from the keyboard.
pub fn entered(field: &egui::Response) -> bool {
    field.lost_focus() && field.ctx.input(|i| i.key_pressed(egui::Key::Enter))
}

/// Wide enough for a base URL with a port, narrow enough for the 540-point dialogs.
pub const FIELD_WIDTH: f32 = 360.0;

/// A role as a small coloured badge; hovering it explains the role.
pub fn role_badge(ui: &mut Ui, role: Option<Role>, label: &str) -> egui::Response {
    let color = match role {
        Some(Role::Licensee) => Color32::from_rgb(0x3b, 0x82, 0xf6),
        Some(Role::Analytics) => Color32::from_rgb(0x0e, 0xa5, 0xa4),
        Some(Role::Operation) => Color32::from_rgb(0x22, 0x9e, 0x4a),
        Some(Role::Maintenance) => Color32::from_rgb(0xd9, 0x77, 0x06),
        Some(Role::Admin) => Color32::from_rgb(0xdc, 0x26, 0x26),
        None => Color32::GRAY,
    };
    let description = role.map_or("A role this app does not know.", Role::description);
    egui::Frame::new()
        .fill(color.gamma_multiply(0.18))
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(6.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(label).color(color).strong())
        })
        .response
        .on_hover_text(description)
}

/// A line of text in the error colour.
pub fn error_text(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
}

/// A line of text in the warning colour.
pub fn warning_text(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().warn_fg_color));
}

/// A highlighted box around content, for banners.
pub fn banner(ui: &mut Ui, color: Color32, add: impl FnOnce(&mut Ui)) {
    egui::Frame::new()
        .fill(color.gamma_multiply(0.12))
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(6.0)
        .inner_margin(8)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

/// A button that shows a spinner and cannot be clicked while its call runs. The spinner is
/// drawn inside the button, over its text, so that nothing beside it moves when a call starts.
pub fn busy_button(ui: &mut Ui, text: &str, busy: bool, enabled: bool) -> bool {
    let response = ui.add_enabled(enabled && !busy, egui::Button::new(text));
    if busy {
        let rect = response.rect;
        let look = ui.visuals().widgets.inactive;
        ui.painter()
            .rect_filled(rect.shrink(1.0), look.corner_radius, look.weak_bg_fill);
        let size = rect.height() * 0.8;
        let spinner = egui::Rect::from_center_size(rect.center(), egui::vec2(size, size));
        egui::Spinner::new().paint_at(ui, spinner);
        // For assistive technology (and the tests) the spinner is a progress indicator.
        ui.interact(spinner, response.id.with("busy"), egui::Sense::hover())
            .widget_info(|| egui::WidgetInfo::new(egui::Role::ProgressIndicator));
    }
    response.clicked()
}

/// A creation date for people: `2026-01-02 14:05 UTC`, or the server's text as it came.
pub fn created_text(created: Option<&str>) -> String {
    let Some(created) = created.map(str::trim).filter(|c| !c.is_empty()) else {
        return "—".to_owned();
    };
    let parsed =
        time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339);
    match parsed {
        Ok(date) => {
            let date = date.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                date.year(),
                u8::from(date.month()),
                date.day(),
                date.hour(),
                date.minute()
            )
        }
        Err(_) => created.to_owned(),
    }
}

/// A small filled badge, such as "Sandbox".
pub fn banner_badge(ui: &mut Ui, text: &str, color: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(color)
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(text).color(Color32::WHITE).strong())
        })
        .response
}

/// `text` cut to `most` characters with "…" at the end, for names shown where room is short.
pub fn shortened(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(most.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(shortened("Work", 24), "Work");
        assert_eq!(shortened("Production-EU-west", 8), "Product…");
        assert_eq!(shortened("Ünïcode名前です", 5), "Ünïc…");
    }

    #[test]
    fn dates_are_shown_in_utc_or_as_they_came() {
        assert_eq!(
            created_text(Some("2026-01-02T14:05:09+02:00")),
            "2026-01-02 12:05 UTC"
        );
        assert_eq!(created_text(Some("yesterday")), "yesterday");
        assert_eq!(created_text(None), "—");
        assert_eq!(created_text(Some(" ")), "—");
    }
}
