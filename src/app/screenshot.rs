//! `--screenshot FILE`: wait until the first key list has loaded (or failed), save a PNG of the
//! window, and close.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Frames to draw after the list arrived, so the layout has settled before the picture.
const SETTLE_FRAMES: u8 = 3;
/// Give up (and say so) if nothing loads within this time.
const GIVE_UP_AFTER: Duration = Duration::from_mins(1);

/// Where to save the picture, and where to say how it went.
#[derive(Clone, Debug)]
pub struct ScreenshotTarget {
    pub path: PathBuf,
    /// Filled once the picture is saved or has failed; read by `run` after the window closed.
    pub outcome: Arc<Mutex<Option<Result<(), String>>>>,
}

pub struct ScreenshotPlan {
    path: PathBuf,
    started: Instant,
    settled_frames: u8,
    requested: bool,
    outcome: Arc<Mutex<Option<Result<(), String>>>>,
}

impl ScreenshotPlan {
    pub fn new(target: ScreenshotTarget) -> Self {
        ScreenshotPlan {
            path: target.path,
            started: Instant::now(),
            settled_frames: 0,
            requested: false,
            outcome: target.outcome,
        }
    }

    /// Called every frame. Returns when it wants the next frame.
    pub fn step(&mut self, ctx: &egui::Context, settled: bool) -> Option<Duration> {
        if self.requested {
            return None;
        }
        if self.started.elapsed() > GIVE_UP_AFTER {
            self.finish(
                ctx,
                Err("the key list did not load within 60 seconds".to_owned()),
            );
            return None;
        }
        if !settled {
            return Some(Duration::from_millis(200));
        }
        if self.settled_frames < SETTLE_FRAMES {
            self.settled_frames += 1;
            return Some(Duration::from_millis(16));
        }
        self.requested = true;
        let path = self.path.clone();
        let outcome = self.outcome.clone();
        let window = ctx.clone();
        ctx.request_screenshot(move |image| {
            let result = write_png(&path, &image);
            if let Ok(mut slot) = outcome.lock() {
                *slot = Some(result);
            }
            window.send_viewport_cmd(egui::ViewportCommand::Close);
        });
        ctx.request_repaint();
        None
    }

    fn finish(&mut self, ctx: &egui::Context, result: Result<(), String>) {
        self.requested = true;
        if let Ok(mut slot) = self.outcome.lock() {
            *slot = Some(result);
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

/// Writes an RGBA PNG.
pub fn write_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [width, height] = image.size;
    let mut rgba = Vec::with_capacity(width * height * 4);
    for pixel in &image.pixels {
        rgba.extend_from_slice(&pixel.to_srgba_unmultiplied());
    }
    let file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let width = u32::try_from(width).map_err(|_| "the image is too wide".to_owned())?;
    let height = u32::try_from(height).map_err(|_| "the image is too tall".to_owned())?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    writer
        .write_image_data(&rgba)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
