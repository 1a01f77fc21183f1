//! Fetching every page of the key list, several pages at a time.
//!
//! The first page tells how many pages there are; the rest are fetched by a few worker threads
//! at once. Servers that send no page count are followed page by page through `hasnext`.
//!
//! Workers only fetch and parse; the calling thread turns each page into keys, in page order,
//! straight into one vector sized from the first page's item count. So the keys, which live on,
//! are allocated by one thread, apart from the short-lived bodies and items the workers make and
//! drop: the memory of those goes back to the system instead of staying pinned between keys
//! (with 100,000 keys that pinned memory was as large as the keys themselves).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use super::client::Client;
use super::envelope::Envelope;
use super::error::ApiError;
use super::token::ApiKey;

/// How to fetch a long list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListOptions {
    /// Items requested per page. The server may apply a smaller maximum; paging follows what it says.
    pub page_size: u32,
    /// Pages in flight at once after the first.
    pub concurrency: usize,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            page_size: DEFAULT_PAGE_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// See the README's performance section for how these were chosen.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const DEFAULT_CONCURRENCY: usize = 4;

/// A guard against servers that ignore `page` and always say `hasnext=true`.
const MAX_PAGES: u64 = 100_000;

/// The most keys room is made for up front, whatever a server claims its total is.
const MAX_RESERVED_KEYS: u64 = 1_000_000;

/// Progress of a long list, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListProgress {
    pub pages_done: u64,
    /// Unknown while the first page is on its way, or when the server sends no page count.
    pub pages_total: Option<u64>,
}

impl Client {
    /// Every API key of the account, all pages, without duplicates.
    pub fn list_api_keys(&self) -> Result<Vec<ApiKey>, ApiError> {
        self.list_api_keys_with(ListOptions::default(), &|_| {})
    }

    /// Every API key, reporting progress after each page. Reports come from the calling thread,
    /// in order.
    pub fn list_api_keys_with(
        &self,
        options: ListOptions,
        progress: &(dyn Fn(ListProgress) + Sync),
    ) -> Result<Vec<ApiKey>, ApiError> {
        let page_size = options.page_size.max(1);
        progress(ListProgress {
            pages_done: 0,
            pages_total: None,
        });
        let first = self.list_page_envelope(0, page_size)?;
        let total = first.paging.total_pages.filter(|&n| n > 0);
        let expected_keys = first.paging.total_items.unwrap_or(0).min(MAX_RESERVED_KEYS);
        let mut keys = Vec::with_capacity(usize::try_from(expected_keys).unwrap_or(0));
        append_keys(&mut keys, &first);
        let mut has_next = first.paging.has_next == Some(true);
        drop(first);
        progress(ListProgress {
            pages_done: 1,
            pages_total: total,
        });
        let mut next = 1;
        if let Some(total) = total.map(|n| n.min(MAX_PAGES)) {
            self.fetch_pages_concurrently(1..total, page_size, options.concurrency, |page| {
                append_keys(&mut keys, &page);
                has_next = page.paging.has_next == Some(true);
                next += 1;
                progress(ListProgress {
                    pages_done: next,
                    pages_total: Some(total),
                });
            })?;
        }
        // Follow `hasnext` beyond what is known: servers without a page count, or keys added
        // while the list was loading.
        while next < MAX_PAGES && has_next {
            let page = self.list_page_envelope(next, page_size)?;
            // A server that ignores `page` answers page 0 again: stop rather than loop.
            if page.paging.page_number.is_some_and(|n| n != next) {
                break;
            }
            let before = keys.len();
            append_keys(&mut keys, &page);
            if keys.len() == before {
                break;
            }
            has_next = page.paging.has_next == Some(true);
            next += 1;
            progress(ListProgress {
                pages_done: next,
                pages_total: total.filter(|&t| t >= next),
            });
        }
        Ok(deduplicate(keys))
    }

    /// Fetches the pages of `range` with up to `concurrency` workers and hands each one to
    /// `on_page` on this thread, in page order.
    fn fetch_pages_concurrently(
        &self,
        range: std::ops::Range<u64>,
        page_size: u32,
        concurrency: usize,
        mut on_page: impl FnMut(Envelope),
    ) -> Result<(), ApiError> {
        let next_to_fetch = AtomicU64::new(range.start);
        let failed = AtomicBool::new(false);
        let count = usize::try_from(range.end.saturating_sub(range.start)).unwrap_or(usize::MAX);
        let workers = concurrency.clamp(1, count.max(1));
        let mut next_in_order = range.start;
        let mut first_error = None;
        std::thread::scope(|scope| {
            let (sender, pages) = mpsc::channel::<(u64, Result<Envelope, ApiError>)>();
            for worker in 0..workers {
                let sender = sender.clone();
                let (next_to_fetch, failed, range) = (&next_to_fetch, &failed, &range);
                let work = move || {
                    while !failed.load(Ordering::Relaxed) {
                        let page = next_to_fetch.fetch_add(1, Ordering::Relaxed);
                        if page >= range.end {
                            break;
                        }
                        let result = self.list_page_envelope(page, page_size);
                        failed.fetch_or(result.is_err(), Ordering::Relaxed);
                        if sender.send((page, result)).is_err() {
                            break;
                        }
                    }
                };
                let spawned = std::thread::Builder::new()
                    .name(format!("list-pages-{worker}"))
                    .spawn_scoped(scope, work);
                if spawned.is_err() {
                    // No thread to be had: the pages left are fetched by the others, or below.
                    break;
                }
            }
            // The workers hold the only senders left: the loop ends when they are all done.
            drop(sender);
            let mut waiting = BTreeMap::new();
            for (page, result) in pages {
                match result {
                    Ok(envelope) => {
                        waiting.insert(page, envelope);
                    }
                    Err(error) => {
                        first_error.get_or_insert(error);
                    }
                }
                while let Some(envelope) = waiting.remove(&next_in_order) {
                    on_page(envelope);
                    next_in_order += 1;
                }
            }
        });
        if let Some(error) = first_error {
            return Err(error);
        }
        // Only when no worker thread could be started at all.
        for page in next_in_order..range.end {
            on_page(self.list_page_envelope(page, page_size)?);
        }
        Ok(())
    }
}

fn append_keys(keys: &mut Vec<ApiKey>, page: &Envelope) {
    keys.extend(page.items.iter().filter_map(ApiKey::from_item));
}

/// Drops keys seen before, keeping the order (a key deleted while the list loads shifts the
/// later pages by one, so the key at a page boundary comes twice).
fn deduplicate(mut keys: Vec<ApiKey>) -> Vec<ApiKey> {
    let mut seen = HashSet::with_capacity(keys.len());
    let first_sightings: Vec<bool> = keys
        .iter()
        .map(|key| seen.insert(key.number.expose()))
        .collect();
    drop(seen);
    let mut first_sightings = first_sightings.into_iter();
    keys.retain(|_| first_sightings.next().unwrap_or(true));
    keys.shrink_to_fit();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{KeyDetails, Secret};

    fn key(number: &str) -> ApiKey {
        ApiKey::new(Secret::new(number), None, KeyDetails::default())
    }

    #[test]
    fn keys_seen_before_are_dropped_and_the_order_kept() {
        let keys = ["a", "b", "b", "c", "a", "d"].map(key).to_vec();
        let numbers: Vec<String> = deduplicate(keys)
            .iter()
            .map(|k| k.number.expose().to_owned())
            .collect();
        assert_eq!(numbers, ["a", "b", "c", "d"]);
    }
}
