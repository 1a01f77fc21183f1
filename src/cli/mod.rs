//! The command line. `netlicensing-keys` without a subcommand opens the desktop app.

use std::process::ExitCode;

/// Runs the program with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    println!("netlicensing-keys {}", env!("CARGO_PKG_VERSION"));
    ExitCode::SUCCESS
}
