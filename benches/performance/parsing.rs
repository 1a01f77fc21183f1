//! Parsing: a 10,000-token list body, JSON and XML, read into API keys the way `list_page`
//! does (envelope, then `ApiKey::from_item`), against `serde_json` alone reading the same JSON
//! into a `serde_json::Value`.

use std::hint::black_box;
use std::time::Duration;

use netlicensing_keys::api::ApiKey;
use netlicensing_keys::api::envelope::{self, Envelope, Paging, write_json, write_xml};
use netlicensing_keys::sandbox::{
    DEMO_PASSWORD, DEMO_USERNAME, MAX_PAGE_SIZE, Sandbox, SandboxOptions,
};

use super::measure::{median, ms, time_cpu};
use super::report::Report;

const TOKENS: usize = 10_000;
/// Each parser runs this often; the median counts.
const RUNS: usize = 21;
const TARGET_RATIO: f64 = 2.0;

pub fn run(report: &mut Report) -> Result<(), String> {
    println!("Parsing: a {TOKENS}-token list body, median of {RUNS} runs each");
    let tokens = sandbox_tokens()?;
    let json = write_json(&tokens, None).into_bytes();
    let xml = write_xml(&tokens, None).into_bytes();
    println!(
        "  bodies: JSON {} KiB, XML {} KiB",
        json.len() / 1024,
        xml.len() / 1024
    );
    let baseline = median_time(|| {
        serde_json::from_slice::<serde_json::Value>(&json).map_err(|e| e.to_string())?;
        Ok(TOKENS)
    })?;
    report.info("parse: serde_json::Value baseline (JSON)", ms(baseline));
    for (format, body) in [("JSON", &json), ("XML", &xml)] {
        let ours = median_time(|| {
            let envelope = envelope::parse(body).map_err(|e| e.to_string())?;
            let keys: Vec<ApiKey> = envelope
                .items
                .iter()
                .filter_map(ApiKey::from_item)
                .collect();
            Ok(keys.len())
        })?;
        let ratio = ours.as_secs_f64() / baseline.as_secs_f64();
        report.target(
            &format!("parse {format} into API keys / serde_json::Value"),
            format!("{ratio:.2}x ({} vs {})", ms(ours), ms(baseline)),
            &format!("<= {TARGET_RATIO:.1}x"),
            ratio <= TARGET_RATIO,
        );
    }
    Ok(())
}

/// The median CPU time of `parse`, which must find all the tokens.
fn median_time(parse: impl Fn() -> Result<usize, String>) -> Result<Duration, String> {
    let mut samples = Vec::with_capacity(RUNS);
    // One run first to warm the allocator and caches.
    for run in 0..=RUNS {
        let (found, spent) = time_cpu(|| black_box(parse()));
        let found = found?;
        if found != TOKENS {
            return Err(format!("a parser found {found} keys instead of {TOKENS}"));
        }
        if run > 0 {
            samples.push(spent);
        }
    }
    Ok(median(&samples))
}

/// The tokens of a sandbox with 10,000 API keys, as its list pages carry them, in one envelope.
fn sandbox_tokens() -> Result<Envelope, String> {
    let sandbox = Sandbox::start(SandboxOptions {
        // The six fixed API keys make it 10,000.
        seed_keys: TOKENS - 6,
        ..SandboxOptions::default()
    })
    .map_err(|e| e.to_string())?;
    let http = reqwest::blocking::Client::new();
    let mut all = Envelope::default();
    for page in 0..TOKENS.div_ceil(MAX_PAGE_SIZE) {
        let url = format!(
            "{}/token?filter=tokenType=APIKEY;page={page};items={MAX_PAGE_SIZE}",
            sandbox.base_url()
        );
        let body = http
            .get(url)
            .basic_auth(DEMO_USERNAME, Some(DEMO_PASSWORD))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .and_then(reqwest::blocking::Response::bytes)
            .map_err(|e| format!("the sandbox did not answer: {e}"))?;
        let envelope = envelope::parse(&body).map_err(|e| e.to_string())?;
        all.items.extend(envelope.items);
    }
    let count = all.items.len() as u64;
    all.paging = Paging {
        page_number: Some(0),
        items_number: Some(count),
        total_pages: Some(1),
        total_items: Some(count),
        has_next: Some(false),
    };
    Ok(all)
}
