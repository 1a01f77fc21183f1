//! Running the real `netlicensing-keys` binary in a throw-away environment, for the command-line tests.
//!
//! Every run gets its own home, config and data folders, a settings file and a sandbox data file
//! in a temporary directory, and none of the `NETLICENSING_*` variables of the environment the
//! tests were started from. The OS keychain is out of reach (the D-Bus address points at nothing)
//! unless a test asks for it with [`Invocation::keychain`].

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use netlicensing_keys::api::envelope::{Envelope, Info, InfoKind, Item, Paging, write_json};
use netlicensing_keys::sandbox::{Sandbox, SandboxOptions};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_netlicensing-keys");

/// A run that takes longer than this is stuck: a failure guard, not a timing.
pub const RUN_LIMIT: Duration = Duration::from_mins(1);

/// A sandbox of its own for one test, in memory.
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// The key as the list shows it: first 3 and last 4 characters.
pub fn masked(key: &str) -> String {
    netlicensing_keys::api::secret::mask(key)
}

/// The demo vendor login against `sandbox`.
pub fn vendor<'a>(env: &'a TestEnv, sandbox: &Sandbox) -> Invocation<'a> {
    env.cli().base_url(&sandbox.base_url()).vendor()
}

/// Standard output as JSON.
pub fn json(outcome: &Outcome) -> serde_json::Value {
    serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", outcome.stdout))
}

/// Every key number the sandbox holds, in full.
pub fn numbers(env: &TestEnv, sandbox: &Sandbox) -> std::collections::BTreeSet<String> {
    let out = vendor(env, sandbox)
        .args(["list", "--format", "json", "--reveal"])
        .run()
        .ok();
    json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["number"].as_str().unwrap().to_owned())
        .collect()
}

/// The one full key a `create` or `rotate` printed on standard output.
#[track_caller]
pub fn printed_key(outcome: &Outcome) -> String {
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line, the key: {:?}", outcome.stdout);
    assert!(
        netlicensing_keys::api::TokenNumber::parse(lines[0]).is_ok(),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0].len(), 36, "a full key: {}", lines[0]);
    lines[0].to_owned()
}

/// Temporary folders for one test; removed when dropped.
pub struct TestEnv {
    root: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temporary directory");
        let env = TestEnv { root };
        for dir in [
            env.home(),
            env.config_home(),
            env.data_home(),
            env.sandbox_dir(),
        ] {
            std::fs::create_dir_all(dir).expect("create a test folder");
        }
        env
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// `HOME`; everything the program writes (settings, its data folder) lies below it.
    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    pub fn config_home(&self) -> PathBuf {
        self.home().join(".config")
    }

    pub fn data_home(&self) -> PathBuf {
        self.home().join(".local/share")
    }

    /// The settings file (`NETLICENSING_KEYS_CONFIG`).
    pub fn settings_file(&self) -> PathBuf {
        self.config_home().join("netlicensing-keys/settings.toml")
    }

    /// The settings file's text, or "" while there is none.
    pub fn settings_text(&self) -> String {
        std::fs::read_to_string(self.settings_file()).unwrap_or_default()
    }

    fn sandbox_dir(&self) -> PathBuf {
        self.root().join("sandbox")
    }

    /// Where the Sandbox profile keeps its state (`NETLICENSING_KEYS_SANDBOX_DATA`). Outside
    /// `home`: it is the server's storage, not something the command line writes.
    pub fn sandbox_data(&self) -> PathBuf {
        self.sandbox_dir().join("sandbox.json")
    }

    /// A D-Bus address where nothing listens: no keychain can be reached.
    fn no_bus(&self) -> String {
        format!("unix:path={}", self.root().join("no-bus").display())
    }

    /// A command line to run; add arguments and run it.
    pub fn cli(&self) -> Invocation<'_> {
        Invocation {
            env: self,
            args: Vec::new(),
            vars: Vec::new(),
            stdin: None,
            keychain: false,
            closed_stdout: false,
            terminal: false,
        }
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

/// One run of the binary, being put together.
pub struct Invocation<'a> {
    env: &'a TestEnv,
    args: Vec<OsString>,
    vars: Vec<(String, String)>,
    stdin: Option<String>,
    keychain: bool,
    closed_stdout: bool,
    terminal: bool,
}

