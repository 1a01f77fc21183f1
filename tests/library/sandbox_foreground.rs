#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! `run_foreground` as the command line uses it, in a separate process: it prints the base
//! URL as soon as it serves, and stops cleanly on Ctrl-C (SIGINT).
//!
//! The child process is this test binary again, running only `foreground_child`.

use netlicensing_keys::sandbox::{SandboxOptions, run_foreground};

const CHILD: &str = "NETLICENSING_KEYS_SANDBOX_FOREGROUND_CHILD";

/// Does nothing in a normal test run; serves in the child process.
#[test]
fn foreground_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    run_foreground(SandboxOptions::default()).expect("serves until Ctrl-C");
}

#[cfg(unix)]
#[test]
fn run_foreground_prints_the_base_url_and_stops_on_ctrl_c() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use netlicensing_keys::api::{Client, ClientConfig};

    // Test names carry the module path without the binary's name: `sandbox_foreground::…`.
    let module = module_path!()
        .split_once("::")
        .map_or("", |(_, module)| module);
    let child_test = format!("{module}::foreground_child");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            child_test.as_str(),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child process");
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("child-stdout".into())
        .spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        })
        .unwrap();
    // libtest writes its own text around ours ("test foreground_child ... " on the same
    // line); ours is the one URL, up to the end of the line.
    let url = loop {
        let line = lines_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the base URL is printed");
        if let Some(start) = line.find("http://") {
            break line[start..].to_owned();
        }
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/core/v2/rest"), "{url}");

    let client = Client::new(&ClientConfig::new(&url), crate::sandbox_support::vendor()).unwrap();
    client
        .check_credentials()
        .expect("it serves as soon as the URL is out");

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "Ctrl-C stops the sandbox");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean stop: {status:?}");
    let rest: Vec<String> = lines_rx.try_iter().collect();
    assert!(
        !rest.iter().any(|line| line.contains("http://")),
        "one URL line only: {rest:?}"
    );
    assert!(client.check_credentials().is_err(), "the port is closed");
}
