//! Finder patterns: the three 7×7 squares in a code's corners, dark–light–dark–light–dark in
//! the ratio 1:1:3:1:1 along any line through their centre.
//!
//! Rows are scanned for that ratio (both polarities in one pass over the same runs), and every
//! hit is checked again across (vertically, horizontally, diagonally) with edges placed between
//! pixels where the grey level crosses the threshold. Screenshots put modules at 1.5 or 2.5
//! pixels, so a run that should be one module is 1 or 2 pixels with an anti-aliased grey one
//! beside it: integer run tests with integer tolerances throw exactly those away.

use super::geometry::Point;
use super::view::View;

#[derive(Clone, Debug)]
pub(crate) struct Finder {
    pub centre: Point,
    /// Module size in pixels, from the pattern's width and height.
    pub module: f32,
    pub inverted: bool,
    /// Scan rows that crossed it: a weak pattern is crossed once.
    pub hits: u32,
    /// How clearly it stands out from its threshold, 0 to 1 (see [`strength`]).
    pub strength: f32,
}

/// Most candidates kept: beyond this the image is a texture (a checkerboard, dithering), and
/// searching it further costs time without finding codes.
const MAX_FINDERS: usize = 300;

/// Weakest [`strength`] a finder may have. The finders of real codes, anti-aliased at 1.2-px
/// modules, blurred, in noise or at a third of full contrast, measure 0.55 and up; patterns
/// that pixel noise or JPEG ripple made up mostly stay below 0.4.
const MIN_STRENGTH: f32 = 0.4;

/// Every finder pattern crossed by the rows `offset, offset + step, …`.
pub(crate) fn search(view: &View, step: usize, offset: usize) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let mut edges: Vec<u32> = Vec::with_capacity(view.width + 1);
    let mut scratch: Vec<u8> = Vec::with_capacity(view.width + super::threshold::BLOCK);
    let mut y = offset.min(view.height.saturating_sub(1));
    while y < view.height && found.len() < MAX_FINDERS {
        let first_dark = row_runs(view, y, &mut edges, &mut scratch);
        let runs = edges.len() - 1;
        for k in 0..runs.saturating_sub(4) {
            let r = [0, 1, 2, 3, 4].map(|i| edges[k + i + 1] - edges[k + i]);
            if !row_looks_like_finder(r) {
                continue;
            }
            // Run k is dark in the normal polarity when it has the first run's colour and k is
            // even, or the other colour and k is odd.
            let inverted = first_dark == (k % 2 == 1);
            let xc = ((edges[k + 2] + edges[k + 3]) / 2) as usize;
            let p = Point::new(xc as f32 + 0.5, y as f32 + 0.5);
            if let Some(f) = found
                .iter_mut()
                .find(|f| f.inverted == inverted && f.centre.distance(p) < 3.5 * f.module)
            {
                f.hits += 1;
                continue;
            }
            let total = edges[k + 5] - edges[k];
            let Some(candidate) = confirm(view, xc, y, total as usize, inverted) else {
                continue;
            };
            merge(&mut found, candidate);
        }
        y += step;
    }
    found
}

/// Start positions of the runs of equal colour along row `y`, closed by the row's width; returns
/// whether the first run is dark in the normal polarity. `scratch` holds the row's thresholds
/// spread out to one per pixel, so that 64 pixels at a time become a bit mask and only the
/// colour changes are visited.
fn row_runs(view: &View, y: usize, edges: &mut Vec<u32>, scratch: &mut Vec<u8>) -> bool {
    edges.clear();
    let row = &view.grey[y * view.width..(y + 1) * view.width];
    scratch.clear();
    for &t in view.thresholds.row(y) {
        scratch.extend_from_slice(&[t; super::threshold::BLOCK]);
    }
    scratch.truncate(view.width);
    let first = row[0] < scratch[0];
    edges.push(0);
    let mut prev = u64::from(first);
    for (ci, (g, t)) in row.chunks(64).zip(scratch.chunks(64)).enumerate() {
        let dark = dark_mask(g, t);
        let len = g.len();
        let valid = if len == 64 {
            u64::MAX
        } else {
            (1u64 << len) - 1
        };
        let mut changes = (dark ^ ((dark << 1) | prev)) & valid;
        let base = (ci * 64) as u32;
        while changes != 0 {
            edges.push(base + changes.trailing_zeros());
            changes &= changes - 1;
        }
        prev = (dark >> (len - 1)) & 1;
    }
    edges.push(view.width as u32);
    first
}

