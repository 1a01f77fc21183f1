//! Asking "are you sure?" on the terminal, and refusing when there is no one to ask.

use std::io::{BufRead, IsTerminal, Write};

use super::failure::Failure;

/// Asks a yes/no question on the terminal. Without `--yes` and without a terminal on standard
/// input the answer cannot be given, so the command refuses rather than guess.
pub fn confirm(question: &str, assume_yes: bool) -> Result<(), Failure> {
    if assume_yes {
        return Ok(());
    }
    ensure_can_ask()?;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| {
            Failure::Other(format!(
                "Could not read the answer: {}.",
                crate::io_reason::io_reason(&e)
            ))
        })?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::Declined)
    }
}

/// Fails early, before any change, when a confirmation will be needed but cannot be asked.
pub fn ensure_can_ask() -> Result<(), Failure> {
    if std::io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(Failure::NotConfirmed(
            "Refusing without confirmation: there is no terminal to ask on. Add --yes to confirm in a script.".to_owned(),
        ))
    }
}
