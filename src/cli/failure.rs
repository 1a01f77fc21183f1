//! Why a command failed, and the exit code that tells scripts.

use std::process::ExitCode;

use crate::api::{ApiError, ErrorKind};

/// A failed command. `Display` is the one line printed to standard error.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    Api(#[from] ApiError),
    /// A call that changes something failed in a way that may have done it anyway
    /// ([`ApiError::outcome_uncertain`]); `advice` says how to find out. Exit code as for `error`.
    #[error("{error} {advice}")]
    Uncertain { error: ApiError, advice: String },
    /// The command was used wrongly (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// A confirmation was needed and could not be asked (exit code 2).
    #[error("{0}")]
    NotConfirmed(String),
    /// The user answered no: nothing went wrong, but nothing was done either (exit code 1, so
    /// that `revoke … && next-step` stops).
    #[error("Nothing was changed.")]
    Declined,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Authentication(String),
    /// Anything else (exit code 1).
    #[error("{0}")]
    Other(String),
}

/// Exit codes, documented in the README.
pub mod code {
    pub const SUCCESS: u8 = 0;
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTHENTICATION: u8 = 3;
    pub const PERMISSION: u8 = 4;
    pub const NOT_FOUND: u8 = 5;
    pub const NETWORK: u8 = 6;
    pub const SERVER: u8 = 7;
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    pub fn code(&self) -> u8 {
        match self {
            Failure::Api(error) | Failure::Uncertain { error, .. } => match error.kind() {
                ErrorKind::Authentication => code::AUTHENTICATION,
                ErrorKind::Permission => code::PERMISSION,
                ErrorKind::NotFound => code::NOT_FOUND,
                ErrorKind::Network => code::NETWORK,
                ErrorKind::Server => code::SERVER,
                ErrorKind::Usage => code::USAGE,
                ErrorKind::Other => code::OTHER,
            },
            Failure::Usage(_) | Failure::NotConfirmed(_) => code::USAGE,
            Failure::NotFound(_) => code::NOT_FOUND,
            Failure::Authentication(_) => code::AUTHENTICATION,
            Failure::Other(_) | Failure::Declined => code::OTHER,
        }
    }

    /// The line printed to standard error: `error: …`, except for a declined confirmation,
    /// which is the user's own choice, not an error.
    pub fn line(&self) -> String {
        match self {
            Failure::Declined => self.to_string(),
            _ => format!("error: {self}"),
        }
    }
}
