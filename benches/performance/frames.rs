//! Frames: the real app under `egui_kittest`, on a sandbox with 100 and with 100,000 keys, a
//! filter typed into the filter box and the table sorted by a header click. Each measured
//! frame gets one input event (a scroll step or a pointer move over the rows) and costs the
//! CPU time of `Harness::step` (app logic, layout, AccessKit tree) plus tessellating its shapes.
//!
//! Two activities: hovering (the pointer moves from row to row over the first screen, which
//! both sizes show alike, so that only the number of rows differs: the ratio target), and
//! scrolling on through rows not shown before (text laid out anew each frame). The median
//! target takes the frames of both with 100,000 rows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Event, Modifiers, MouseWheelUnit, PointerButton, TouchPhase, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use netlicensing_keys::app::clipboard::ClipboardProbe;
use netlicensing_keys::app::service::http_connector;
use netlicensing_keys::app::{Environment, KeysApp, LaunchOptions, SandboxSource};
use netlicensing_keys::credentials::{MemoryStore, Settings};
use netlicensing_keys::key_query::SortColumn;
use netlicensing_keys::sandbox::{Sandbox, SandboxOptions};

use super::measure::{median, ms, percentile, time_cpu};
use super::report::Report;

/// Matches every generated key's name ("Generated key 0042") and none of the six fixed keys.
const FILTER: &str = "key";
const WARM_UP_FRAMES: usize = 60;
const FRAMES: usize = 300;
const TARGET_MEDIAN: Duration = Duration::from_millis(4);
const TARGET_RATIO: f64 = 1.5;
const LOAD_TIMEOUT: Duration = Duration::from_mins(3);

/// Hovering frames are taken in rounds, alternating between the two tables, so that both see
/// the same moments of a shared, noisy machine.
const ROUNDS: usize = 6;

/// The app on a sandbox with some keys, the filter typed and the sort applied.
struct Table {
    rows: usize,
    harness: Harness<'static, KeysApp>,
    /// Kept running for the app; stopped on drop.
    _sandbox: Sandbox,
    rows_top: f32,
    /// Frames run so far: the pointer goes on from row to row.
    frame: usize,
    filter_change: Duration,
    sort_change: Duration,
}

pub fn run(report: &mut Report) -> Result<(), String> {
    println!(
        "Frames: the app at 1180x720, filter {FILTER:?} typed, sorted by name; {FRAMES} frames of each kind after {WARM_UP_FRAMES} to warm up"
    );
    let mut small = Table::open(100)?;
    let mut large = Table::open(100_000)?;
    small.frames(WARM_UP_FRAMES, false);
    large.frames(WARM_UP_FRAMES, false);
    let (mut small_hover, mut large_hover) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        small_hover.extend(small.frames(FRAMES / ROUNDS, false));
        large_hover.extend(large.frames(FRAMES / ROUNDS, false));
    }
    let mut scroll_on = Vec::new();
    for table in [&mut small, &mut large] {
        table.frames(WARM_UP_FRAMES, true);
        scroll_on.push(table.frames(FRAMES, true));
    }
    for ((table, hover), scroll) in [&small, &large]
        .into_iter()
        .zip([&small_hover, &large_hover])
        .zip(&scroll_on)
    {
        let rows = table.rows;
        report.info(
            &format!("frame CPU time, {rows} rows, hovering: median / 90th percentile"),
            describe(hover),
        );
        report.info(
            &format!("frame CPU time, {rows} rows, scrolling on: median / 90th percentile"),
            describe(scroll),
        );
        report.info(
            &format!("filter typed / sort clicked, {rows} rows: the two frames of each change"),
            format!("{} / {}", ms(table.filter_change), ms(table.sort_change)),
        );
    }
    let all_large = [large_hover.as_slice(), scroll_on[1].as_slice()].concat();
    let large_median = median(&all_large);
    report.target(
        "frame CPU time, 100,000 rows, median (hovering and scrolling)",
        ms(large_median),
        &format!("< {}", ms(TARGET_MEDIAN)),
        large_median < TARGET_MEDIAN,
    );
    let ratio = median(&large_hover).as_secs_f64() / median(&small_hover).as_secs_f64();
    report.target(
        "frame time 100,000 rows / 100 rows (medians, hovering)",
        format!("{ratio:.2}x"),
        &format!("<= {TARGET_RATIO}x"),
        ratio <= TARGET_RATIO,
    );
    Ok(())
}