/// Bit `i` set where `grey[i] < threshold[i]`, for up to 64 pixels. Eight comparisons become a
/// byte of 0s and 1s and one multiplication packs it into 8 bits, which compiles to vector
/// compares where a bit-by-bit loop does not.
fn dark_mask(grey: &[u8], threshold: &[u8]) -> u64 {
    const PACK: u64 = 0x0102_0408_1020_4080;
    let mut mask = 0u64;
    let mut gs = grey.chunks_exact(8);
    let mut ts = threshold.chunks_exact(8);
    let mut shift = 0;
    for (g, t) in (&mut gs).zip(&mut ts) {
        let bytes: [u8; 8] = std::array::from_fn(|i| u8::from(g[i] < t[i]));
        mask |= (u64::from_le_bytes(bytes).wrapping_mul(PACK) >> 56) << shift;
        shift += 8;
    }
    for (i, (&g, &t)) in gs.remainder().iter().zip(ts.remainder()).enumerate() {
        mask |= u64::from(g < t) << (shift + i);
    }
    mask
}

/// A loose test on whole-pixel runs; the cross checks decide.
fn row_looks_like_finder(r: [u32; 5]) -> bool {
    let total: u32 = r.iter().sum();
    if total < 7 || r[2] < 2 {
        return false;
    }
    // The centre is the widest run: this alone rejects stripes and checkerboards.
    if 2 * r[2] < 3 * r[0].max(r[4]) || r[2] < r[1].max(r[3]) {
        return false;
    }
    let m = total as f32 / 7.0;
    let tol = 0.6 * m + 0.6;
    [r[0], r[1], r[3], r[4]]
        .iter()
        .all(|&v| (v as f32 - m).abs() <= tol)
        && (r[2] as f32 - 3.0 * m).abs() <= m + 0.8
}

/// Five runs measured across a candidate, in pixels, with the centre's offset from the pixel
/// the measurement started at.
struct Cross {
    runs: [f32; 5],
    offset: f32,
    total: f32,
}

impl Cross {
    fn is_finder(&self, slack: f32) -> bool {
        let r = &self.runs;
        let m = self.total / 7.0;
        if self.total < 6.0 {
            return false;
        }
        let tol = (0.5 + slack) * m + 0.5;
        [r[0], r[1], r[3], r[4]]
            .iter()
            .all(|&v| (v - m).abs() <= tol)
            && (r[2] - 3.0 * m).abs() <= (1.0 + slack) * m + 0.75
    }
}

/// Walks from pixel `(x, y)` (which must be dark) in direction `d` and returns the distances to
/// the first three colour changes — centre→ring, ring→outer square, outer square→beyond — each
/// placed where the darkness crosses zero between two pixels.
fn edges(
    view: &View,
    x: usize,
    y: usize,
    d: (i32, i32),
    inverted: bool,
    limit: usize,
) -> Option<[f32; 3]> {
    let mut out = [0f32; 3];
    let mut found = 0;
    let mut want_dark = false;
    let mut prev = view.darkness(x, y, inverted);
    let (mut px, mut py) = (x as i32, y as i32);
    for k in 1..=limit {
        px += d.0;
        py += d.1;
        if px < 0 || py < 0 || px >= view.width as i32 || py >= view.height as i32 {
            // A code cropped at its outer edge: the image border closes the outer square.
            if found == 2 {
                out[2] = k as f32 - 0.5;
                return Some(out);
            }
            return None;
        }
        let s = view.darkness(px as usize, py as usize, inverted);
        if (s > 0.0) == want_dark {
            let frac = (prev / (prev - s)).clamp(0.0, 1.0);
            out[found] = (k - 1) as f32 + frac;
            found += 1;
            if found == 3 {
                return Some(out);
            }
            want_dark = !want_dark;
        }
        prev = s;
    }
    None
}

