//! Listing: 10,000 API keys from the sandbox with 20 ms latency per response, pages fetched
//! several at a time, against the same pages fetched one after another. Then the grid of page
//! sizes and concurrency that `DEFAULT_PAGE_SIZE` and `DEFAULT_CONCURRENCY` were chosen from.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use netlicensing_keys::api::listing::{DEFAULT_CONCURRENCY, DEFAULT_PAGE_SIZE};
use netlicensing_keys::api::{Client, ClientConfig, Credentials, ListOptions};
use netlicensing_keys::sandbox::{DEMO_PASSWORD, DEMO_USERNAME, Sandbox, SandboxOptions};

use super::measure::median;
use super::report::Report;

const KEYS: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(20);
const RUNS: usize = 3;
const TARGET_RATIO: f64 = 0.35;
const SWEEP_PAGE_SIZES: [u32; 5] = [50, 100, 250, 500, 1000];
const SWEEP_CONCURRENCY: [usize; 4] = [1, 2, 4, 8];

pub fn run(report: &mut Report) -> Result<(), String> {
    println!(
        "Listing: {KEYS} keys, {} ms latency per response, median wall time of {RUNS} runs",
        LATENCY.as_millis()
    );
    let sandbox = Sandbox::start(SandboxOptions {
        seed_keys: KEYS - 6,
        latency: LATENCY,
        ..SandboxOptions::default()
    })
    .map_err(|e| e.to_string())?;
    let client = Client::new(
        &ClientConfig::new(sandbox.base_url()),
        Credentials::vendor_login(DEMO_USERNAME, DEMO_PASSWORD),
    )
    .map_err(|e| e.to_string())?;
    let chosen = ListOptions::default();
    let one_by_one = ListOptions {
        concurrency: 1,
        ..chosen
    };
    let concurrent = median_wall(&client, chosen)?;
    let sequential = median_wall(&client, one_by_one)?;
    let ratio = concurrent.as_secs_f64() / sequential.as_secs_f64();
    report.target(
        &format!(
            "list {KEYS} keys: {DEFAULT_CONCURRENCY} pages in flight / one by one (page size {DEFAULT_PAGE_SIZE})"
        ),
        format!(
            "{ratio:.2} ({} ms vs {} ms)",
            concurrent.as_millis(),
            sequential.as_millis()
        ),
        &format!("<= {TARGET_RATIO}"),
        ratio <= TARGET_RATIO,
    );
    sweep(&client)
}

/// Wall time (ms) of every page size and concurrency of the grid, one run each, printed as a
/// table: the numbers the defaults were chosen from (README, "Performance").
fn sweep(client: &Client) -> Result<(), String> {
    println!("  page size x pages in flight, wall time in ms (one run each):");
    let mut header = String::from("    size");
    for concurrency in SWEEP_CONCURRENCY {
        let _ = write!(header, " {concurrency:>6}");
    }
    println!("{header}");
    for page_size in SWEEP_PAGE_SIZES {
        let mut line = format!("    {page_size:>4}");
        for concurrency in SWEEP_CONCURRENCY {
            let took = wall(
                client,
                ListOptions {
                    page_size,
                    concurrency,
                },
            )?;
            let _ = write!(line, " {:>6}", took.as_millis());
        }
        println!("{line}");
    }
    Ok(())
}

fn median_wall(client: &Client, options: ListOptions) -> Result<Duration, String> {
    let samples = (0..RUNS)
        .map(|_| wall(client, options))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(median(&samples))
}

/// One full list; it must find every key.
fn wall(client: &Client, options: ListOptions) -> Result<Duration, String> {
    let started = Instant::now();
    let keys = client
        .list_api_keys_with(options, &|_| {})
        .map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if keys.len() != KEYS {
        return Err(format!("the list held {} keys, not {KEYS}", keys.len()));
    }
    Ok(took)
}
