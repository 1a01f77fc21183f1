//! The command line. `netlicensing-keys` without a subcommand opens the desktop app.

mod args;
mod auth;
mod confirm;
mod failure;
mod keys;
mod output;
mod session;

use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
use args::{AuthCommand, Command};
pub use failure::{Failure, code};
use session::Session;

/// Runs the program with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let Some(command) = &cli.command else {
        return Err(Failure::Usage("Give a subcommand (see --help).".to_owned()));
    };
    match command {
        Command::List(args) => keys::list(&Session::open(&cli.global)?, args),
        Command::Create(args) => keys::create(&Session::open(&cli.global)?, args),
        Command::Revoke(args) => keys::revoke(&Session::open(&cli.global)?, args),
        Command::Rotate(args) => keys::rotate(&Session::open(&cli.global)?, args),
        Command::Auth(AuthCommand::Test) => auth::test(&Session::open(&cli.global)?),
        Command::Auth(_) | Command::Profile(_) | Command::Sandbox(_) => Err(Failure::Usage(
            "This subcommand is not available in this build.".to_owned(),
        )),
    }
}

/// Logs go to standard error, and only when asked for: standard output belongs to the results.
/// Secrets never reach a log: no code logs a header, a password or a full key.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "netlicensing_keys=info",
        _ => "netlicensing_keys=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NETLICENSING_KEYS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
