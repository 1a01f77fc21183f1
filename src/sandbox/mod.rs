//! The sandbox: a local NetLicensing-compatible HTTP service for the token API.
//!
//! It follows API.md rather than convenience: the same envelopes (written by the API client's
//! own writers), the same authentication and roles, the same status codes. It serves the
//! public demo vendor account ([`DEMO_USERNAME`] / [`DEMO_PASSWORD`], vendor [`DEMO_VENDOR`])
//! under [`BASE_PATH`], seeded with the keys in [`seed`].
//!
//! Lists are paged with `filter=page=N;items=M`: [`DEFAULT_PAGE_SIZE`] items by default,
//! at most [`MAX_PAGE_SIZE`].
//!
//! Faults (a delay, 500s or dropped connections, malformed bodies) are for testing how the
//! app copes; set them with [`SandboxOptions`], the [`Sandbox`] methods, or over HTTP through
//! a control endpoint outside the API's base path, for demos and out-of-process tests:
//!
//! - `GET /sandbox/faults` shows the settings as JSON
//!   (`{"fail_rate":0.0,"latency_ms":0,"malform_next":0}`);
//! - `POST /sandbox/faults` with form fields `latency_ms` (0 to 60000), `fail_rate` (0 to 1)
//!   and `malform_next` (a count), each optional, changes them and shows the result; a bad
//!   value is a 400 and changes nothing.
//!
//! It needs no credentials, is never itself faulty, and answers only to peers on this
//! computer (403 otherwise), so a sandbox opened to the network cannot be disturbed from it:
//!
//! ```text
//! curl -d latency_ms=500 -d fail_rate=0.2 http://127.0.0.1:PORT/sandbox/faults
//! ```

mod auth;
mod clock;
mod connection;
mod data_file;
mod error;
mod faults;
mod filter;
mod form;
mod render;
mod routes;
pub mod seed;
mod server;
mod store;
mod token;

use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use error::SandboxError;
pub use filter::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use data_file::DataFile;
use faults::Faults;
use routes::AppState;
use server::Server;
use store::Store;

/// The vendor login of the public demo account.
pub const DEMO_USERNAME: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo";
/// The demo account's vendor number, on every token.
pub const DEMO_VENDOR: &str = "VDEMO";
/// Where the API lives, as on the live service.
pub const BASE_PATH: &str = "/core/v2/rest";

/// How to run a sandbox.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// Address to listen on; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Allows a non-loopback `listen` address (then reachable from other computers).
    pub allow_remote: bool,
    /// Keeps the tokens in this file across restarts. Without it, state lives in memory.
    /// An existing file is read (and never replaced if damaged); a missing one is created.
    pub data_file: Option<PathBuf>,
    /// Generated API keys added to a fresh store (not to a state read from `data_file`).
    pub seed_keys: usize,
    /// Delay before every API response.
    pub latency: Duration,
    /// Share of API requests, 0 to 1, that fail with a 500 or a dropped connection.
    pub fail_rate: f64,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            allow_remote: false,
            data_file: None,
            seed_keys: 0,
            latency: Duration::ZERO,
            fail_rate: 0.0,
        }
    }
}

