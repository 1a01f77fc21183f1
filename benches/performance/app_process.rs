//! The real app process: `netlicensing-keys --sandbox` on a private Xvfb display (or the
//! display this runs on). Start-up is timed from launch to the app's first frame, idle CPU is
//! read from `/proc/<pid>/stat` over a quiet stretch after the list loaded, and memory is the
//! resident set with 100,000 keys loaded from a sandbox in another process (as they would come
//! from NetLicensing); the embedded sandbox, with its own copy of the keys, is shown beside it.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::report::Report;

const BINARY: &str = env!("CARGO_BIN_EXE_netlicensing-keys");
const TARGET_START_UP: Duration = Duration::from_millis(500);
const TARGET_IDLE_PERCENT: f64 = 1.0;
const TARGET_RSS_MB: f64 = 150.0;
const LARGE_LIST: usize = 100_000;
const START_UP_LAUNCHES: usize = 5;
/// Long enough to average over the status line's "refreshed … ago", which is redrawn every ten
/// seconds in the first minute (a full redraw: about 45 ms of CPU with Mesa's software OpenGL).
const IDLE_SPAN: Duration = Duration::from_secs(30);
/// Time for the calls that follow the list (the access check) to finish before idling counts.
const SETTLE: Duration = Duration::from_secs(2);
/// `/proc/<pid>/stat` counts CPU time in clock ticks: `USER_HZ`, 100 on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

pub fn run(report: &mut Report) -> Result<(), String> {
    println!("The app process: {BINARY} --sandbox");
    let display = match Display::open() {
        Ok(display) => display,
        Err(why) => {
            report.missing("start-up: launch to first frame", &why, "< 500 ms");
            report.missing("idle CPU after the list loaded", &why, "< 1% of one core");
            report.missing("resident memory, 100,000 keys", &why, "< 150 MB");
            return Ok(());
        }
    };
    let config = std::env::temp_dir().join(format!("perf-settings-{}.toml", std::process::id()));
    start_up(report, &display, &config)?;

    let mut app = AppProcess::launch(&display, &config, &Sandboxed::Embedded(0))?;
    app.wait_for("list loaded:", Duration::from_secs(30))?;
    let idle = app.idle_percent()?;
    report.target(
        "idle CPU after the list loaded (default sandbox)",
        format!("{idle:.2}% of one core"),
        &format!("< {TARGET_IDLE_PERCENT}% of one core"),
        idle < TARGET_IDLE_PERCENT,
    );
    report.info(
        "resident memory, 6 keys (default sandbox): the baseline",
        app.memory()?.describe(),
    );
    drop(app);

    // The app alone: the keys come from a sandbox in another process, as from NetLicensing.
    let sandbox = SandboxProcess::start(LARGE_LIST)?;
    let mut app = AppProcess::launch(&display, &config, &Sandboxed::External(sandbox.url.clone()))?;
    let loaded = app.wait_for("list loaded:", Duration::from_mins(3))?;
    println!(
        "  {LARGE_LIST} keys loaded {} ms after launch",
        loaded.as_millis()
    );
    std::thread::sleep(SETTLE);
    let memory = app.memory()?;
    report.target(
        "resident memory of the app, 100,000 keys loaded",
        memory.describe(),
        &format!("< {TARGET_RSS_MB:.0} MB"),
        memory.resident < TARGET_RSS_MB,
    );
    let idle = app.idle_percent()?;
    report.target(
        "idle CPU, 100,000 keys loaded",
        format!("{idle:.2}% of one core"),
        &format!("< {TARGET_IDLE_PERCENT}% of one core"),
        idle < TARGET_IDLE_PERCENT,
    );
    drop(app);
    drop(sandbox);

    // For comparison: `--sandbox` with the sandbox's own copy of the keys in the same process.
    let mut app = AppProcess::launch(&display, &config, &Sandboxed::Embedded(LARGE_LIST))?;
    app.wait_for("list loaded:", Duration::from_mins(3))?;
    std::thread::sleep(SETTLE);
    report.info(
        "resident memory, 100,000 keys, embedded sandbox (its copy included)",
        app.memory()?.describe(),
    );
    drop(app);
    let _ = std::fs::remove_file(&config);
    Ok(())
}