impl Invocation<'_> {
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// `--base-url URL`.
    pub fn base_url(self, url: &str) -> Self {
        self.args(["--base-url", url])
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The demo vendor login from the environment.
    pub fn vendor(self) -> Self {
        self.env("NETLICENSING_USERNAME", "demo")
            .env("NETLICENSING_PASSWORD", "demo")
    }

    /// An API key from the environment.
    pub fn api_key(self, key: &str) -> Self {
        self.env("NETLICENSING_API_KEY", key)
    }

    /// Standard input (otherwise it is empty, and never a terminal).
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Standard output is a pipe whose reader has gone away (`| head -1` after its line).
    pub fn closed_stdout(mut self) -> Self {
        self.closed_stdout = true;
        self
    }

    /// Runs the program on a pseudo-terminal (through util-linux `script`), so that it can ask
    /// questions; standard input is typed into it. Its stdout and stderr arrive together.
    pub fn terminal(mut self) -> Self {
        self.terminal = true;
        self
    }

    /// Lets the program reach the keychain of the session the tests run in.
    pub fn keychain(mut self) -> Self {
        self.keychain = true;
        self
    }

    fn command(&self) -> Command {
        let mut command = if self.terminal {
            let quoted: Vec<String> = std::iter::once(OsString::from(BIN))
                .chain(self.args.iter().cloned())
                .map(|arg| format!("'{}'", arg.to_string_lossy().replace('\'', r"'\''")))
                .collect();
            let mut script = Command::new("script");
            script.args(["-q", "-e", "-c", &quoted.join(" "), "/dev/null"]);
            script
        } else {
            let mut command = Command::new(BIN);
            command.args(&self.args);
            command
        };
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("NETLICENSING_") {
                command.env_remove(name);
            }
        }
        let env = self.env;
        command
            .env("HOME", env.home())
            .env("XDG_CONFIG_HOME", env.config_home())
            .env("XDG_DATA_HOME", env.data_home())
            .env("XDG_CACHE_HOME", env.home().join(".cache"))
            .env("XDG_STATE_HOME", env.home().join(".local/state"))
            .env("NETLICENSING_KEYS_CONFIG", env.settings_file())
            .env("NETLICENSING_KEYS_SANDBOX_DATA", env.sandbox_data());
        if !self.keychain {
            command.env("DBUS_SESSION_BUS_ADDRESS", env.no_bus());
        }
        for (name, value) in &self.vars {
            command.env(name, value);
        }
        command
    }

    /// Starts the program with piped standard streams, for tests that talk to it while it runs.
    pub fn spawn(self) -> Child {
        self.command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netlicensing-keys")
    }

    /// Runs the program to its end (at most [`RUN_LIMIT`]).
    pub fn run(self) -> Outcome {
        let shown = self
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let mut child = self
            .command()
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netlicensing-keys");
        if let (Some(text), Some(mut pipe)) = (self.stdin, child.stdin.take()) {
            // Small inputs fit the pipe; the program may also exit without reading them.
            let _ = pipe.write_all(text.as_bytes());
        }
        let stdout = child.stdout.take().expect("stdout");
        let stdout = if self.closed_stdout {
            drop(stdout);
            read_in_background(std::io::empty(), "cli-stdout")
        } else {
            read_in_background(stdout, "cli-stdout")
        };
        let stderr = read_in_background(child.stderr.take().expect("stderr"), "cli-stderr");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll the program") {
                break status;
            }
            if started.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`netlicensing-keys {shown}` did not finish within {RUN_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        Outcome {
            command: shown,
            code: status.code(),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }
}

/// Reads a pipe to its end on a named thread.
pub fn read_in_background(
    mut pipe: impl std::io::Read + Send + 'static,
    name: &str,
) -> std::thread::JoinHandle<String> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8(bytes).expect("the program writes UTF-8")
        })
        .expect("start a reader thread")
}

/// How a run ended.
#[derive(Debug)]
pub struct Outcome {
    pub command: String,
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Fails the test unless the exit code is `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "`netlicensing-keys {}` exited with {:?}, expected {code}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.command,
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(self) -> Self {
        self.code(0)
    }

    /// The one error line the program printed, without `error: `. Fails the test unless
    /// standard error holds exactly that one line.
    #[track_caller]
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("error: "),
            "`netlicensing-keys {}`: expected one `error:` line on stderr, got:\n{}",
            self.command,
            self.stderr
        );
        &lines[0]["error: ".len()..]
    }

    /// Standard output and standard error together, for "never contains" checks.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Parses RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted CSV field");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A token item for an API key, as a scripted server sends it.
pub fn key_item(number: &str, role_id: &str, name: Option<&str>, customer: Option<&str>) -> Item {
    let mut properties = vec![
        ("number".to_owned(), number.to_owned()),
        ("active".to_owned(), "true".to_owned()),
        ("tokenType".to_owned(), "APIKEY".to_owned()),
        ("apiKeyRole".to_owned(), role_id.to_owned()),
        ("vendorNumber".to_owned(), "VDEMO".to_owned()),
    ];
    if let Some(name) = name {
        properties.push(("name".to_owned(), name.to_owned()));
    }
    if let Some(customer) = customer {
        properties.push(("licenseeNumber".to_owned(), customer.to_owned()));
    }
    Item {
        item_type: "Token".to_owned(),
        properties,
        lists: Vec::new(),
    }
}

/// A JSON envelope holding `items`, as one complete page.
pub fn items_json(items: Vec<Item>) -> String {
    let count = items.len() as u64;
    let envelope = Envelope {
        infos: Vec::new(),
        items,
        paging: Paging {
            page_number: Some(0),
            items_number: Some(count),
            total_pages: Some(1),
            total_items: Some(count),
            has_next: Some(false),
        },
    };
    write_json(&envelope, None)
}

/// A JSON envelope holding one item, as the answer about a single token.
pub fn item_json(item: Item) -> String {
    write_json(
        &Envelope {
            items: vec![item],
            ..Envelope::default()
        },
        None,
    )
}

/// A JSON envelope with one error.
pub fn error_json(id: &str, message: &str) -> String {
    write_json(
        &Envelope {
            infos: vec![Info {
                id: id.to_owned(),
                kind: InfoKind::Error,
                value: message.to_owned(),
            }],
            ..Envelope::default()
        },
        None,
    )
}