impl Table {
    fn open(rows: usize) -> Result<Table, String> {
        let sandbox = Sandbox::start(SandboxOptions {
            seed_keys: rows,
            ..SandboxOptions::default()
        })
        .map_err(|e| e.to_string())?;
        let mut harness = app_harness(&sandbox);
        let started = Instant::now();
        wait_for_list(&mut harness)?;
        println!(
            "  {rows} rows: {} keys loaded into the app in {} ms",
            harness.state().keys().keys().len(),
            started.elapsed().as_millis()
        );

        harness.get_by_label("Filter API Keys").focus();
        harness.step();
        harness.get_by_label("Filter API Keys").type_text(FILTER);
        // A frame applies what was asked at its end; the next frame filters and draws: both count.
        let ((), filter_change) = time_cpu(|| {
            harness.step();
            harness.step();
        });
        let sort_change = click(&mut harness, "Name")?;
        let keys = harness.state().keys();
        if keys.query().text != FILTER
            || keys.order().column != SortColumn::Name
            || keys.visible_computed().len() != rows
        {
            return Err(format!(
                "the filter or sort did not take: {} rows shown, not {rows}",
                keys.visible_computed().len()
            ));
        }
        // The header of an unsorted column: its label has no arrow.
        let rows_top = harness.get_by_label("API Key").rect().bottom() + 40.0;
        Ok(Table {
            rows,
            harness,
            _sandbox: sandbox,
            rows_top,
            frame: 0,
            filter_change,
            sort_change,
        })
    }

    /// Runs `count` frames, each with one event: a pointer move to another row, or, when
    /// `scrolling`, every other frame a scroll down by three lines. Returns the CPU time of
    /// each frame.
    fn frames(&mut self, count: usize, scrolling: bool) -> Vec<Duration> {
        let mut samples = Vec::with_capacity(count);
        for _ in 0..count {
            let event = input_for(self.frame, self.rows_top, scrolling);
            self.frame += 1;
            let harness = &mut self.harness;
            harness.event(event);
            let ((), step) = time_cpu(|| harness.step());
            let shapes = harness.output().shapes.clone();
            let pixels_per_point = harness.output().pixels_per_point;
            let (_, tessellate) = time_cpu(|| harness.ctx.tessellate(shapes, pixels_per_point));
            samples.push(step + tessellate);
        }
        samples
    }
}

/// Median and 90th percentile, for the table.
fn describe(samples: &[Duration]) -> String {
    format!("{} / {}", ms(median(samples)), ms(percentile(samples, 90)))
}

/// Scroll a few lines, or move the pointer to another row: what a person browsing does.
fn input_for(frame: usize, rows_top: f32, scrolling: bool) -> Event {
    if scrolling && frame.is_multiple_of(2) {
        Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: vec2(0.0, -3.0),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        }
    } else {
        #[allow(clippy::cast_precision_loss)] // a small row offset
        let row = (frame % 17) as f32;
        Event::PointerMoved(pos2(400.0, rows_top + row * 24.0))
    }
}

/// Clicks the widget with this label; returns the CPU time of the frame that takes the click
/// and the one after it, which draws the outcome.
fn click(harness: &mut Harness<'_, KeysApp>, label: &str) -> Result<Duration, String> {
    let center = harness
        .query_by_label(label)
        .ok_or_else(|| format!("no widget labelled {label:?}"))?
        .rect()
        .center();
    harness.event(Event::PointerMoved(center));
    harness.step();
    let button = |pressed| Event::PointerButton {
        pos: center,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    harness.event(button(true));
    harness.step();
    harness.event(button(false));
    let ((), spent) = time_cpu(|| {
        harness.step();
        harness.step();
    });
    Ok(spent)
}

fn app_harness(sandbox: &Sandbox) -> Harness<'static, KeysApp> {
    let env = Environment {
        connector: http_connector(),
        keychain: Arc::new(MemoryStore::default()),
        settings_file: None,
        sandbox: SandboxSource::External(sandbox.base_url()),
        clipboard: Arc::new(NoClipboard),
        clipboard_clear_after: Duration::from_secs(30),
        reveal_for: netlicensing_keys::app::REVEAL_FOR,
        screenshot: None,
    };
    Harness::builder()
        .with_size(vec2(1180.0, 720.0))
        .build_eframe(move |cc| {
            let launch = LaunchOptions {
                sandbox: true,
                ..LaunchOptions::default()
            };
            let app = KeysApp::new(env, Settings::default(), None, &launch);
            app.attach(&cc.egui_ctx);
            app
        })
}

fn wait_for_list(harness: &mut Harness<'_, KeysApp>) -> Result<(), String> {
    let started = Instant::now();
    loop {
        harness.step();
        let app = harness.state();
        if app.keys().is_loaded() && !app.is_busy() {
            return Ok(());
        }
        if started.elapsed() > LOAD_TIMEOUT {
            return Err("the app did not finish loading the list".to_owned());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The bench copies nothing; the clipboard is never read.
struct NoClipboard;

impl ClipboardProbe for NoClipboard {
    fn clear_if_holds(&self, _text: &str) -> Result<bool, String> {
        Ok(false)
    }
}
