//! Where the built-in Sandbox profile keeps its state, shared by the desktop app and the command
//! line so that a key created in one shows up in the other.

use std::path::PathBuf;

/// `<platform data dir>/netlicensing-keys/sandbox.json`, its directory created; env
/// `NETLICENSING_KEYS_SANDBOX_DATA` overrides it (tests, or a throw-away sandbox), and an empty
/// value keeps the sandbox in memory. `None` also when there is no data directory to be had.
pub fn sandbox_data_file() -> Option<PathBuf> {
    let path = match std::env::var_os("NETLICENSING_KEYS_SANDBOX_DATA") {
        Some(path) if path.is_empty() => return None,
        Some(path) => PathBuf::from(path),
        None => directories::ProjectDirs::from("", "", "netlicensing-keys")?
            .data_dir()
            .join("sandbox.json"),
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(error) = std::fs::create_dir_all(parent)
    {
        // The sandbox still works, in memory; its start-up says why nothing is kept.
        tracing::warn!(
            "cannot create {}: {}; the sandbox keeps its keys in memory",
            parent.display(),
            crate::io_reason::io_reason(&error)
        );
        return None;
    }
    Some(path)
}
