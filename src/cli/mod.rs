//! The command line. `netlicensing-keys` without a subcommand opens the desktop app.

mod args;
mod auth;
mod confirm;
mod failure;
mod keys;
mod output;
mod profiles;
mod session;

use std::process::ExitCode;

use crate::sandbox::SandboxError;

pub use args::Cli;
use args::{AuthCommand, Command};
pub use failure::{Failure, code};
use session::Session;

/// Runs the program with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::from_env_and_args();
    init_logging(cli.global.verbose);
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.line());
            failure.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let global = &cli.global;
    let Some(command) = &cli.command else {
        return open_app(cli);
    };
    match command {
        Command::List(args) => keys::list(&Session::open(global)?, args),
        Command::Create(args) => keys::create(&Session::open(global)?, args),
        Command::Revoke(args) => keys::revoke(&Session::open(global)?, args),
        Command::Rotate(args) => keys::rotate(&Session::open(global)?, args),
        Command::Auth(AuthCommand::Test) => auth::test(&Session::open(global)?),
        Command::Auth(AuthCommand::Show) => auth::show(global),
        Command::Auth(AuthCommand::Login(args)) => auth::login(global, args),
        Command::Auth(AuthCommand::Logout) => auth::logout(global),
        Command::Profile(command) => profiles::run(global, command),
        Command::Sandbox(args) => run_sandbox(args),
    }
}

fn open_app(cli: &Cli) -> Result<(), Failure> {
    let options = crate::app::LaunchOptions {
        sandbox: cli.sandbox,
        profile: cli.global.profile.clone(),
        config: cli.global.config.clone(),
        screenshot: cli.screenshot.clone(),
    };
    crate::app::run(&options).map_err(Failure::Other)
}

fn run_sandbox(args: &args::SandboxArgs) -> Result<(), Failure> {
    // The data file's folder is made here: `--data ~/sandbox/keys.json` should just work.
    if let Some(parent) = args.data.as_deref().and_then(std::path::Path::parent)
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Failure::Other(format!(
                "Cannot create the folder {}: {}.",
                parent.display(),
                crate::io_reason::io_reason(&e)
            ))
        })?;
    }
    let options = crate::sandbox::SandboxOptions {
        listen: args.listen,
        allow_remote: args.allow_remote,
        data_file: args.data.clone(),
        seed_keys: args.seed_keys,
        latency: std::time::Duration::from_millis(args.latency_ms),
        fail_rate: args.fail_rate,
    };
    crate::sandbox::run_foreground(options).map_err(|error| match error {
        SandboxError::RemoteNotAllowed { .. } | SandboxError::InvalidOption { .. } => {
            Failure::Usage(error.to_string())
        }
        _ => Failure::Other(error.to_string()),
    })
}

/// Logs go to standard error, and only when asked for: standard output belongs to the results.
/// Secrets never reach a log: no code logs a header, a password or a full key.
fn init_logging(verbose: u8) {
    let default = match verbose {
        // A damaged settings file is already reported as a sentence (`load_settings`); its log
        // line would say it a second time.
        0 => "warn,netlicensing_keys::credentials::settings_file=error",
        1 => "netlicensing_keys=info",
        _ => "netlicensing_keys=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NETLICENSING_KEYS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only on a terminal: `2>log.txt` must not fill the file with escape codes.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
