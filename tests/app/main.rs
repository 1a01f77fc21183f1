//! Integration tests of the desktop app: the real app driven headless with `egui_kittest` by
//! accessible labels, and the check of the screenshot `.ci/run` takes of the real window.

mod auth;
mod dialogs;
mod keys;
mod screenshot_check;
mod support;
