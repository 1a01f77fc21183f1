//! Integration tests of the command line: the real `netlicensing-keys` binary run against the
//! sandbox and scripted servers (`support` gives every run a throw-away environment). The
//! keychain round trips are ignored unless `scripts/keychain-check` runs them.

mod auth;
mod errors;
mod keychain;
mod keys;
mod profiles;
mod revoke;
mod sandbox;
#[path = "../support/scripted_server.rs"]
mod scripted_server;
mod support;
