//! Reading modules of little more than a pixel by undoing the rendering's blur.
//!
//! A code drawn with anti-aliasing, or scaled down, paints every pixel with the area-weighted
//! mix of the modules it covers. At 1.2 pixels per module a module's own share of the pixel
//! under its centre can fall to a third, and a light module between dark ones reads dark. With
//! the grid known, that mixing is a linear map from modules to pixels; solving it back (least
//! squares, each module between fully light and fully dark, the code's fixed patterns held at
//! their known colours) reads each module for what it contributed, not for what its neighbours
//! spilled onto it.

use zeroize::Zeroizing;

use super::geometry::{Homography, Point};
use super::symbol;
use super::view::View;

/// Sub-samples per module side used to measure how a module covers the pixels.
const SUB: usize = 4;
/// Sweeps of the solver: the estimate settles after a handful.
const SWEEPS: usize = 8;
/// Modules of margin around the code solved for as well (the quiet zone, or whatever is there).
const MARGIN: usize = 1;

/// Each module's darkness (positive: dark) after unmixing, row by row, `side`² values.
pub(crate) fn read(
    view: &View,
    h: &Homography,
    side: usize,
    inverted: bool,
) -> Option<Zeroizing<Vec<bool>>> {
    let n = side + 2 * MARGIN;
    let fixed = fixed_modules(side);
    // Module corner points, (n+1)² of them, in pixels.
    let corner = |c: usize, r: usize| h.at(c as f32 - MARGIN as f32, r as f32 - MARGIN as f32);
    let mut corners = Vec::with_capacity((n + 1) * (n + 1));
    for r in 0..=n {
        for c in 0..=n {
            corners.push(corner(c, r));
        }
    }
    let (x0, y0, x1, y1) = bounds(&corners, view)?;
    let bw = x1 - x0;
    // The pixels' darkness, normalized so that full dark is 1 and full light -1.
    let mut residual = vec![0f32; bw * (y1 - y0)];
    for y in y0..y1 {
        for x in x0..x1 {
            let half = f32::from(view.thresholds.spread_at_pixel(x, y)).max(16.0) / 2.0;
            residual[(y - y0) * bw + (x - x0)] =
                (view.darkness(x, y, inverted) / half).clamp(-1.2, 1.2);
        }
    }
    // Coverage of pixels by each module: (pixel index, area) lists.
    let mut offsets = Vec::with_capacity(n * n + 1);
    let mut cover: Vec<(u32, f32)> = Vec::with_capacity(n * n * 6);
    offsets.push(0);
    for r in 0..n {
        for c in 0..n {
            let (a, b) = (corners[r * (n + 1) + c], corners[r * (n + 1) + c + 1]);
            let (d, e) = (
                corners[(r + 1) * (n + 1) + c],
                corners[(r + 1) * (n + 1) + c + 1],
            );
            let area = ((b - a).cross(d - a).abs() + (e - d).cross(e - b).abs()) / 2.0;
            let w = area / (SUB * SUB) as f32;
            let start = cover.len();
            for j in 0..SUB {
                let v = (j as f32 + 0.5) / SUB as f32;
                for i in 0..SUB {
                    let u = (i as f32 + 0.5) / SUB as f32;
                    let p = bilinear(a, b, d, e, u, v);
                    if p.x < x0 as f32 || p.y < y0 as f32 || p.x >= x1 as f32 || p.y >= y1 as f32 {
                        continue;
                    }
                    let idx = ((p.y as usize - y0) * bw + (p.x as usize - x0)) as u32;
                    match cover[start..].iter_mut().find(|(k, _)| *k == idx) {
                        Some(entry) => entry.1 += w,
                        None => cover.push((idx, w)),
                    }
                }
            }
            offsets.push(cover.len());
        }
    }
    // Start from the plain reading at each centre (the fixed patterns at their colours) and
    // take its contribution out of the pixels.
    let mut z = Zeroizing::new(vec![0f32; n * n]);
    for r in 0..n {
        for c in 0..n {
            let m = r * n + c;
            z[m] = match module_of(c, r, side).and_then(|(mc, mr)| fixed[mr * side + mc]) {
                Some(dark) => {
                    if dark {
                        1.0
                    } else {
                        -1.0
                    }
                }
                None => {
                    let p = h.at(
                        c as f32 - MARGIN as f32 + 0.5,
                        r as f32 - MARGIN as f32 + 0.5,
                    );
                    let half = 64.0;
                    (view.darkness_at(p, inverted) / half).clamp(-1.0, 1.0)
                }
            };
            for &(k, w) in &cover[offsets[m]..offsets[m + 1]] {
                residual[k as usize] -= w * z[m];
            }
        }
    }
    // Projected Gauss–Seidel on the least-squares problem.
    for _ in 0..SWEEPS {
        for r in 0..n {
            for c in 0..n {
                if module_of(c, r, side).is_some_and(|(mc, mr)| fixed[mr * side + mc].is_some()) {
                    continue;
                }
                let m = r * n + c;
                let cells = &cover[offsets[m]..offsets[m + 1]];
                let (mut num, mut den) = (0f32, 0f32);
                for &(k, w) in cells {
                    num += w * residual[k as usize];
                    den += w * w;
                }
                if den <= 0.0 {
                    continue;
                }
                let new = (z[m] + num / den).clamp(-1.0, 1.0);
                let delta = new - z[m];
                if delta != 0.0 {
                    for &(k, w) in cells {
                        residual[k as usize] -= w * delta;
                    }
                    z[m] = new;
                }
            }
        }
    }
    let mut out = Zeroizing::new(Vec::with_capacity(side * side));
    for r in 0..side {
        for c in 0..side {
            out.push(z[(r + MARGIN) * n + c + MARGIN] > 0.0);
        }
    }
    Some(out)
}