/// The five runs through `(x, y)` along `d` and back.
fn cross(
    view: &View,
    x: usize,
    y: usize,
    d: (i32, i32),
    inverted: bool,
    limit: usize,
) -> Option<Cross> {
    if !view.dark(x, y, inverted) {
        return None;
    }
    let f = edges(view, x, y, d, inverted, limit)?;
    let b = edges(view, x, y, (-d.0, -d.1), inverted, limit)?;
    let unit = if d.0 != 0 && d.1 != 0 {
        std::f32::consts::SQRT_2
    } else {
        1.0
    };
    let runs = [
        b[2] - b[1],
        b[1] - b[0],
        b[0] + f[0],
        f[1] - f[0],
        f[2] - f[1],
    ]
    .map(|r| r * unit);
    // The midpoints of the three pairs of edges all estimate the centre; their mean is steadier
    // than any one of them.
    let offset = ((f[0] - b[0]) + (f[1] - b[1]) + (f[2] - b[2])) / 6.0 * unit;
    Some(Cross {
        runs,
        offset,
        total: (f[2] + b[2]) * unit,
    })
}

/// Checks a row hit centred on pixel `(xc, y)` across, and measures its centre and module size.
fn confirm(view: &View, xc: usize, y: usize, row_total: usize, inverted: bool) -> Option<Finder> {
    // Room for a pattern seen at an angle or in perspective, not for a whole page.
    let limit = (row_total * 2).max(10);
    let clamp_x = |v: f32| (v.max(0.0) as usize).min(view.width - 1);
    let clamp_y = |v: f32| (v.max(0.0) as usize).min(view.height - 1);

    let v = cross(view, xc, y, (0, 1), inverted, limit)?;
    if !v.is_finder(0.0) {
        return None;
    }
    let yr = clamp_y(y as f32 + 0.5 + v.offset);
    let h = cross(view, xc, yr, (1, 0), inverted, limit)?;
    if !h.is_finder(0.0) {
        return None;
    }
    let cx = xc as f32 + 0.5 + h.offset;
    let xr = clamp_x(cx);
    let v = cross(view, xr, yr, (0, 1), inverted, limit)?;
    if !v.is_finder(0.0) {
        return None;
    }
    let cy = yr as f32 + 0.5 + v.offset;
    let ratio = h.total / v.total;
    if !(0.5..=2.0).contains(&ratio) {
        return None;
    }
    // Along a diagonal the pattern keeps its ratio; plus signs, table borders and stripes do not.
    let diagonal = cross(view, xr, clamp_y(cy), (1, 1), inverted, limit * 2)?;
    if !diagonal.is_finder(0.25) {
        return None;
    }
    let strength = strength(view, cx, cy, h.total, inverted);
    if strength < MIN_STRENGTH {
        return None;
    }
    Some(Finder {
        centre: Point::new(cx, cy),
        module: (h.total + v.total) / 14.0,
        inverted,
        hits: 1,
        strength,
    })
}

/// Mean distance of the pixels across the pattern from their threshold, in units of half the
/// local contrast: near 1 for a crisp pattern, far lower for one that noise made up.
fn strength(view: &View, cx: f32, cy: f32, width: f32, inverted: bool) -> f32 {
    let y = (cy.max(0.0) as usize).min(view.height - 1);
    let x0 = ((cx - width / 2.0).max(0.0) as usize).min(view.width - 1);
    let x1 = ((cx + width / 2.0).max(0.0) as usize).min(view.width - 1);
    let mut sum = 0.0;
    for x in x0..=x1 {
        let half = f32::from(view.thresholds.spread_at_pixel(x, y)).max(1.0) / 2.0;
        sum += (view.darkness(x, y, inverted).abs() / half).min(1.0);
    }
    sum / (x1 - x0 + 1) as f32
}

