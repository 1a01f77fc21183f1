//! Fetching every page of the key list, several pages at a time.
//!
//! The first page tells how many pages there are; the rest are fetched by a few worker threads
//! at once. Servers that send no page count are followed page by page through `hasnext`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::client::{Client, KeyPage};
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

    /// Every API key, reporting progress after each page.
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
        let first = self.list_page(0, page_size)?;
        let total = first.paging.total_pages.filter(|&n| n > 0);
        let mut pages = vec![first];
        progress(ListProgress {
            pages_done: 1,
            pages_total: total,
        });
        if let Some(total) = total.map(|n| n.min(MAX_PAGES)) {
            let rest =
                self.fetch_pages_concurrently(1..total, page_size, options, total, progress)?;
            pages.extend(rest);
        }
        // Follow `hasnext` beyond what is known: servers without a page count, or keys added
        // while the list was loading.
        let mut next = pages.len() as u64;
        while next < MAX_PAGES
            && pages
                .last()
                .is_some_and(|page| page.paging.has_next == Some(true))
        {
            let page = self.list_page(next, page_size)?;
            // A server that ignores `page` answers page 0 again: stop rather than loop.
            if page.paging.page_number.is_some_and(|n| n != next) || page.keys.is_empty() {
                break;
            }
            pages.push(page);
            next += 1;
            progress(ListProgress {
                pages_done: next,
                pages_total: total.filter(|&t| t >= next),
            });
        }
        Ok(deduplicate(pages))
    }

    fn fetch_pages_concurrently(
        &self,
        range: std::ops::Range<u64>,
        page_size: u32,
        options: ListOptions,
        total: u64,
        progress: &(dyn Fn(ListProgress) + Sync),
    ) -> Result<Vec<KeyPage>, ApiError> {
        let start = range.start;
        let count = usize::try_from(range.end.saturating_sub(start)).unwrap_or(0);
        let results: Mutex<Vec<Option<KeyPage>>> = Mutex::new((0..count).map(|_| None).collect());
        let first_error: Mutex<Option<ApiError>> = Mutex::new(None);
        let next = AtomicU64::new(start);
        // Counted and reported under one lock, so that reports from several workers arrive in
        // order: a progress bar never steps back, and the last report is the last page.
        let done = Mutex::new(start);
        let failed = AtomicBool::new(false);
        let workers = options.concurrency.clamp(1, count.max(1));
        std::thread::scope(|scope| {
            for worker in 0..workers {
                let work = || {
                    while !failed.load(Ordering::Relaxed) {
                        let page = next.fetch_add(1, Ordering::Relaxed);
                        if page >= range.end {
                            break;
                        }
                        match self.list_page(page, page_size) {
                            Ok(result) => {
                                let index = usize::try_from(page - start).unwrap_or(usize::MAX);
                                if let Ok(mut slots) = results.lock()
                                    && let Some(slot) = slots.get_mut(index)
                                {
                                    *slot = Some(result);
                                }
                                if let Ok(mut pages_done) = done.lock() {
                                    *pages_done += 1;
                                    progress(ListProgress {
                                        pages_done: *pages_done,
                                        pages_total: Some(total),
                                    });
                                }
                            }
                            Err(error) => {
                                failed.store(true, Ordering::Relaxed);
                                if let Ok(mut slot) = first_error.lock() {
                                    slot.get_or_insert(error);
                                }
                            }
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
        });
        if let Some(error) = first_error.into_inner().ok().flatten() {
            return Err(error);
        }
        let slots = results.into_inner().unwrap_or_default();
        let mut pages = Vec::with_capacity(slots.len());
        for (index, slot) in slots.into_iter().enumerate() {
            match slot {
                Some(page) => pages.push(page),
                // Only when no worker thread could be started at all.
                None => pages.push(self.list_page(start + index as u64, page_size)?),
            }
        }
        Ok(pages)
    }
}

/// Joins pages in order, dropping keys seen twice (a key deleted while the list loads shifts
/// the later pages by one).
fn deduplicate(pages: Vec<KeyPage>) -> Vec<ApiKey> {
    let capacity = pages.iter().map(|page| page.keys.len()).sum();
    let mut seen = HashSet::with_capacity(capacity);
    let mut keys = Vec::with_capacity(capacity);
    for key in pages.into_iter().flat_map(|page| page.keys) {
        if seen.insert(key.number.expose().to_owned()) {
            keys.push(key);
        }
    }
    keys
}
