//! Clocks and statistics shared by the measurements.
//!
//! CPU time is read per thread (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, in nanoseconds), so
//! that other builds on a shared machine slow the wall clock but barely the figure. Where there
//! is no such clock, wall time is used and the output says so.

use std::time::{Duration, Instant};

/// CPU time of the calling thread so far, or `None` where the system does not tell.
#[cfg(unix)]
pub fn thread_cpu_time() -> Option<Duration> {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    let seconds = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    Some(Duration::new(seconds, nanos))
}

#[cfg(not(unix))]
pub fn thread_cpu_time() -> Option<Duration> {
    None
}

/// What the clock of [`time_cpu`] measures, for the output.
pub fn cpu_clock_name() -> &'static str {
    if thread_cpu_time().is_some() {
        "thread CPU time (CLOCK_THREAD_CPUTIME_ID)"
    } else {
        "wall time (no per-thread CPU clock on this system)"
    }
}

/// Runs `work` and returns its result with the CPU time it took on this thread.
pub fn time_cpu<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let wall = Instant::now();
    let before = thread_cpu_time();
    let result = work();
    let spent = match (before, thread_cpu_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall.elapsed(),
    };
    (result, spent)
}

/// The median of some durations (the mean of the middle two for an even count).
pub fn median(samples: &[Duration]) -> Duration {
    percentile(samples, 50)
}

/// The `percent`th percentile, nearest rank on a sorted copy.
pub fn percentile(samples: &[Duration], percent: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => Duration::ZERO,
        n if percent == 50 && n % 2 == 0 => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        n => sorted[((n - 1) * percent.min(100)).div_ceil(100)],
    }
}

/// Milliseconds with two decimals, for tables.
pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// The load average as `/proc/loadavg` tells it (1, 5 and 15 minutes).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

/// How many cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}