/// Launch to first frame, several launches: the median is the figure; the first launch after a
/// build reads the libraries from disk and is shown beside it.
fn start_up(report: &mut Report, display: &Display, config: &Path) -> Result<(), String> {
    let mut launches = Vec::with_capacity(START_UP_LAUNCHES);
    for _ in 0..START_UP_LAUNCHES {
        let mut app = AppProcess::launch(display, config, &Sandboxed::Embedded(0))?;
        launches.push(app.wait_for("first frame after", Duration::from_secs(20))?);
    }
    let median = super::measure::median(&launches);
    let all: Vec<String> = launches.iter().map(|d| d.as_millis().to_string()).collect();
    report.target(
        "start-up: launch to first frame (default sandbox), median",
        format!(
            "{} ms (launches: {} ms)",
            median.as_millis(),
            all.join(", ")
        ),
        &format!("< {} ms", TARGET_START_UP.as_millis()),
        median < TARGET_START_UP,
    );
    Ok(())
}

/// Where the app's sandbox runs.
enum Sandboxed {
    /// In the app's process, with this many generated keys.
    Embedded(usize),
    /// Elsewhere, at this base URL.
    External(String),
}

/// `netlicensing-keys sandbox`, stopped on drop.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start(keys: usize) -> Result<SandboxProcess, String> {
        let mut child = Command::new(BINARY)
            .args(["sandbox", "--seed-keys", &(keys - 6).to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("the sandbox did not start: {e}"))?;
        let stdout = child.stdout.take().ok_or("the sandbox has no stdout")?;
        // Its first line is the base URL, printed once it accepts connections.
        let mut url = String::new();
        BufReader::new(stdout)
            .read_line(&mut url)
            .map_err(|e| format!("the sandbox printed no URL: {e}"))?;
        let sandbox = SandboxProcess {
            child,
            url: url.trim().to_owned(),
        };
        if sandbox.url.is_empty() {
            return Err("the sandbox printed no URL".to_owned());
        }
        Ok(sandbox)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory in MB (10^6 bytes): all of it, and the part backed by files (the binary and
/// shared libraries, most of it Mesa's software OpenGL under Xvfb).
struct Memory {
    resident: f64,
    from_files: f64,
    peak: f64,
}

impl Memory {
    fn describe(&self) -> String {
        format!(
            "{:.0} MB ({:.0} MB of it mapped files; peak {:.0} MB)",
            self.resident, self.from_files, self.peak
        )
    }
}

/// An X display for the app: a private Xvfb (stopped on drop), or the one already there.
struct Display {
    name: String,
    server: Option<Child>,
}

impl Display {
    fn open() -> Result<Display, String> {
        let has_xvfb = std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("Xvfb").is_file()));
        if !has_xvfb {
            return match std::env::var("DISPLAY") {
                Ok(name) if !name.is_empty() => Ok(Display { name, server: None }),
                _ => Err("no display and no Xvfb (apt-get install xvfb libxcursor1 libxi6 libxkbcommon-x11-0 libegl1 libegl-mesa0 libgl1-mesa-dri)".to_owned()),
            };
        }
        let number = 100 + std::process::id() % 400;
        let name = format!(":{number}");
        let server = Command::new("Xvfb")
            .args([
                name.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("Xvfb did not start: {e}"))?;
        let display = Display {
            name,
            server: Some(server),
        };
        let socket = format!("/tmp/.X11-unix/X{number}");
        let started = Instant::now();
        while !Path::new(&socket).exists() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err("Xvfb did not open its display".to_owned());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(display)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

/// The app, launched with its start-up report on; killed on drop.
struct AppProcess {
    child: Child,
    launched: Instant,
    /// Lines of its stderr with the time each arrived.
    lines: Receiver<(Instant, String)>,
}

impl AppProcess {
    fn launch(display: &Display, config: &Path, sandbox: &Sandboxed) -> Result<AppProcess, String> {
        let mut command = Command::new(BINARY);
        match sandbox {
            Sandboxed::Embedded(keys) => {
                // The six fixed keys count too.
                let seed = keys.saturating_sub(6);
                command.env("NETLICENSING_KEYS_SANDBOX_SEED_KEYS", seed.to_string());
            }
            Sandboxed::External(url) => {
                command.env("NETLICENSING_KEYS_SANDBOX_URL", url);
            }
        }
        let launched = Instant::now();
        let mut child = command
            .arg("--sandbox")
            .arg("--config")
            .arg(config)
            .env("DISPLAY", &display.name)
            .env_remove("WAYLAND_DISPLAY")
            .env("NETLICENSING_KEYS_REPORT_STARTUP", "1")
            // Empty: the sandbox keeps its keys in memory, so that the seed applies.
            .env("NETLICENSING_KEYS_SANDBOX_DATA", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the app did not start: {e}"))?;
        let stderr = child.stderr.take().ok_or("the app has no stderr")?;
        let (sender, lines) = mpsc::channel();
        std::thread::Builder::new()
            .name("app-stderr".to_owned())
            .spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if sender.send((Instant::now(), line)).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(AppProcess {
            child,
            launched,
            lines,
        })
    }

    /// Waits for a stderr line that starts with `prefix`; returns when it came after launch.
    fn wait_for(&mut self, prefix: &str, timeout: Duration) -> Result<Duration, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((at, line)) if line.starts_with(prefix) => {
                    println!("  app: {line}");
                    return Ok(at.duration_since(self.launched));
                }
                Ok(_) => {}
                Err(_) => {
                    let status = self.child.try_wait().ok().flatten();
                    return Err(match status {
                        Some(status) => format!("the app ended ({status}) before {prefix:?}"),
                        None => format!("the app did not print {prefix:?} in time"),
                    });
                }
            }
        }
    }

    /// Share of one core used over [`IDLE_SPAN`], after [`SETTLE`], with no input.
    fn idle_percent(&self) -> Result<f64, String> {
        std::thread::sleep(SETTLE);
        let before = self.cpu_ticks()?;
        std::thread::sleep(IDLE_SPAN);
        let after = self.cpu_ticks()?;
        #[allow(clippy::cast_precision_loss)] // tick counts are small
        let seconds = after.saturating_sub(before) as f64 / TICKS_PER_SECOND;
        Ok(100.0 * seconds / IDLE_SPAN.as_secs_f64())
    }

    /// utime + stime of the whole process, in clock ticks.
    fn cpu_ticks(&self) -> Result<u64, String> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .map_err(|e| format!("cannot read the app's CPU time: {e}"))?;
        // The command name may hold spaces; the fields after it are plain.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        // After the name: state is field 3, utime field 14, stime field 15.
        let tick = |field: usize| fields.get(field - 3).and_then(|v| v.parse::<u64>().ok());
        match (tick(14), tick(15)) {
            (Some(user), Some(system)) => Ok(user + system),
            _ => Err("the app's /proc stat has an unexpected shape".to_owned()),
        }
    }

    /// Resident memory now, from `/proc/<pid>/status`.
    fn memory(&self) -> Result<Memory, String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .map_err(|e| format!("cannot read the app's memory: {e}"))?;
        let megabytes = |key: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
                .map(|kilobytes| kilobytes / 1000.0)
                .ok_or_else(|| format!("no {key} in the app's /proc status"))
        };
        Ok(Memory {
            resident: megabytes("VmRSS:")?,
            from_files: megabytes("RssFile:")?,
            peak: megabytes("VmHWM:")?,
        })
    }
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