/// The symbol module under grid cell `(c, r)` of the margined grid, if it is one.
fn module_of(c: usize, r: usize, side: usize) -> Option<(usize, usize)> {
    let (mc, mr) = (c.checked_sub(MARGIN)?, r.checked_sub(MARGIN)?);
    (mc < side && mr < side).then_some((mc, mr))
}

fn bilinear(a: Point, b: Point, d: Point, e: Point, u: f32, v: f32) -> Point {
    let top = a + (b - a) * u;
    let bottom = d + (e - d) * u;
    top + (bottom - top) * v
}

/// Pixel bounds of the grid, clipped to the image; `None` if the code is mostly off it or
/// absurdly large for modules this small.
fn bounds(corners: &[Point], view: &View) -> Option<(usize, usize, usize, usize)> {
    let min_x = corners.iter().map(|p| p.x).fold(f32::MAX, f32::min);
    let max_x = corners.iter().map(|p| p.x).fold(f32::MIN, f32::max);
    let min_y = corners.iter().map(|p| p.y).fold(f32::MAX, f32::min);
    let max_y = corners.iter().map(|p| p.y).fold(f32::MIN, f32::max);
    if !(min_x.is_finite() && max_x.is_finite() && min_y.is_finite() && max_y.is_finite()) {
        return None;
    }
    let x0 = (min_x.floor().max(0.0) as usize).min(view.width);
    let y0 = (min_y.floor().max(0.0) as usize).min(view.height);
    let x1 = (max_x.ceil().max(0.0) as usize).min(view.width);
    let y1 = (max_y.ceil().max(0.0) as usize).min(view.height);
    let area = (x1.saturating_sub(x0)) * (y1.saturating_sub(y0));
    (x1 > x0 && y1 > y0 && area <= 4_000_000).then_some((x0, y0, x1, y1))
}

