//! Trying a call again after a failure that may pass: which calls, which failures, how often.

use std::time::Duration;

use super::error::ApiError;

/// How often a call that only reads (a GET: a list page, one key, the credential check) is
/// tried again after a failure that may pass: a 5xx, a dropped connection, an unreadable body.
/// Never after a 4xx, a timeout (that would multiply the wait) or a failure to connect, and
/// never for a call that changes something (POST, DELETE): it may have been done already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Attempts after the first one.
    pub retries: u32,
    /// The wait before the first retry; it doubles before each further one.
    pub first_delay: Duration,
}

impl Retry {
    /// No second attempt: the client's default.
    pub const NONE: Retry = Retry {
        retries: 0,
        first_delay: Duration::ZERO,
    };
    /// Two more attempts, after 250 ms and 500 ms: what the command line uses.
    pub const BRIEF: Retry = Retry {
        retries: 2,
        first_delay: Duration::from_millis(250),
    };
}

/// Failures that may pass on their own: a server error, a dropped connection, a body that could
/// not be read. A 4xx will not change, a timeout would multiply the wait, and a failure to
/// connect (refused, no such name, TLS) is not a moment's hiccup.
pub(crate) fn worth_retrying(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Server { .. } | ApiError::Unreadable { .. } | ApiError::Network { .. }
    )
}
