//! The command-line interface, as clap reads it. Other tools depend on these names.
//!
//! Doc comments here are the `--help` text, so they are written for the terminal, not rustdoc.
#![allow(clippy::doc_markdown)]

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::Role;

/// Manage the API keys of a NetLicensing account.
///
/// Without a subcommand, opens the desktop app.
#[derive(Debug, Parser)]
#[command(name = "netlicensing-keys", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Open the desktop app on the built-in sandbox (demo account, no real keys).
    #[arg(long)]
    pub sandbox: bool,

    /// Desktop app: save a PNG of the window once the key list has loaded, then exit.
    #[arg(long, value_name = "FILE")]
    pub screenshot: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The process's arguments, with `NETLICENSING_BASE_URL` standing in for a missing
    /// `--base-url` (a blank value counts as unset).
    pub fn from_env_and_args() -> Cli {
        let mut cli = Cli::parse();
        if cli.global.base_url.is_none() {
            cli.global.base_url = std::env::var(BASE_URL_ENV)
                .ok()
                .filter(|url| !url.trim().is_empty());
        }
        cli
    }
}

/// The variable that stands in for `--base-url`.
pub const BASE_URL_ENV: &str = "NETLICENSING_BASE_URL";

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// NetLicensing REST base URL [default: the profile's, else the live service; env NETLICENSING_BASE_URL]
    // Not clap's `env`: clap then lists the flag in every usage line as if it had been typed.
    // `Cli::from_env_and_args` reads the variable.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Use this profile instead of the default one ("Sandbox" is built in)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Settings file [default: the platform's config directory; env NETLICENSING_KEYS_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log what happens to standard error (secrets are never logged)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Seconds to wait for each answer [default: the profile's, else 30]
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        value_parser = parse_timeout,
        allow_negative_numbers = true
    )]
    pub timeout: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the API keys (keys are masked unless --reveal)
    List(ListArgs),
    /// Create an API key and print it
    Create(CreateArgs),
    /// Revoke (delete) API keys
    Revoke(RevokeArgs),
    /// Replace a key with a new one of the same role, name and customer, then revoke the old one
    Rotate(RotateArgs),
    /// Check, store and remove credentials
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Manage profiles (accounts and environments)
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Run the built-in NetLicensing sandbox in the foreground
    Sandbox(SandboxArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only keys of this role (licensee, analytics, operation, maintenance, admin, or the RoleID)
    #[arg(long, value_name = "ROLE", value_parser = parse_role)]
    pub role: Option<Role>,
    /// Only keys whose name, customer, or first or last characters match
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Show keys in full
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CreateFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The new key's role (licensee, analytics, operation, maintenance, admin, or the RoleID)
    #[arg(long, value_name = "ROLE", value_parser = parse_role)]
    pub role: Role,
    /// A name to recognise the key by
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Restrict the key to validating this one customer (licensee number)
    #[arg(long, value_name = "LICENSEE_NUMBER")]
    pub customer: Option<String>,
    /// PEM file with an RSA private key the server signs validation responses with
    #[arg(long, value_name = "FILE")]
    pub private_key_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CreateFormat::Table)]
    pub format: CreateFormat,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The keys: in full, by their last characters, or masked as the list shows them (abc…wxyz)
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<String>,
    /// Do not ask for confirmation
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The key to replace: in full, by its last characters, or masked (abc…wxyz)
    #[arg(value_name = "KEY")]
    pub key: String,
    /// A private key for the new key (the old one's cannot be read back)
    #[arg(long, value_name = "FILE")]
    pub private_key_file: Option<PathBuf>,
    /// Do not ask for confirmation
    #[arg(long)]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = CreateFormat::Table)]
    pub format: CreateFormat,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Check the credentials and say what they may do
    Test,
    /// Show the method, username, base URL and where the secret is stored (masked)
    Show,
    /// Store credentials for the profile (the secret goes to the OS keychain)
    Login(LoginArgs),
    /// Remove the profile's stored secret from the keychain
    Logout,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// apikey (recommended: limited by role, revocable) or basic (vendor login: full access)
    #[arg(long, value_enum)]
    pub method: Option<LoginMethod>,
    /// Vendor login username
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the vendor login password from standard input
    #[arg(long, conflicts_with = "api_key_stdin")]
    pub password_stdin: bool,
    /// Read the API key from standard input
    #[arg(long)]
    pub api_key_stdin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoginMethod {
    Basic,
    Apikey,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles; the default one is marked
    List,
    /// Add a profile
    Add(ProfileAddArgs),
    /// Remove a profile and its stored secrets
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Make a profile the default
    Use {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Rename a profile
    Rename {
        #[arg(value_name = "FROM")]
        from: String,
        #[arg(value_name = "TO")]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The profile's base URL [default: the live service]
    #[arg(long = "url", value_name = "URL")]
    pub url: Option<String>,
    /// HTTPS proxy for this profile (besides HTTPS_PROXY)
    #[arg(long, value_name = "URL")]
    pub https_proxy: Option<String>,
    /// Extra CA certificate file (PEM) for networks that inspect TLS
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for a connection (1 to 3600)
    #[arg(long, value_name = "SECONDS", value_parser = parse_whole_seconds, allow_negative_numbers = true)]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for each answer (1 to 3600)
    #[arg(long, value_name = "SECONDS", value_parser = parse_whole_seconds, allow_negative_numbers = true)]
    pub request_timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Allow listening on an address other than loopback (anyone who reaches it can use the demo account)
    #[arg(long)]
    pub allow_remote: bool,
    /// Keep the sandbox's state in this file across restarts
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Add this many generated API keys (at most 1000000)
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = parse_seed_keys, allow_negative_numbers = true)]
    pub seed_keys: usize,
    /// Delay every answer by this many milliseconds (at most 60000)
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = parse_latency_ms, allow_negative_numbers = true)]
    pub latency_ms: u64,
    /// Share of answers (0 to 1) that fail with a 500 or a dropped connection
    #[arg(long, default_value_t = 0.0, value_name = "P", value_parser = parse_rate, allow_negative_numbers = true)]
    pub fail_rate: f64,
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
        .map_err(|e: crate::api::role::UnknownRole| e.to_string())
}

