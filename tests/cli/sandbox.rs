#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The `sandbox` subcommand as a child process (one URL line, serves, stops cleanly on Ctrl-C),
//! its options, and the built-in Sandbox profile, whose state lasts from one command to the next.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, ExitStatus};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::support::{Invocation, TestEnv, read_in_background};
use netlicensing_keys::sandbox::seed::{ADMIN_KEY, API_KEYS};

const START_LIMIT: Duration = Duration::from_secs(30);
const STOP_LIMIT: Duration = Duration::from_secs(15);

/// `netlicensing-keys sandbox ...` running as a child process.
struct SandboxProcess {
    child: Child,
    url: String,
    lines: mpsc::Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

impl SandboxProcess {
    /// Starts it and waits for the one line with its base URL.
    fn start(invocation: Invocation<'_>) -> SandboxProcess {
        let mut child = invocation.spawn();
        let stdout = child.stdout.take().unwrap();
        let stderr = read_in_background(child.stderr.take().unwrap(), "sandbox-stderr");
        let (lines_tx, lines) = mpsc::channel();
        std::thread::Builder::new()
            .name("sandbox-stdout".into())
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if lines_tx.send(line).is_err() {
                        break;
                    }
                }
            })
            .unwrap();
        let mut process = SandboxProcess {
            child,
            url: String::new(),
            lines,
            stderr: Some(stderr),
        };
        if let Ok(url) = process.lines.recv_timeout(START_LIMIT) {
            process.url = url;
            return process;
        }
        let _ = process.child.kill();
        let status = process.child.wait();
        let stderr = process.stderr.take().unwrap().join().unwrap();
        panic!("the sandbox printed no URL (exit {status:?}):\n{stderr}");
    }

    /// Ctrl-C (SIGINT), then its exit status, what else it printed on stdout, and its stderr.
    #[cfg(unix)]
    fn interrupt(mut self) -> (ExitStatus, Vec<String>, String) {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -INT failed");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < STOP_LIMIT,
                "the sandbox did not stop within {STOP_LIMIT:?} of Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let rest: Vec<String> = self.lines.try_iter().collect();
        let stderr = self.stderr.take().unwrap().join().unwrap();
        (status, rest, stderr)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        // Only when a test failed half-way: never leave a server behind.
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Every key number a server holds, in full.
fn numbers(invocation: Invocation<'_>) -> BTreeSet<String> {
    let out = invocation
        .args(["list", "--format", "json", "--reveal"])
        .run()
        .ok();
    let keys: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    keys.as_array()
        .unwrap()
        .iter()
        .map(|key| key["number"].as_str().unwrap().to_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn the_sandbox_prints_one_url_serves_and_stops_on_ctrl_c() {
    let env = TestEnv::new();
    let sandbox = SandboxProcess::start(env.cli().args(["sandbox", "--listen", "127.0.0.1:0"]));
    let port = sandbox
        .url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/core/v2/rest"))
        .unwrap_or_else(|| panic!("a loopback base URL: {}", sandbox.url));
    assert!(port.parse::<u16>().unwrap() > 0);

    let listed = numbers(env.cli().base_url(&sandbox.url).vendor());
    assert_eq!(listed.len(), API_KEYS.len());
    assert!(listed.contains(ADMIN_KEY));

    let (status, rest, stderr) = sandbox.interrupt();
    assert!(
        status.success(),
        "a clean exit on Ctrl-C: {status:?}\n{stderr}"
    );
    assert!(rest.is_empty(), "one line on stdout only; then {rest:?}");
    assert_eq!(
        stderr,
        "The NetLicensing sandbox is running; press Ctrl-C to stop it.\n"
    );
}

#[cfg(unix)]
#[test]
fn the_sandbox_options_seed_keys_delay_and_fail() {
    let env = TestEnv::new();
    let seeded = SandboxProcess::start(env.cli().args(["sandbox", "--seed-keys", "3"]));
    let listed = numbers(env.cli().base_url(&seeded.url).vendor());
    assert_eq!(listed.len(), API_KEYS.len() + 3);
    assert!(seeded.interrupt().0.success());

    let slow = SandboxProcess::start(env.cli().args(["sandbox", "--latency-ms", "3000"]));
    let out = env
        .cli()
        .base_url(&slow.url)
        .vendor()
        .args(["--timeout", "0.3", "list"])
        .run()
        .code(6);
    assert!(
        out.error_line()
            .ends_with("did not answer within 0.3 seconds."),
        "{}",
        out.stderr
    );
    assert!(slow.interrupt().0.success());

    let failing = SandboxProcess::start(env.cli().args(["sandbox", "--fail-rate", "1"]));
    let out = env.cli().base_url(&failing.url).vendor().arg("list").run();
    assert!(matches!(out.code, Some(6 | 7)), "{out:?}");
    out.error_line();
    assert!(failing.interrupt().0.success());
}

#[cfg(unix)]
#[test]
fn the_sandbox_data_file_keeps_keys_across_restarts() {
    let env = TestEnv::new();
    let data = env.root().join("sandbox-state.json");
    let data_arg = data.to_str().unwrap();
    let first = SandboxProcess::start(env.cli().args(["sandbox", "--data", data_arg]));
    let made = env
        .cli()
        .base_url(&first.url)
        .vendor()
        .args([
            "create",
            "--role",
            "analytics",
            "--name",
            "Survives restarts",
        ])
        .run()
        .ok();
    let key = made.stdout.trim().to_owned();
    env.cli()
        .base_url(&first.url)
        .vendor()
        .args(["revoke", "--yes", ADMIN_KEY])
        .run()
        .ok();
    assert!(first.interrupt().0.success());

    let second =
        SandboxProcess::start(
            env.cli()
                .args(["sandbox", "--data", data_arg, "--seed-keys", "5"]),
        );
    let listed = numbers(env.cli().base_url(&second.url).vendor());
    assert!(listed.contains(&key), "the created key is back");
    assert!(!listed.contains(ADMIN_KEY), "the revoked key stays revoked");
    assert_eq!(
        listed.len(),
        API_KEYS.len(),
        "no keys seeded over a saved state"
    );
    let (status, _, stderr) = second.interrupt();
    assert!(status.success());
    assert!(stderr.contains("no keys were generated"), "{stderr}");
}

#[test]
fn the_sandbox_refuses_options_it_cannot_honour() {
    let env = TestEnv::new();
    let out = env
        .cli()
        .args(["sandbox", "--listen", "0.0.0.0:0"])
        .run()
        .code(2);
    assert!(
        out.error_line()
            .starts_with("The sandbox will not listen on 0.0.0.0:0"),
        "{}",
        out.stderr
    );
    assert!(
        out.error_line()
            .ends_with("or add --allow-remote if that is what you want."),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    env.cli()
        .args(["sandbox", "--fail-rate", "2"])
        .run()
        .code(2);
    // Negative numbers get the option's own sentence, not clap's "unexpected argument".
    for (option, value, sentence) in [
        (
            "--latency-ms",
            "-1",
            "give a whole number of milliseconds from 0 to 60000",
        ),
        (
            "--latency-ms",
            "60001",
            "give a whole number of milliseconds from 0 to 60000",
        ),
        (
            "--seed-keys",
            "-3",
            "give a number of keys from 0 to 1000000",
        ),
        ("--fail-rate", "-0.5", "give a number between 0 and 1"),
    ] {
        let out = env.cli().args(["sandbox", option, value]).run().code(2);
        assert!(
            out.stderr
                .starts_with(&format!("error: invalid value '{value}' for '{option} <")),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(sentence), "{}", out.stderr);
    }
    // Far too many keys to allocate: refused before anything is allocated.
    let out = env
        .cli()
        .args(["sandbox", "--seed-keys", "100000000000"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with(
            "error: invalid value '100000000000' for '--seed-keys <N>': give a number of keys from 0 to 1000000"
        ),
        "{}",
        out.stderr
    );
    for value in ["localhost", "nonsense", "127.0.0.1"] {
        let out = env.cli().args(["sandbox", "--listen", value]).run().code(2);
        assert!(
            out.stderr.starts_with(&format!(
                "error: invalid value '{value}' for '--listen <ADDR>': give an IP address and a port, such as 127.0.0.1:8080\n"
            )),
            "{}",
            out.stderr
        );
    }

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = env.cli().args(["sandbox", "--listen", &addr]).run().code(1);
    assert!(
        out.error_line().contains("is already in use"),
        "{}",
        out.stderr
    );

    let damaged = env.root().join("damaged.json");
    std::fs::write(&damaged, "{\"tokens\": [").unwrap();
    let out = env
        .cli()
        .args(["sandbox", "--data", damaged.to_str().unwrap()])
        .run()
        .code(1);
    assert!(out.error_line().contains("is damaged"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&damaged).unwrap(), "{\"tokens\": [");
}

#[test]
fn the_sandbox_profile_keeps_its_keys_from_one_command_to_the_next() {
    let env = TestEnv::new();
    let made = env
        .cli()
        .args([
            "--profile",
            "Sandbox",
            "create",
            "--role",
            "operation",
            "--name",
            "Made earlier",
        ])
        .run()
        .ok();
    let key = made.stdout.trim().to_owned();
    assert!(
        env.sandbox_data().is_file(),
        "the state is kept in NETLICENSING_KEYS_SANDBOX_DATA"
    );

    let listed = env
        .cli()
        .args([
            "--profile",
            "sandbox",
            "list",
            "--filter",
            "made earlier",
            "--reveal",
        ])
        .run()
        .ok();
    assert!(listed.stdout.contains(&key), "{}", listed.stdout);

    // The default profile may be the Sandbox too; credentials from the environment are then
    // ignored as well, and the embedded sandbox is used with the demo account.
    env.cli().args(["profile", "use", "Sandbox"]).run().ok();
    let listed = numbers(env.cli().api_key(ADMIN_KEY));
    assert!(listed.contains(&key));
    env.cli()
        .vendor()
        .args(["revoke", "--yes", &key])
        .run()
        .ok();
    assert!(!numbers(env.cli()).contains(&key));

    // An empty NETLICENSING_KEYS_SANDBOX_DATA keeps the sandbox in memory.
    let fleeting = env
        .cli()
        .env("NETLICENSING_KEYS_SANDBOX_DATA", "")
        .args(["create", "--role", "admin"])
        .run()
        .ok();
    let fleeting = fleeting.stdout.trim().to_owned();
    assert!(!numbers(env.cli().env("NETLICENSING_KEYS_SANDBOX_DATA", "")).contains(&fleeting));
    assert!(!numbers(env.cli()).contains(&fleeting));
}

#[test]
fn the_sandbox_profile_ignores_the_base_url_and_credentials_of_the_environment() {
    let env = TestEnv::new();
    // Nothing listens on port 9 of loopback, and the sandbox knows neither of these secrets:
    // used, either would fail the command.
    let out = env
        .cli()
        .env("NETLICENSING_BASE_URL", "http://127.0.0.1:9/core/v2/rest")
        .api_key("0123456789abcdef0123456789abcdef")
        .env("NETLICENSING_USERNAME", "someone")
        .env("NETLICENSING_PASSWORD", "not-demo")
        .args(["--profile", "Sandbox", "list", "--format", "json"])
        .run()
        .ok();
    assert!(
        out.stdout.contains(&ADMIN_KEY[ADMIN_KEY.len() - 4..]),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr.trim(),
        "warning: the Sandbox profile always uses the built-in sandbox and its demo account, so it ignores the base URL (--base-url or NETLICENSING_BASE_URL), NETLICENSING_API_KEY, NETLICENSING_USERNAME, NETLICENSING_PASSWORD. Choose another profile with --profile to use them."
    );
    assert!(!out.stderr.contains("not-demo") && !out.stderr.contains("0123456789abcdef"));

    let shown = env
        .cli()
        .args(["--base-url", "https://elsewhere.example/core/v2/rest"])
        .args(["--profile", "sandbox", "auth", "show"])
        .run()
        .ok();
    assert!(
        shown
            .stdout
            .contains("base URL: the embedded sandbox (started on demand)"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stderr.contains("ignores the base URL"),
        "{}",
        shown.stderr
    );
}
