//! Ninsho's own QR locator: finds codes in screenshots and hands their modules to rqrr.
//!
//! rqrr finds about half the codes in real enrollment screenshots; almost all of its misses are
//! in *finding* the code, not in reading it (see `qr-baseline.md` of the shared research). So
//! the finding is done here — block thresholds ([`threshold`]), finder patterns with sub-pixel
//! centres ([`finder`]), triples of finders ([`triples`]), the module grid with version,
//! timing and alignment patterns ([`grid`]) — and rqrr only decodes the modules.

mod alignment;
mod finder;
mod geometry;
mod grid;
mod modules;
mod symbol;
mod threshold;
mod triples;
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
pub(crate) fn find_codes(grey: &GrayImage) -> Vec<Found> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let view = View::new(grey.as_raw(), w, h);
    let finders = finder::search(&view, 3, 2);
    let mut used = vec![false; finders.len()];
    let mut all: Vec<Found> = Vec::new();
    for t in triples::group(&finders) {
        if used[t.top_left] || used[t.top_right] || used[t.bottom_left] {
            continue;
        }
        let (a, b, c) = (
            &finders[t.top_left],
            &finders[t.top_right],
            &finders[t.bottom_left],
        );
        if let Outcome::Decoded(d) = grid::read(&view, a, b, c) {
            used[t.top_left] = true;
            used[t.top_right] = true;
            used[t.bottom_left] = true;
            if !all.iter().any(|f| f.bytes == d.bytes) {
                all.push(Found {
                    bytes: d.bytes,
                    corners: d.corners.map(|p| (p.x, p.y)),
                });
            }
        }
    }
    reading_order(&mut all);
    all
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