/// Zero would mean "wait forever" to some and "fail at once" to others: neither is offered.
/// Negative numbers reach this function (`allow_negative_numbers`) to get its sentence rather
/// than clap's "unexpected argument".
fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 3600.0 => Ok(seconds),
        Ok(seconds) if seconds > 3600.0 => Err("the longest timeout is 3600 seconds".to_owned()),
        _ => Err(
            "give a number of seconds greater than 0 (such as 30 or 0.5), at most 3600".to_owned(),
        ),
    }
}

/// A profile's timeouts are whole seconds in the settings file; 0 would be taken for the default.
fn parse_whole_seconds(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(seconds) if (1..=3600).contains(&seconds) => Ok(seconds),
        _ => Err("give a whole number of seconds from 1 to 3600".to_owned()),
    }
}

/// The sandbox's fault endpoint takes the same range.
fn parse_latency_ms(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(ms) if ms <= 60_000 => Ok(ms),
        _ => Err("give a whole number of milliseconds from 0 to 60000".to_owned()),
    }
}

/// A huge count would abort the program when the keys are allocated.
fn parse_seed_keys(text: &str) -> Result<usize, String> {
    let max = crate::sandbox::MAX_SEED_KEYS;
    match text.trim().parse::<u64>() {
        Ok(count) if count <= max as u64 => usize::try_from(count).map_err(|e| e.to_string()),
        _ => Err(format!("give a number of keys from 0 to {max}")),
    }
}

/// std's "invalid socket address syntax" does not say what would do.
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.trim()
        .parse()
        .map_err(|_| "give an IP address and a port, such as 127.0.0.1:8080".to_owned())
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("give a number between 0 and 1".to_owned()),
    }
}
