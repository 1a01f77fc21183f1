//! The `netlicensing-keys` binary: the desktop app, or a subcommand of the command line.

fn main() -> std::process::ExitCode {
    netlicensing_keys::cli::main()
}