/// Adds a confirmed candidate, or averages it into the one it duplicates.
fn merge(found: &mut Vec<Finder>, c: Finder) {
    if let Some(f) = found.iter_mut().find(|f| {
        f.inverted == c.inverted
            && f.centre.distance(c.centre) < 2.0 * f.module.max(c.module)
            && (f.module / c.module).max(c.module / f.module) < 1.5
    }) {
        let n = f.hits as f32;
        f.centre = (f.centre * n + c.centre) * (1.0 / (n + 1.0));
        f.module = (f.module * n + c.module) / (n + 1.0);
        f.strength = (f.strength * n + c.strength) / (n + 1.0);
        f.hits += 1;
    } else {
        found.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finder pattern with `module`-pixel modules (fractional: anti-aliased by area coverage)
    /// centred at `(cx, cy)` on a `size`² image.
    fn finder_image(size: usize, cx: f32, cy: f32, module: f32) -> Vec<u8> {
        let dark = |x: f32, y: f32| {
            let (dx, dy) = ((x - cx) / module, (y - cy) / module);
            let r = dx.abs().max(dy.abs());
            r < 1.5 || (2.5..3.5).contains(&r)
        };
        let mut out = vec![0u8; size * size];
        for y in 0..size {
            for x in 0..size {
                // 4×4 supersampling: the grey of a pixel is its share of light.
                let mut light = 0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let (px, py) = (
                            x as f32 + (sx as f32 + 0.5) / 4.0,
                            y as f32 + (sy as f32 + 0.5) / 4.0,
                        );
                        light += usize::from(!dark(px, py));
                    }
                }
                out[y * size + x] = (light * 255 / 16) as u8;
            }
        }
        out
    }

    #[test]
    fn centres_to_a_fraction_of_a_pixel_at_fractional_module_sizes() {
        for &(module, cx, cy) in &[
            (1.5f32, 40.3, 41.7),
            (2.5, 50.0, 47.25),
            (1.0, 30.5, 30.5),
            (7.3, 80.1, 79.9),
        ] {
            let size = 160;
            let grey = finder_image(size, cx, cy, module);
            let view = View::new(&grey, size, size);
            let found = search(&view, 1, 0);
            assert_eq!(found.len(), 1, "module {module}: {found:?}");
            let f = &found[0];
            assert!(!f.inverted);
            assert!(
                f.centre.distance(Point::new(cx, cy)) < 0.35,
                "module {module}: {f:?}"
            );
            assert!(
                (f.module - module).abs() < 0.2 * module,
                "module {module}: {f:?}"
            );

            let inverted: Vec<u8> = grey.iter().map(|v| 255 - v).collect();
            let view = View::new(&inverted, size, size);
            let found = search(&view, 1, 0);
            assert_eq!(found.len(), 1, "inverted module {module}: {found:?}");
            assert!(found[0].inverted);
            assert!(found[0].centre.distance(Point::new(cx, cy)) < 0.35);
        }
    }

    #[test]
    fn dark_masks_match_pixel_by_pixel_comparison() {
        let grey: Vec<u8> = (0..64u32).map(|i| (i * 37 % 251) as u8).collect();
        let thr: Vec<u8> = (0..64u32).map(|i| (i * 53 % 241) as u8).collect();
        for len in [1, 7, 8, 9, 63, 64] {
            let want = (0..len).fold(0u64, |m, i| m | (u64::from(grey[i] < thr[i]) << i));
            assert_eq!(dark_mask(&grey[..len], &thr[..len]), want, "{len}");
        }
    }

    #[test]
    fn stripes_and_checkerboards_are_not_finders() {
        let size = 120;
        for k in [2usize, 3, 4, 8] {
            let checker: Vec<u8> = (0..size * size)
                .map(|i| {
                    if ((i % size) / k + (i / size) / k) % 2 == 0 {
                        0
                    } else {
                        255
                    }
                })
                .collect();
            assert!(
                search(&View::new(&checker, size, size), 1, 0).is_empty(),
                "checker {k}"
            );
            let stripes: Vec<u8> = (0..size * size)
                .map(|i| if (i % size) / k % 2 == 0 { 0 } else { 255 })
                .collect();
            assert!(
                search(&View::new(&stripes, size, size), 1, 0).is_empty(),
                "stripes {k}"
            );
        }
    }
}
