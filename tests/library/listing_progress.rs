#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! The progress a long list reports (the app's progress bar, the command line's stderr line):
//! it counts every page once, never steps back, and ends on "all pages done", however the
//! worker threads finish.

use std::sync::Mutex;
use std::time::Duration;

use crate::sandbox_support::{sandbox_with, vendor_client};
use netlicensing_keys::api::{ListOptions, ListProgress};
use netlicensing_keys::sandbox::SandboxOptions;

#[test]
fn progress_counts_up_to_the_page_total_in_order() {
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 194,
        // Enough delay that the workers overlap and finish in shuffled order.
        latency: Duration::from_millis(3),
        ..SandboxOptions::default()
    });
    let client = vendor_client(&sandbox);
    let reports: Mutex<Vec<ListProgress>> = Mutex::new(Vec::new());
    let keys = client
        .list_api_keys_with(
            ListOptions {
                page_size: 5,
                concurrency: 8,
            },
            &|p| reports.lock().unwrap().push(p),
        )
        .expect("list");
    assert_eq!(keys.len(), 200, "194 generated and 6 fixed API keys");
    let reports = reports.into_inner().unwrap();
    let total = 40;
    assert_eq!(
        reports.first(),
        Some(&ListProgress {
            pages_done: 0,
            pages_total: None
        }),
        "the first report comes before any page, while the total is unknown"
    );
    let done: Vec<u64> = reports.iter().map(|p| p.pages_done).collect();
    assert_eq!(
        done,
        (0..=total).collect::<Vec<_>>(),
        "one report per page, in order"
    );
    assert!(reports[1..].iter().all(|p| p.pages_total == Some(total)));
}
