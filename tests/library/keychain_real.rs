#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The real OS keychain through `KeyringStore`.
//!
//! The `#[ignore]`d tests need a running, unlocked Secret Service (and `dbus-run-session` and
//! `gnome-keyring-daemon` for the locked and missing cases); `scripts/keychain-check` runs them:
//!
//! ```text
//! /work/shared/tools/with-keyring cargo test --test keychain_real -- --ignored
//! ```
//!
//! A secret is read back by a second process (this test binary started again, running one of the
//! `child_*` helpers), so the test proves the secret really left this process.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash as _, Hasher as _};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use netlicensing_keys::api::{AuthMethod, Secret};
use netlicensing_keys::credentials::{KeyringStore, SecretSlot, SecretStore, StoreError};

/// Set in a child process: which helper should act, and on what.
const CHILD_MODE: &str = "NLK_KEYCHAIN_CHILD";
const CHILD_PROFILE: &str = "NLK_KEYCHAIN_CHILD_PROFILE";
const CHILD_METHOD: &str = "NLK_KEYCHAIN_CHILD_METHOD";
const CHILD_EXPECT: &str = "NLK_KEYCHAIN_CHILD_EXPECT";

/// A keychain call must give up this quickly when there is nothing to talk to.
const PROMPT_LIMIT: Duration = Duration::from_secs(20);

fn fingerprint(secret: &Secret) -> String {
    // Same binary in both processes, so the same hasher keys: enough to compare, and the
    // secret itself never crosses a pipe or lands in a log.
    let mut hasher = DefaultHasher::new();
    secret.expose().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn method_name(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::VendorLogin => "vendor-login",
        AuthMethod::ApiKey => "api-key",
    }
}

fn unique_profile() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!("nlk-test-{}-{nanos}", std::process::id())
}

fn random_secret() -> Secret {
    let tail: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(32)
        .collect();
    Secret::new(format!("test-secret-ü-{tail}"))
}

