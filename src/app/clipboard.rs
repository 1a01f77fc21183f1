//! Copied keys do not stay on the clipboard: after a short delay the clipboard is cleared, but
//! only if it still holds the key (the user may have copied something else since).

use std::time::{Duration, Instant};

use crate::api::Secret;

/// Reads and clears the system clipboard. Behind a trait so tests can play the clipboard.
pub trait ClipboardProbe: Send + Sync {
    /// Clears the clipboard if it holds exactly `text`. Returns whether it did.
    fn clear_if_holds(&self, text: &str) -> Result<bool, String>;
}

/// The system clipboard through `arboard`.
pub struct SystemClipboard;

impl ClipboardProbe for SystemClipboard {
    fn clear_if_holds(&self, text: &str) -> Result<bool, String> {
        let mut clipboard = arboard::Clipboard::new().map_err(|e| e.to_string())?;
        match clipboard.get_text() {
            Ok(current) if current == text => {
                clipboard.clear().map_err(|e| e.to_string())?;
                Ok(true)
            }
            Ok(_) | Err(arboard::Error::ContentNotAvailable) => Ok(false),
            Err(error) => Err(error.to_string()),
        }
    }
}

/// Remembers the key that was copied last and when.
#[derive(Default)]
pub struct CopiedKey {
    pending: Option<(Secret, Instant)>,
}

impl CopiedKey {
    pub fn copied(&mut self, key: Secret, now: Instant) {
        self.pending = Some((key, now));
    }

    /// The key to clear now, if its time has come.
    pub fn due(&mut self, now: Instant, after: Duration) -> Option<Secret> {
        match &self.pending {
            Some((_, at)) if now.duration_since(*at) >= after => {
                self.pending.take().map(|(key, _)| key)
            }
            _ => None,
        }
    }

    /// How long until the next clearing, for scheduling one repaint.
    pub fn next_in(&self, now: Instant, after: Duration) -> Option<Duration> {
        self.pending
            .as_ref()
            .map(|(_, at)| after.saturating_sub(now.duration_since(*at)))
    }
}
