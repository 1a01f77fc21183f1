//! The status line: the last thing that happened, in words.

use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

#[derive(Default)]
pub struct Status {
    message: Option<(StatusKind, String, Instant)>,
}

impl Status {
    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some((StatusKind::Info, text.into(), Instant::now()));
    }

    /// Errors are logged once, here, and shown; they never contain a secret (the API client's
    /// sentences are built without them).
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        tracing::warn!("{text}");
        self.message = Some((StatusKind::Error, text, Instant::now()));
    }

    pub fn message(&self) -> Option<(StatusKind, &str)> {
        self.message
            .as_ref()
            .map(|(kind, text, _)| (*kind, text.as_str()))
    }
}
