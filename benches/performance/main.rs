//! The performance benchmark: `cargo bench --bench performance` (release build, about three
//! minutes). It measures every figure of the performance targets in this run, prints each one
//! as it goes, then a table of figure, measurement, target and PASS/FAIL, and exits non-zero
//! when a target is missed. README, "Performance", says what each figure means.
//!
//! Not part of CI: on a shared two-core machine the timings need a quiet moment, so the load
//! average is printed beside them.

mod app_process;
mod frames;
mod listing;
mod measure;
mod parsing;
mod report;

use std::process::ExitCode;
use std::time::Instant;

use report::Report;

/// One part of the benchmark: it adds its figures, or fails as a whole.
type Section = fn(&mut Report) -> Result<(), String>;

fn main() -> ExitCode {
    let started = Instant::now();
    println!("netlicensing-keys performance benchmark");
    println!(
        "  machine: {} cores, load average {} at the start",
        measure::cores(),
        measure::load_average()
    );
    println!(
        "  CPU clock for parsing and frames: {}",
        measure::cpu_clock_name()
    );
    let mut report = Report::default();
    let sections: [(&str, Section); 4] = [
        ("parsing", parsing::run),
        ("listing", listing::run),
        ("frames", frames::run),
        ("app process", app_process::run),
    ];
    // `cargo bench --bench performance -- frames listing` runs only those parts (cargo itself
    // passes `--bench`).
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    for (name, section) in sections {
        if !wanted.is_empty() && !wanted.iter().any(|w| name.contains(w.as_str())) {
            continue;
        }
        if let Err(error) = section(&mut report) {
            report.missing(name, &error, "runs");
        }
    }
    println!();
    print!("{}", report.table());
    println!(
        "Measured in {:.0} s; load average {} at the end. Frames and parsing count thread CPU time, listing and start-up wall time.",
        started.elapsed().as_secs_f64(),
        measure::load_average()
    );
    if report.all_met() {
        println!("Every target is met.");
        ExitCode::SUCCESS
    } else {
        println!("Some targets are missed (FAIL above).");
        ExitCode::FAILURE
    }
}
