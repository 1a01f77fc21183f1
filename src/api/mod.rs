//! The NetLicensing API client. It knows nothing about the GUI or the command line; both call it.

pub mod access;
pub mod client;
pub mod credentials;
pub mod envelope;
pub mod error;
pub mod listing;
mod packed_texts;
pub mod proxy;
mod retry;
pub mod role;
pub mod secret;
pub mod token;
mod transport;

pub use access::Access;
pub use client::{Client, ClientConfig, KeyPage};
pub use credentials::{AuthMethod, Credentials};
pub use error::{ApiError, ErrorKind};
pub use listing::{ListOptions, ListProgress};
pub use proxy::validate_proxy;
pub use retry::Retry;
pub use role::Role;
pub use secret::Secret;
pub use token::{ApiKey, KeyDetails, NewApiKey, TokenNumber};

/// The live service.
pub const DEFAULT_BASE_URL: &str = "https://go.netlicensing.io/core/v2/rest";
