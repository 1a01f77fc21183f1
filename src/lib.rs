//! netlicensing-keys: manage the API keys of a NetLicensing account.
//!
//! Layers, one-way: `app` (egui) and `cli` (clap) call `api` (reqwest, serde; no GUI) and
//! `credentials` (keychain, settings file); `sandbox` is the local NetLicensing stand-in.

pub mod api;
pub mod app;
pub mod cli;
pub mod credentials;
pub mod io_reason;
pub mod key_query;
pub mod pem;
pub mod sandbox;
pub mod sandbox_data;
pub mod words;
