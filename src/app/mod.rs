//! The desktop app (egui/eframe): auth settings and the API key table.
//!
//! UI code (`ui/`) draws state and returns [`Command`]s; `apply.rs` is the one place that applies
//! them and starts background calls; `results.rs` is the one place where finished calls change
//! the state. Network calls never run on the UI thread.

mod apply;
mod auth_form;
pub mod clipboard;
mod command;
mod dialogs;
pub mod environment;
mod key_list;
mod keys_app;
mod profiles;
mod results;
pub mod screenshot;
pub mod service;
pub mod startup_report;
mod status;
mod task;
mod ui;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use command::Command;
pub use environment::{Environment, SandboxSource};
pub use key_list::{KeyList, REVEAL_FOR};
pub use keys_app::{Connection, KeysApp};
pub use screenshot::ScreenshotTarget;
pub use status::StatusKind;

use crate::credentials::SettingsFile;

/// The app's screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// First run: connect, or try the sandbox.
    Welcome,
    Keys,
    Settings,
}

/// How the app was started.
#[derive(Clone, Debug, Default)]
pub struct LaunchOptions {
    /// Open on the built-in sandbox.
    pub sandbox: bool,
    /// Open on this profile instead of the default one.
    pub profile: Option<String>,
    /// Settings file instead of the platform's.
    pub config: Option<PathBuf>,
    /// Save a PNG of the window once the first list has loaded, then exit.
    pub screenshot: Option<PathBuf>,
}

/// Opens the window and runs until it is closed.
pub fn run(options: &LaunchOptions) -> Result<(), String> {
    let startup_report = startup_report::StartupReport::from_env(std::time::Instant::now());
    let settings_file =
        SettingsFile::locate(options.config.as_deref()).map_err(|e| e.to_string())?;
    let loaded = settings_file.load().map_err(|e| e.to_string())?;
    let mut env = Environment::product(settings_file, crate::sandbox_data::sandbox_data_file());
    let outcome = Arc::new(Mutex::new(None));
    env.screenshot = options.screenshot.clone().map(|path| ScreenshotTarget {
        path,
        outcome: outcome.clone(),
    });
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("NetLicensing API Keys")
        .with_app_id("netlicensing-keys")
        .with_inner_size([1180.0, 720.0])
        .with_min_inner_size([760.0, 420.0]);
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let native = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    let settings = loaded.settings;
    let warning = loaded.warning;
    let open = options.clone();
    eframe::run_native(
        "netlicensing-keys",
        native,
        Box::new(move |cc| {
            let mut app = KeysApp::new(env, settings, warning, &open);
            app.startup_report = startup_report;
            app.attach(&cc.egui_ctx);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| window_failure(has_display(), &e.to_string()))?;
    if options.screenshot.is_some() {
        let result = outcome
            .lock()
            .ok()
            .and_then(|mut slot| slot.take())
            .unwrap_or_else(|| Err("the window closed before the screenshot was taken".to_owned()));
        return result;
    }
    Ok(())
}

/// Whether a graphical display is named in the environment (X11 or Wayland). Only Linux and
/// the BSDs need one named; elsewhere the desktop is always there.
fn has_display() -> bool {
    !cfg!(all(unix, not(target_os = "macos")))
        || ["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// The sentence for a window that did not open: on a machine without a display (a server, an
/// SSH session) that is the usual reason, and winit's own text names source files; either way
/// the command line does the same work without a window.
fn window_failure(has_display: bool, detail: &str) -> String {
    let instead = "The command line works without a window: `netlicensing-keys list`, `create`, \
                   `revoke`, `rotate` and `auth` (see `netlicensing-keys --help`).";
    if has_display {
        // winit says "os error at /path/to/source.rs:788: Failed to open …": keep the message.
        let message = detail
            .split_once(".rs:")
            .and_then(|(_, rest)| rest.split_once(": "))
            .map_or(detail, |(_, message)| message);
        format!("The window could not be opened ({message}). {instead}")
    } else {
        format!(
            "There is no graphical display here (neither DISPLAY nor WAYLAND_DISPLAY is set), \
             so the window cannot open. {instead}"
        )
    }
}

/// The app's own window icon, 64 pixels square. Without it eframe shows egui's, which is
/// 512 pixels: a megabyte once decoded, and kept for the whole run.
fn window_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_decodes_and_is_small() {
        let icon = super::window_icon().unwrap_or_else(|| panic!("assets/icon.png must decode"));
        assert_eq!((icon.width, icon.height), (64, 64));
    }

    #[test]
    fn a_missing_display_is_said_plainly_and_points_to_the_command_line() {
        let text = super::window_failure(false, "winit EventLoopError: os error at /src/x.rs:765");
        assert!(
            text.starts_with("There is no graphical display here"),
            "{text}"
        );
        assert!(!text.contains(".rs"), "{text}");
        assert!(text.contains("netlicensing-keys list"), "{text}");
        let text = super::window_failure(true, "no OpenGL");
        assert!(
            text.starts_with("The window could not be opened (no OpenGL)."),
            "{text}"
        );
        let text = super::window_failure(
            true,
            "winit EventLoopError: os error at /r/winit/src/linux/mod.rs:788: Failed to open connection to X server",
        );
        assert!(
            text.starts_with(
                "The window could not be opened (Failed to open connection to X server)."
            ),
            "{text}"
        );
    }
}
