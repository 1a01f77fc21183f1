//! The key table. Only the rows in view are laid out (`TableBody::rows`), and the row order
//! comes from `KeyList::visible`, which is computed once per change, so 100,000 keys cost about
//! what 100 do.

use std::time::Instant;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::api::ApiKey;
use crate::key_query::SortColumn;

use super::super::command::Command;
use super::super::key_list::KeyList;
use super::widgets;

const HEADERS: [(&str, Option<SortColumn>); 7] = [
    ("", None),
    ("API Key", Some(SortColumn::Key)),
    ("Name", Some(SortColumn::Name)),
    ("Role", Some(SortColumn::Role)),
    ("Customer", Some(SortColumn::Customer)),
    ("Date Created", Some(SortColumn::Created)),
    ("Actions", None),
];

pub fn show(ui: &mut Ui, keys: &mut KeyList, busy_revoking: bool, commands: &mut Vec<Command>) {
    let all_selected = keys.all_visible_selected();
    let keys: &KeyList = keys;
    let visible = keys.visible_computed();
    // Scrolls sideways when the window is narrower than the columns, so that no column is ever
    // out of reach.
    egui::ScrollArea::horizontal()
        .id_salt("api_keys_sideways")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            table(ui, keys, visible, all_selected, busy_revoking, commands);
        });
}

/// Room for the three buttons of a row, so that they are never cut.
const ACTIONS_WIDTH: f32 = 235.0;

fn table(
    ui: &mut Ui,
    keys: &KeyList,
    visible: &[usize],
    all_selected: bool,
    busy_revoking: bool,
    commands: &mut Vec<Command>,
) {
    let now = Instant::now();
    let order = keys.order();
    let row_height = ui.spacing().interact_size.y + 6.0;
    TableBuilder::new(ui)
        .id_salt("api_keys")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(28.0))
        .column(Column::initial(170.0).at_least(120.0))
        .column(Column::initial(200.0).at_least(80.0).clip(true))
        .column(Column::initial(110.0).at_least(90.0))
        .column(Column::initial(130.0).at_least(70.0).clip(true))
        .column(Column::initial(150.0).at_least(90.0))
        .column(Column::remainder().at_least(ACTIONS_WIDTH))
        .header(row_height, |mut header| {
            for (title, column) in HEADERS {
                header.col(|ui| match column {
                    None if title.is_empty() => {
                        let mut checked = all_selected;
                        if ui
                            .checkbox(&mut checked, "")
                            .on_hover_text("Select all shown keys")
                            .clicked()
                        {
                            commands.push(Command::ToggleSelectAll);
                        }
                    }
                    None => {
                        ui.strong(title);
                    }
                    Some(column) => {
                        let arrow = match (order.column == column, order.ascending) {
                            (true, true) => " ⏶",
                            (true, false) => " ⏷",
                            (false, _) => "",
                        };
                        if ui
                            .add(
                                egui::Button::new(
                                    RichText::new(format!("{title}{arrow}")).strong(),
                                )
                                .frame(false),
                            )
                            .on_hover_text(format!("Sort by {title}"))
                            .clicked()
                        {
                            commands.push(Command::SortBy(column));
                        }
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, visible.len(), |row| {
                let key = &keys.keys()[visible[row.index()]];
                key_row(row, keys, key, now, busy_revoking, commands);
            });
        });
}

fn key_row(
    mut row: egui_extras::TableRow<'_, '_>,
    keys: &KeyList,
    key: &ApiKey,
    now: Instant,
    busy_revoking: bool,
    commands: &mut Vec<Command>,
) {
    let masked = key.masked();
    row.set_selected(keys.is_highlighted(key));
    row.col(|ui| {
        let mut selected = keys.is_selected(key);
        if ui
            .checkbox(&mut selected, "")
            .on_hover_text(format!("Select key {masked}"))
            .changed()
        {
            commands.push(Command::Select(key.clone(), selected));
        }
    });
    row.col(|ui| {
        let revealed = keys.is_revealed(key, now);
        let cell = ui.monospace(&masked);
        if revealed {
            full_key_popup(ui, &cell, key);
        }
        let (icon, verb) = if revealed {
            ("🙈", "Hide")
        } else {
            ("👁", "Show")
        };
        if ui
            .small_button(icon)
            .accessible_name(format!("{verb} key {masked}"))
            .on_hover_text(format!("{verb} the full key (it hides again by itself)"))
            .clicked()
        {
            commands.push(if revealed {
                Command::Hide(key.clone())
            } else {
                Command::Reveal(key.clone())
            });
        }
    });
    row.col(|ui| {
        ui.label(key.name().unwrap_or("—"));
    });
    row.col(|ui| {
        widgets::role_badge(ui, key.role, key.role_label());
    });
    row.col(|ui| {
        ui.label(key.customer().unwrap_or("—"));
    });
    row.col(|ui| {
        ui.label(widgets::created_text(key.created()));
    });
    row.col(|ui| {
        if ui
            .small_button("📋 Copy")
            .accessible_name(format!("Copy key {masked}"))
            .on_hover_text("Copy the full key; the clipboard is cleared again shortly")
            .clicked()
        {
            commands.push(Command::Copy(key.clone()));
        }
        if ui
            .small_button("⟲ Rotate")
            .accessible_name(format!("Rotate key {masked}"))
            .on_hover_text(
                "Create a replacement with the same role, name and customer, then revoke this key",
            )
            .clicked()
        {
            commands.push(Command::AskRotate(key.clone()));
        }
        if ui
            .add_enabled(!busy_revoking, egui::Button::new("🗑 Revoke").small())
            .accessible_name(format!("Revoke key {masked}"))
            .on_hover_text("Revoke (delete) this key")
            .clicked()
        {
            commands.push(Command::AskRevoke(vec![key.clone()]));
        }
    });
}

/// The revealed key, just below its masked form, over the rows beneath. In the cell itself it
/// would widen the column and push the others aside, and back again when it hides.
fn full_key_popup(ui: &Ui, cell: &egui::Response, key: &ApiKey) {
    egui::Area::new(ui.scope_id().with("revealed_key"))
        .order(egui::Order::Foreground)
        .fixed_pos(cell.rect.left_bottom() + egui::vec2(-6.0, 2.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(key.number.expose()).monospace())
                        .selectable(true)
                        .wrap_mode(egui::TextWrapMode::Extend),
                );
            });
        });
}
