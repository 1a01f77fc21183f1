//! Opt-in timing lines for the performance benchmark (`benches/performance`).
//!
//! With `NETLICENSING_KEYS_REPORT_STARTUP=1` the app prints two lines to stderr, once each:
//! when its first frame was laid out, and when the first key list arrived, both counted from
//! the start of [`super::run`]. The benchmark times the same events from outside the process
//! too, and waits for the second line before it measures idle CPU and memory.

use std::time::Instant;

/// The variable that turns the report on (value `1`).
pub const REPORT_STARTUP_VAR: &str = "NETLICENSING_KEYS_REPORT_STARTUP";

pub struct StartupReport {
    started: Instant,
    first_frame_reported: bool,
}

impl StartupReport {
    /// A report counted from `started`, when the variable asks for one.
    pub fn from_env(started: Instant) -> Option<Self> {
        let wanted = std::env::var(REPORT_STARTUP_VAR).is_ok_and(|value| value.trim() == "1");
        wanted.then_some(StartupReport {
            started,
            first_frame_reported: false,
        })
    }

    /// Called after every frame with the number of keys once a list is loaded. Returns
    /// whether the report is complete (then the app drops it).
    pub fn after_frame(&mut self, loaded_keys: Option<usize>) -> bool {
        let millis = self.started.elapsed().as_millis();
        if !self.first_frame_reported {
            self.first_frame_reported = true;
            eprintln!("first frame after {millis} ms");
        }
        match loaded_keys {
            Some(count) => {
                eprintln!("list loaded: {count} keys after {millis} ms");
                true
            }
            None => false,
        }
    }
}