/// Runs this test binary again with only `helper` selected, and waits at most `limit`.
fn run_child(helper: &str, envs: &[(&str, &str)], wrapper: &[&str], limit: Duration) -> Output {
    let exe = std::env::current_exe().expect("own test binary");
    let exe = exe.to_str().expect("UTF-8 path of the test binary");
    // Test names carry the module path without the binary's name: `keychain_real::child_…`.
    let module = module_path!()
        .split_once("::")
        .map_or("", |(_, module)| module);
    let helper = format!("{module}::{helper}");
    let mut args: Vec<&str> = wrapper.to_vec();
    args.extend([
        exe,
        &helper,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    let mut command = Command::new(args[0]);
    command
        .args(&args[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in envs {
        command.env(name, value);
    }
    // Its own process group, so that a hang can be ended together with the bus and keyring
    // daemons a wrapper started.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().expect("start the child process");
    let started = Instant::now();
    while child.try_wait().expect("poll the child").is_none() {
        if started.elapsed() > limit {
            #[cfg(unix)]
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child `{helper}` did not finish within {limit:?}: the keychain call hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("child output")
}

/// The line the child printed after `marker`.
fn reported(output: &Output, marker: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        // libtest may print "test name ... " on the same line first.
        .find_map(|line| line.split_once(marker).map(|(_, rest)| rest.to_owned()))
        .unwrap_or_else(|| {
            panic!(
                "no `{marker}` line from the child; stdout:\n{stdout}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

fn read_in_child(slot: &SecretSlot, expect: &str) -> String {
    let output = run_child(
        "child_reads_secret",
        &[
            (CHILD_MODE, "read"),
            (CHILD_PROFILE, &slot.profile),
            (CHILD_METHOD, method_name(slot.method)),
            (CHILD_EXPECT, expect),
        ],
        &[],
        PROMPT_LIMIT,
    );
    reported(&output, "child-read: ")
}

/// Deletes the test's entries even when an assertion fails half-way.
struct Cleanup(Vec<SecretSlot>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for slot in &self.0 {
            let _ = KeyringStore.delete(slot);
        }
    }
}

#[test]
#[ignore = "needs a running, unlocked Secret Service: scripts/keychain-check"]
fn keychain_round_trip_across_processes() {
    let store = KeyringStore;
    let profile = unique_profile();
    let key_slot = SecretSlot::new(profile.as_str(), AuthMethod::ApiKey);
    let login_slot = SecretSlot::new(profile.as_str(), AuthMethod::VendorLogin);
    let _cleanup = Cleanup(vec![key_slot.clone(), login_slot.clone()]);

    assert_eq!(
        store.load(&key_slot),
        Ok(None),
        "a fresh profile has no key"
    );
    let key = random_secret();
    let password = random_secret();
    store.save(&key_slot, &key).expect("save the API key");
    store
        .save(&login_slot, &password)
        .expect("save the password");

    // Another process finds each secret under its own entry.
    assert_eq!(read_in_child(&key_slot, &fingerprint(&key)), "match");
    assert_eq!(read_in_child(&login_slot, &fingerprint(&password)), "match");

    // Saving again replaces the secret rather than adding a second, ambiguous entry.
    let newer = random_secret();
    store.save(&key_slot, &newer).expect("replace the API key");
    assert_eq!(store.load(&key_slot), Ok(Some(newer.clone())));
    assert_eq!(read_in_child(&key_slot, &fingerprint(&newer)), "match");

    store.delete(&key_slot).expect("delete the API key");
    assert_eq!(store.load(&key_slot), Ok(None));
    assert_eq!(read_in_child(&key_slot, "-"), "missing");
    store.delete(&key_slot).expect("deleting twice is fine");
    assert_eq!(
        read_in_child(&login_slot, &fingerprint(&password)),
        "match",
        "deleting the key must leave the password alone"
    );
    store.delete(&login_slot).expect("delete the password");
    assert_eq!(read_in_child(&login_slot, "-"), "missing");
}

#[test]
#[ignore = "helper: started by other tests in a child process"]
fn child_reads_secret() {
    if std::env::var(CHILD_MODE).as_deref() != Ok("read") {
        return;
    }
    let profile = std::env::var(CHILD_PROFILE).unwrap();
    let method = match std::env::var(CHILD_METHOD).unwrap().as_str() {
        "vendor-login" => AuthMethod::VendorLogin,
        _ => AuthMethod::ApiKey,
    };
    let expect = std::env::var(CHILD_EXPECT).unwrap();
    let outcome = match KeyringStore.load(&SecretSlot::new(profile, method)) {
        Ok(Some(secret)) if fingerprint(&secret) == expect => "match".to_owned(),
        Ok(Some(_)) => "mismatch".to_owned(),
        Ok(None) => "missing".to_owned(),
        Err(error) => format!("error: {error}"),
    };
    println!("child-read: {outcome}");
}

/// What every call gives when the keychain is out of reach, one line per call.
#[test]
#[ignore = "helper: started by other tests in a child process"]
fn child_tries_every_call() {
    if std::env::var(CHILD_MODE).as_deref() != Ok("every-call") {
        return;
    }
    let profile = std::env::var(CHILD_PROFILE).unwrap_or_else(|_| unique_profile());
    let slot = SecretSlot::new(profile, AuthMethod::ApiKey);
    let store = KeyringStore;
    let describe = |error: &StoreError| match error {
        StoreError::Unavailable(_) => format!("unavailable: {error}"),
        StoreError::Locked => format!("locked: {error}"),
        StoreError::Failed(_) => format!("failed: {error}"),
    };
    let save = store.save(&slot, &random_secret());
    println!(
        "child-save: {}",
        save.as_ref().map_or_else(describe, |()| "ok".to_owned())
    );
    let load = store.load(&slot);
    println!(
        "child-load: {}",
        load.as_ref()
            .map_or_else(describe, |found| format!("ok {}", found.is_some()))
    );
    let delete = store.delete(&slot);
    println!(
        "child-delete: {}",
        delete.as_ref().map_or_else(describe, |()| "ok".to_owned())
    );
}

#[test]
#[ignore = "helper: started by other tests in a child process"]
fn child_saves_secret() {
    if std::env::var(CHILD_MODE).as_deref() != Ok("save") {
        return;
    }
    let slot = SecretSlot::new(std::env::var(CHILD_PROFILE).unwrap(), AuthMethod::ApiKey);
    let outcome = KeyringStore.save(&slot, &random_secret());
    println!(
        "child-save: {}",
        outcome.map_or_else(|error| format!("error: {error}"), |()| "ok".to_owned())
    );
}

fn every_call(envs: &[(&str, &str)], wrapper: &[&str]) -> [String; 3] {
    let mut envs = envs.to_vec();
    envs.push((CHILD_MODE, "every-call"));
    let started = Instant::now();
    let output = run_child("child_tries_every_call", &envs, wrapper, PROMPT_LIMIT);
    assert!(
        output.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("three keychain calls took {:?}", started.elapsed());
    ["child-save: ", "child-load: ", "child-delete: "].map(|marker| reported(&output, marker))
}

/// A bus address where nothing listens: what a headless machine or a container looks like.
/// Deterministic, so it runs with every `cargo test`.
#[cfg(target_os = "linux")]
#[test]
fn no_session_bus_is_unavailable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let address = format!("unix:path={}", dir.path().join("no-bus").display());
    for line in every_call(&[("DBUS_SESSION_BUS_ADDRESS", &address)], &[]) {
        assert!(
            line.starts_with("unavailable: No keychain is available: there is no D-Bus session"),
            "{line}"
        );
        assert!(line.contains("this session only"), "{line}");
    }
}

fn bare_bus_config(dir: &Path) -> String {
    // A session bus that knows no services at all: no Secret Service, and none to start.
    let config = dir.join("bare-session.conf");
    std::fs::write(
        &config,
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
    )
    .unwrap();
    config.display().to_string()
}

#[test]
#[ignore = "needs dbus-run-session: scripts/keychain-check"]
fn bus_without_secret_service_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("--config-file={}", bare_bus_config(dir.path()));
    for line in every_call(&[], &["dbus-run-session", &config, "--"]) {
        assert!(
            line.starts_with("unavailable: No keychain is available: no Secret Service"),
            "{line}"
        );
    }
}

/// A keyring with a password, in a private data folder, started without unlocking it: the
/// state of a desktop whose keyring did not unlock at login. No prompter can show (no display),
/// so the Secret Service refuses at once instead of waiting for someone to type the password.
#[test]
#[ignore = "needs dbus-run-session and gnome-keyring-daemon: scripts/keychain-check"]
fn locked_keychain_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runtime = dir.path().join("runtime");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let profile = unique_profile();
    // Private folders: the machine's own keyring is never touched, and no display means no
    // unlock dialog.
    let session_env = [
        ("XDG_DATA_HOME", data.to_str().unwrap()),
        ("XDG_RUNTIME_DIR", runtime.to_str().unwrap()),
        ("DISPLAY", ""),
        ("WAYLAND_DISPLAY", ""),
        (CHILD_PROFILE, profile.as_str()),
    ];

    // First session: the login keyring is created with a password, unlocked, and holds a key.
    let mut envs = session_env.to_vec();
    envs.push((CHILD_MODE, "save"));
    let unlocked = [
        "dbus-run-session",
        "--",
        "sh",
        "-c",
        "printf 'a password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec \"$@\"",
        "unlocked-keyring",
    ];
    let saved = run_child("child_saves_secret", &envs, &unlocked, PROMPT_LIMIT);
    assert_eq!(reported(&saved, "child-save: "), "ok");

    // Second session: the same keyring, started but never unlocked.
    let locked = [
        "dbus-run-session",
        "--",
        "sh",
        "-c",
        "gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec \"$@\"",
        "locked-keyring",
    ];
    for line in every_call(&session_env, &locked) {
        assert!(
            line.starts_with("locked: The keychain is locked."),
            "{line}"
        );
    }
}