/// A running sandbox. It stops when dropped (or with [`Sandbox::stop`]).
pub struct Sandbox {
    addr: SocketAddr,
    faults: Arc<Faults>,
    server: Server,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The most generated keys a sandbox starts with: more would take gigabytes (or abort on
/// allocation) for nothing a test or a demo needs.
pub const MAX_SEED_KEYS: usize = 1_000_000;

impl Sandbox {
    /// Starts a sandbox on its own runtime thread; returns once it accepts connections.
    pub fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        Sandbox::launch(options, false)
    }

    fn launch(options: SandboxOptions, on_ctrl_c: bool) -> Result<Sandbox, SandboxError> {
        if !(0.0..=1.0).contains(&options.fail_rate) {
            return Err(SandboxError::InvalidOption {
                name: "fail rate",
                reason: format!("{} is not between 0 and 1", options.fail_rate),
            });
        }
        if options.seed_keys > MAX_SEED_KEYS {
            return Err(SandboxError::InvalidOption {
                name: "seed keys",
                reason: format!(
                    "{} is more than the {MAX_SEED_KEYS} generated keys it can start with",
                    options.seed_keys
                ),
            });
        }
        let requested = options.listen;
        if !requested.ip().is_loopback() {
            if !options.allow_remote {
                return Err(SandboxError::RemoteNotAllowed { addr: requested });
            }
            tracing::warn!(addr = %requested, "the sandbox is reachable from other computers");
        }
        let listener = bind(requested)?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: requested,
            source,
        })?;
        let persistent = options.data_file.is_some();
        let (data_file, store) = load(options.data_file, options.seed_keys)?;
        let tokens = store.len();
        let faults = Arc::new(Faults::default());
        faults.set_latency(options.latency);
        faults.set_fail_rate(options.fail_rate);
        let state = AppState {
            store: Arc::new(Mutex::new(store)),
            data_file,
            faults: Arc::clone(&faults),
        };
        let server = Server::spawn(listener, addr, state, on_ctrl_c)?;
        tracing::info!(%addr, tokens, persistent, "sandbox listening");
        Ok(Sandbox {
            addr,
            faults,
            server,
        })
    }

    /// The address it listens on (with the real port).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// For example `http://127.0.0.1:41234/core/v2/rest`. A sandbox listening on all
    /// interfaces is reached locally through loopback.
    pub fn base_url(&self) -> String {
        format!("{}{BASE_PATH}", self.root_url())
    }

    /// The fault control endpoint (see `faults.rs`), for out-of-process tools.
    pub fn faults_url(&self) -> String {
        format!("{}{}", self.root_url(), faults::CONTROL_PATH)
    }

    fn root_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Delay before every API response from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.faults.set_latency(latency);
    }

    /// Share of API requests that fail from now on; clamped to 0..=1.
    pub fn set_fail_rate(&self, rate: f64) {
        self.faults.set_fail_rate(rate);
    }

    /// The next `count` API responses that have a body get a malformed one (cut in the
    /// middle). Bodiless answers (204) do not count. Replaces any count left.
    pub fn malform_next(&self, count: u32) {
        self.faults.malform_next(count);
    }

    /// Stops gracefully: no new connections; requests in progress get a short grace period.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.stop();
    }
}

/// Runs a sandbox in the foreground for `netlicensing-keys sandbox`: prints one line, the
/// base URL, to stdout as soon as it accepts connections, then serves until Ctrl-C.
pub fn run_foreground(options: SandboxOptions) -> Result<(), SandboxError> {
    let remote = !options.listen.ip().is_loopback();
    let mut sandbox = Sandbox::launch(options, true)?;
    if remote {
        eprintln!(
            "Warning: the sandbox listens on {} and other computers can reach it. Its demo credentials are public.",
            sandbox.addr
        );
    }
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{}", sandbox.base_url())
        .and_then(|()| stdout.flush())
        .map_err(SandboxError::Output)?;
    drop(stdout);
    eprintln!("The NetLicensing sandbox is running; press Ctrl-C to stop it.");
    sandbox.server.wait()
}

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, SandboxError> {
    let listener = std::net::TcpListener::bind(addr).map_err(|source| {
        if source.kind() == io::ErrorKind::AddrInUse {
            SandboxError::PortInUse { addr }
        } else {
            SandboxError::Bind { addr, source }
        }
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| SandboxError::Bind { addr, source })?;
    Ok(listener)
}

/// The starting state: the data file's, or a freshly seeded store (saved at once when there
/// is a data file, so that a path that cannot be written fails now, not on the first change).
fn load(
    data_file: Option<PathBuf>,
    seed_keys: usize,
) -> Result<(Option<Arc<DataFile>>, Store), SandboxError> {
    let Some(path) = data_file else {
        return Ok((None, fresh_store(seed_keys)));
    };
    let (file, existing) = DataFile::open(&path)?;
    let store = if let Some(store) = existing {
        if seed_keys > 0 {
            tracing::warn!(
                seed_keys,
                "the data file already holds tokens; no keys were generated"
            );
        }
        store
    } else {
        let store = fresh_store(seed_keys);
        file.save(&DataFile::snapshot(&store))
            .map_err(|source| SandboxError::DataFileWrite { path, source })?;
        store
    };
    Ok((Some(Arc::new(file)), store))
}

fn fresh_store(generated: usize) -> Store {
    let mut store = Store::default();
    store.reserve(generated + 8);
    let tokens = seed::fixed_tokens(time::OffsetDateTime::now_utc())
        .into_iter()
        .chain(seed::generated_keys(generated));
    for token in tokens {
        // Generated numbers are hashes: a clash with a fixed one is not expected, and would
        // only drop that one generated key.
        let _ = store.insert(token);
    }
    store
}
