#![allow(clippy::expect_used, clippy::unwrap_used)] // a check that stops at the first surprise

//! Checks the picture `--screenshot` saved: run by `.ci/run` after starting the real app under
//! Xvfb, with `SCREENSHOT_PNG` naming the file. A missing, empty or one-colour image fails.

use std::collections::HashSet;

#[test]
#[ignore = "needs a screenshot from the real app; .ci/run makes one under Xvfb"]
fn the_screenshot_shows_a_drawn_window() {
    let path = std::env::var("SCREENSHOT_PNG").expect("set SCREENSHOT_PNG to the picture to check");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut pixels).expect("PNG pixels");
    assert!(
        info.width >= 640 && info.height >= 400,
        "too small: {}x{}",
        info.width,
        info.height
    );
    let bytes_per_pixel = info.line_size / info.width as usize;
    let colours: HashSet<&[u8]> = pixels[..info.buffer_size()]
        .chunks(bytes_per_pixel)
        .collect();
    // A drawn window has text, badges and lines: hundreds of colours. A blank one has one.
    assert!(
        colours.len() > 50,
        "only {} colours: the window looks blank",
        colours.len()
    );
}
