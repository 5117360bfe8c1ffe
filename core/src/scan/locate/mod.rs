//! Ninsho's own QR locator: finds codes in screenshots and hands their modules to rqrr.
//!
//! rqrr's own detector finds about half the codes in real enrollment screenshots, and almost all
//! of its misses are in *finding* the code, not in reading it. So the finding is done here and
//! rqrr only decodes the modules:
//! - [`threshold`]: where dark ends and light begins, block by block;
//! - [`finder`]: finder patterns in both polarities, with sub-pixel centres;
//! - [`triples`]: which three finders make one code, several codes at once;
//! - [`corners`]: the three finders' own axes, module sizes and look, perspective;
//! - [`grid`]: the code's size from its version and timing patterns, then decoding;
//! - [`alignment`]: alignment patterns that pin the grid down;
//! - [`modules`], [`unmix`]: reading the modules off the grid, and handing them to rqrr;
//! - [`symbol`]: the fixed parts of a QR symbol; [`geometry`], [`view`]: the plumbing.
//!
//! `bench/qr/run.py` measures it against zxing-cpp on the project's corpus of screenshots.

/// `eprintln!` with the `trace` feature, nothing without it.
macro_rules! trace {
    ($($arg:tt)*) => {
        #[cfg(feature = "trace")]
        eprintln!($($arg)*);
    };
}

mod alignment;
mod corners;
mod finder;
mod geometry;
mod grid;
mod modules;
mod symbol;
mod threshold;
mod triples;
mod unmix;
mod view;

use image::GrayImage;
use zeroize::Zeroizing;

use grid::Outcome;
use view::View;

/// A decoded code in the coordinates of the image given to [`find_codes`].
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The code's raw content; it may hold a secret.
    pub bytes: Zeroizing<Vec<u8>>,
    pub corners: [(f32, f32); 4],
}

/// Every QR code found in `grey`, in reading order, each payload once.
///
/// When nothing decodes, or a candidate passed every check of a QR symbol but would not
/// decode, the image is searched once more at half size: averaging 2×2 pixels closes the thin
/// light seams that designer codes leave between rounded modules, and halves noise and JPEG
/// ripple, while modules of 3 pixels and more stay readable.
pub(crate) fn find_codes(grey: &GrayImage) -> Vec<Found> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let mut all = Vec::new();
    let unreadable = search(&View::new(grey.as_raw(), w, h), None, 1.0, &mut all);
    if (all.is_empty() || unreadable > 0) && w.min(h) >= 2 * MIN_HALVED_SIDE {
        let (half, hw, hh) = halve(grey.as_raw(), w, h);
        let view = View::new(&half, hw, hh);
        let before = all.len();
        search(&view, None, 2.0, &mut all);
        if all.len() == before {
            for inverted in [false, true] {
                search(&view.leaning(inverted), Some(inverted), 2.0, &mut all);
            }
        }
    }
    reading_order(&mut all);
    all
}

/// Smallest side worth searching at half size: a version-1 code with 2-pixel modules.
const MIN_HALVED_SIDE: usize = 42;

/// One search of one image for codes of the given polarity (or both); codes found are added to
/// `all` (in the original image's pixels: `scale` is how many of those one pixel here stands
/// for). Returns how many candidates looked like codes but did not decode.
fn search(view: &View, polarity: Option<bool>, scale: f32, all: &mut Vec<Found>) -> usize {
    let mut finders = finder::search(view, 3, 2);
    if let Some(inverted) = polarity {
        finders.retain(|f| f.inverted == inverted);
    }
    #[cfg(feature = "trace")]
    for (i, f) in finders.iter().enumerate() {
        eprintln!("finder {i}: {f:?}");
    }
    let mut used = vec![false; finders.len()];
    let mut unreadable = 0;
    for t in triples::group(&finders) {
        if used[t.top_left] || used[t.top_right] || used[t.bottom_left] {
            continue;
        }
        let (a, b, c) = (
            &finders[t.top_left],
            &finders[t.top_right],
            &finders[t.bottom_left],
        );
        let outcome = grid::read(view, a, b, c);
        trace!("{t:?}: {}", outcome.name());
        match outcome {
            Outcome::Decoded(d) => {
                used[t.top_left] = true;
                used[t.top_right] = true;
                used[t.bottom_left] = true;
                if !all.iter().any(|f| f.bytes == d.bytes) {
                    all.push(Found {
                        bytes: d.bytes,
                        corners: d.corners.map(|p| (p.x * scale, p.y * scale)),
                    });
                }
            }
            Outcome::Unreadable => unreadable += 1,
            Outcome::NotACode => {}
        }
    }
    unreadable
}

/// The image at half size, each pixel the mean of four.
fn halve(grey: &[u8], w: usize, h: usize) -> (Vec<u8>, usize, usize) {
    let (hw, hh) = (w / 2, h / 2);
    let mut out = Vec::with_capacity(hw * hh);
    for y in 0..hh {
        let (a, b) = (
            &grey[2 * y * w..(2 * y + 1) * w],
            &grey[(2 * y + 1) * w..(2 * y + 2) * w],
        );
        out.extend(
            a.chunks_exact(2)
                .zip(b.chunks_exact(2))
                .take(hw)
                .map(|(p, q)| {
                    ((u16::from(p[0]) + u16::from(p[1]) + u16::from(q[0]) + u16::from(q[1]) + 2)
                        / 4) as u8
                }),
        );
    }
    (out, hw, hh)
}

/// Top to bottom, and left to right along a row: codes whose tops are less than half a code
/// apart count as one row (their corners differ by fractions of a pixel).
fn reading_order(codes: &mut Vec<Found>) {
    let top = |f: &Found| f.corners.iter().map(|c| c.1).fold(f32::MAX, f32::min);
    let left = |f: &Found| f.corners.iter().map(|c| c.0).fold(f32::MAX, f32::min);
    let height = |f: &Found| f.corners.iter().map(|c| c.1).fold(f32::MIN, f32::max) - top(f);
    codes.sort_by(|a, b| top(a).total_cmp(&top(b)));
    let mut ordered = Vec::with_capacity(codes.len());
    let mut rest = std::mem::take(codes);
    while !rest.is_empty() {
        let first = &rest[0];
        let limit = top(first) + height(first) / 2.0;
        let (mut row, others): (Vec<Found>, Vec<Found>) =
            rest.into_iter().partition(|f| top(f) < limit);
        row.sort_by(|a, b| left(a).total_cmp(&left(b)));
        ordered.extend(row);
        rest = others;
    }
    *codes = ordered;
}
