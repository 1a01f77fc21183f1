//! Integration tests of the library: the API client over loopback (against scripted servers and
//! the sandbox), the envelope parsers' properties, the sandbox itself, and the credentials store
//! against a real OS keychain (ignored unless `scripts/keychain-check` runs them).
//!
//! One test binary per area, not one per file: every binary links egui, reqwest, tokio and axum,
//! and linking two dozen of them took most of a CI run.

mod client_http;
mod envelope_props;
mod keychain_real;
mod listing_progress;
mod sandbox_api;
mod sandbox_auth;
mod sandbox_faults;
mod sandbox_foreground;
mod sandbox_lifecycle;
mod sandbox_support;
#[path = "../support/scripted_server.rs"]
mod scripted_server;
