//! The status line: the last message, how fresh the list is, and loading progress.

use std::time::{Duration, Instant};

use egui::text::LayoutJob;
use egui::{Label, RichText, Ui};

use super::super::keys_app::KeysApp;
use super::super::status::StatusKind;

pub fn show(ui: &mut Ui, app: &KeysApp) {
    // Right to left: the short "refreshed …" first, so that a long message is the one that
    // wraps, never the freshness.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if let Some(at) = app.keys.loaded_at() {
            ui.label(RichText::new(refreshed_ago(Instant::now().duration_since(at))).weak());
        }
        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
            let (text, color) = match app.status.message() {
                Some((StatusKind::Error, text)) => {
                    (format!("⚠ {text}"), ui.visuals().error_fg_color)
                }
                Some((StatusKind::Info, text)) => (text.to_owned(), ui.visuals().text_color()),
                None => ("Ready.".to_owned(), ui.visuals().text_color()),
            };
            let font = egui::TextStyle::Body.resolve(ui.style());
            let mut job = LayoutJob::simple(text, font, color, ui.available_width());
            // Errors are whole sentences, often two: up to three lines of them are read in
            // place, and only a longer text is cut (and shown whole on hover).
            job.wrap.max_rows = MAX_ROWS;
            job.wrap.overflow_character = Some('…');
            let galley = ui.painter().layout_job(job);
            ui.add(Label::new(galley));
        });
    });
}

/// The status line grows to this many lines for a long message.
const MAX_ROWS: usize = 3;

/// "refreshed just now", "refreshed 40 seconds ago", "refreshed 3 minutes ago".
pub fn refreshed_ago(age: Duration) -> String {
    let seconds = age.as_secs();
    match seconds {
        0..10 => "refreshed just now".to_owned(),
        10..60 => format!("refreshed {} seconds ago", seconds / 10 * 10),
        60..120 => "refreshed 1 minute ago".to_owned(),
        120..3600 => format!("refreshed {} minutes ago", seconds / 60),
        _ => format!("refreshed {} hours ago", seconds / 3600),
    }
}

/// When the text of `refreshed_ago` next changes: the app repaints then, and not before.
pub fn next_age_change(age: Duration) -> Duration {
    let seconds = age.as_secs();
    let step = match seconds {
        0..60 => 10,
        60..3600 => 60,
        _ => 3600,
    };
    Duration::from_secs(step - seconds % step)
        .saturating_sub(Duration::from_nanos(u64::from(age.subsec_nanos())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_coarse_and_the_next_change_is_exact() {
        assert_eq!(refreshed_ago(Duration::from_secs(3)), "refreshed just now");
        assert_eq!(
            refreshed_ago(Duration::from_secs(47)),
            "refreshed 40 seconds ago"
        );
        assert_eq!(
            refreshed_ago(Duration::from_secs(200)),
            "refreshed 3 minutes ago"
        );
        assert_eq!(
            next_age_change(Duration::from_millis(3_500)),
            Duration::from_millis(6_500)
        );
        assert_eq!(
            next_age_change(Duration::from_secs(61)),
            Duration::from_secs(59)
        );
    }
}