/// Modules whose colour every code of this size has: finder patterns with their separators,
/// timing patterns, alignment patterns and the dark module.
fn fixed_modules(side: usize) -> Vec<Option<bool>> {
    let mut fixed = vec![None; side * side];
    let mut set = |c: usize, r: usize, dark: bool| fixed[r * side + c] = Some(dark);
    for (fc, fr) in [(0, 0), (side - 7, 0), (0, side - 7)] {
        for dr in -1i32..=7 {
            for dc in -1i32..=7 {
                let (c, r) = (fc as i32 + dc, fr as i32 + dr);
                if c < 0 || r < 0 || c >= side as i32 || r >= side as i32 {
                    continue;
                }
                let ring = (dc - 3).abs().max((dr - 3).abs());
                set(c as usize, r as usize, ring <= 3 && ring != 2);
            }
        }
    }
    for i in 8..side - 8 {
        set(i, 6, i % 2 == 0);
        set(6, i, i % 2 == 0);
    }
    if let Some(version) = symbol::version_of(side) {
        for (c, r) in symbol::alignment_centres(version) {
            for dr in -2i32..=2 {
                for dc in -2i32..=2 {
                    let ring = dc.abs().max(dr.abs());
                    set(
                        (c as i32 + dc) as usize,
                        (r as i32 + dr) as usize,
                        ring != 1,
                    );
                }
            }
        }
    }
    set(8, side - 8, true);
    fixed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::locate::modules::{self, Reading};
    use qrcode::{Color, EcLevel, QrCode, Version};

    /// A code drawn by area coverage (anti-aliased) at `m` pixels per module from (ox, oy).
    fn drawn(code: &QrCode, m: f32, ox: f32, oy: f32) -> (Vec<u8>, usize) {
        let n = code.width();
        let colors = code.to_colors();
        let size = ((n as f32 + 8.0) * m).ceil() as usize + 8;
        let mut px = vec![255u8; size * size];
        for y in 0..size {
            for x in 0..size {
                let mut dark = 0;
                for sy in 0..8 {
                    for sx in 0..8 {
                        let fx = (x as f32 + (sx as f32 + 0.5) / 8.0 - ox) / m;
                        let fy = (y as f32 + (sy as f32 + 0.5) / 8.0 - oy) / m;
                        let (c, r) = (fx.floor() as i64, fy.floor() as i64);
                        if c >= 0 && r >= 0 && (c as usize) < n && (r as usize) < n {
                            dark += usize::from(colors[r as usize * n + c as usize] == Color::Dark);
                        }
                    }
                }
                px[y * size + x] = (255 - dark * 255 / 64) as u8;
            }
        }
        (px, size)
    }

    #[test]
    fn unmixing_reads_1_2_pixel_modules_that_sampling_misreads() {
        let code = QrCode::with_version(
            b"otpauth://totp/unmix?secret=JBSWY3DPEHPK3PXP",
            Version::Normal(12),
            EcLevel::L,
        )
        .unwrap();
        let n = code.width();
        let truth: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
        let (m, ox, oy) = (1.2f32, 4.0 * 1.2 + 3.3, 4.0 * 1.2 + 2.7);
        let (px, size) = drawn(&code, m, ox, oy);
        let view = View::new(&px, size, size);
        let h = Homography::affine(
            [
                Point::new(0.0, 0.0),
                Point::new(1.0, 0.0),
                Point::new(0.0, 1.0),
            ],
            [
                Point::new(ox, oy),
                Point::new(ox + m, oy),
                Point::new(ox, oy + m),
            ],
        )
        .unwrap();
        let wrong = |bits: &[bool]| bits.iter().zip(&truth).filter(|(a, b)| a != b).count();
        let local = modules::read(&view, &h, n, false, Reading::Local);
        let local_wrong = wrong(
            &(0..n * n)
                .map(|i| rqrr::BitGrid::bit(&local, i / n, i % n))
                .collect::<Vec<_>>(),
        );
        let unmixed = read(&view, &h, n, false).unwrap();
        let unmixed_wrong = wrong(&unmixed);
        assert!(
            local_wrong > 20,
            "sampling should struggle here: {local_wrong} wrong"
        );
        assert!(
            unmixed_wrong * 4 < local_wrong,
            "unmixed {unmixed_wrong} vs sampled {local_wrong}"
        );
    }

    #[test]
    fn fixed_patterns_are_where_the_encoder_puts_them() {
        for version in [1i16, 2, 7, 25, 40] {
            let code = QrCode::with_version(b"x", Version::Normal(version), EcLevel::L).unwrap();
            let n = code.width();
            let colors = code.to_colors();
            for (i, f) in fixed_modules(n).iter().enumerate() {
                if let Some(dark) = f {
                    assert_eq!(*dark, colors[i] == Color::Dark, "v{version} module {i}");
                }
            }
        }
    }
}
