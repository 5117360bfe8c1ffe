//! Alignment patterns: the small 5×5 squares (dark centre, light ring, dark ring) that pin a
//! code's grid down between its finders. With three finders a grid is affine; the bottom-right
//! alignment pattern adds the fourth point a perspective needs, and the others let a dense
//! code's grid be fitted across its whole area.

use super::geometry::{Homography, Point};
use super::symbol;
use super::view::View;

/// Weakest match accepted, from -1 (the pattern's negative) to 1 (a perfect pattern).
const MIN_SCORE: f32 = 0.6;
/// Least mean distance from the threshold, in grey levels, for a match to count: a flat area
/// matches any pattern by rounding.
const MIN_CONTRAST: f32 = 6.0;

/// The alignment pattern nearest grid point `module` (a pattern's centre, in module units),
/// searched within `radius` modules of where `h` puts it, located to a fraction of a module.
pub(crate) fn find(
    view: &View,
    h: &Homography,
    module: Point,
    radius: f32,
    inverted: bool,
) -> Option<Point> {
    let centre = h.map(module);
    if !view.contains(centre) {
        return None;
    }
    let (ex, ey) = h.axes_at(module);
    // The image sampled once on a half-module lattice around the prediction; each candidate
    // position's 25 pattern modules are then lattice points two steps apart.
    let n = (radius * 2.0).round().max(1.0) as i32;
    let reach = n + 4;
    let side = (2 * reach + 1) as usize;
    let mut lattice = vec![0f32; side * side];
    for b in -reach..=reach {
        for a in -reach..=reach {
            let p = centre + ex * (a as f32 * 0.5) + ey * (b as f32 * 0.5);
            lattice[((b + reach) as usize) * side + (a + reach) as usize] =
                view.darkness_at(p, inverted);
        }
    }
    let at = |a: i32, b: i32| lattice[((b + reach) as usize) * side + (a + reach) as usize];
    let score = |a: i32, b: i32| {
        let (mut signed, mut total) = (0f32, 0f32);
        for j in -2i32..=2 {
            for i in -2i32..=2 {
                let v = at(a + 2 * i, b + 2 * j);
                let want_dark = i.abs().max(j.abs()) != 1;
                signed += if want_dark { v } else { -v };
                total += v.abs();
            }
        }
        if total < 25.0 * MIN_CONTRAST {
            -1.0
        } else {
            signed / total
        }
    };
    let mut best = (f32::MIN, 0, 0);
    for b in -n..=n {
        for a in -n..=n {
            let s = score(a, b);
            if s > best.0 {
                best = (s, a, b);
            }
        }
    }
    let (s, a, b) = best;
    trace!("  alignment at {module:?}: score {s:.2}");
    if s < MIN_SCORE {
        return None;
    }
    // A parabola through the best score and its lattice neighbours puts the peak between
    // lattice points.
    let vertex = |lo: f32, mid: f32, hi: f32| {
        let d = lo - 2.0 * mid + hi;
        if d < 0.0 {
            ((lo - hi) / (2.0 * d)).clamp(-0.5, 0.5)
        } else {
            0.0
        }
    };
    let da = if a.abs() < n {
        vertex(score(a - 1, b), s, score(a + 1, b))
    } else {
        0.0
    };
    let db = if b.abs() < n {
        vertex(score(a, b - 1), s, score(a, b + 1))
    } else {
        0.0
    };
    Some(centre + ex * ((a as f32 + da) * 0.5) + ey * ((b as f32 + db) * 0.5))
}

/// The grid corrected by the bottom-right alignment pattern (versions 2 and up): searched
/// within a few modules of where the affine grid `base` predicts it.
pub(crate) fn corner(
    view: &View,
    base: &Homography,
    anchors: &Anchors,
    version: usize,
    inverted: bool,
) -> Option<(Homography, Anchors)> {
    let (c, r) = *symbol::alignment_centres(version).last()?;
    let module = Point::new(c as f32 + 0.5, r as f32 + 0.5);
    let side = symbol::side(version) as f32;
    let found = find(view, base, module, (side * 0.06).max(3.0), inverted)?;
    let mut anchors = anchors.clone();
    anchors.push(module, found);
    Some((anchors.fit()?, anchors))
}

/// The grid fitted through every alignment pattern found, each searched close to where the
/// grid so far puts it (versions 7 and up, whose patterns are spread over the code).
pub(crate) fn all(
    view: &View,
    start: &Homography,
    anchors: &Anchors,
    version: usize,
    inverted: bool,
) -> Option<Homography> {
    let mut anchors = anchors.clone();
    let mut current = *start;
    let before = anchors.len();
    for (c, r) in symbol::alignment_centres(version) {
        let module = Point::new(c as f32 + 0.5, r as f32 + 0.5);
        if anchors.has(module) {
            continue;
        }
        let radius = if anchors.len() < 4 { 3.0 } else { 1.5 };
        if let Some(found) = find(view, &current, module, radius, inverted) {
            anchors.push(module, found);
            if let Some(h) = anchors.fit() {
                current = h;
            }
        }
    }
    (anchors.len() > before && anchors.len() >= 4).then_some(current)
}

/// Grid points (module units) and where they were found in the image.
#[derive(Clone, Debug)]
pub(crate) struct Anchors {
    modules: Vec<Point>,
    pixels: Vec<Point>,
}

impl Anchors {
    pub fn new(modules: &[Point], pixels: &[Point]) -> Anchors {
        Anchors {
            modules: modules.to_vec(),
            pixels: pixels.to_vec(),
        }
    }

    fn push(&mut self, module: Point, pixel: Point) {
        self.modules.push(module);
        self.pixels.push(pixel);
    }

    fn has(&self, module: Point) -> bool {
        self.modules.contains(&module)
    }

    fn len(&self) -> usize {
        self.modules.len()
    }

    fn fit(&self) -> Option<Homography> {
        Homography::fit(&self.modules, &self.pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_pattern_off_its_prediction_to_a_fraction_of_a_module() {
        // A 5×5-module alignment pattern with 3-px modules centred at (61.3, 58.6).
        let (w, h, m) = (120usize, 120usize, 3.0f32);
        let (cx, cy) = (61.3f32, 58.6f32);
        let grey: Vec<u8> = (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as f32 + 0.5, (i / w) as f32 + 0.5);
                let (dx, dy) = (((x - cx) / m).abs(), ((y - cy) / m).abs());
                let ring = dx.max(dy);
                let dark = ring < 0.5 || (1.5..2.5).contains(&ring);
                if dark { 20 } else { 230 }
            })
            .collect();
        let view = View::new(&grey, w, h);
        // The grid thinks module (10.5, 10.5) is at (55, 52): 2 modules left and up.
        let grid = Homography::affine(
            [
                Point::new(10.5, 10.5),
                Point::new(11.5, 10.5),
                Point::new(10.5, 11.5),
            ],
            [
                Point::new(55.0, 52.0),
                Point::new(58.0, 52.0),
                Point::new(55.0, 55.0),
            ],
        )
        .unwrap();
        let found = find(&view, &grid, Point::new(10.5, 10.5), 3.0, false).unwrap();
        assert!(found.distance(Point::new(cx, cy)) < 0.5, "{found:?}");
        // Nothing on a blank page, and nothing beyond the search radius.
        assert!(find(&view, &grid, Point::new(10.5, 10.5), 1.0, false).is_none());
        let blank = vec![230u8; w * h];
        assert!(
            find(
                &View::new(&blank, w, h),
                &grid,
                Point::new(10.5, 10.5),
                3.0,
                false
            )
            .is_none()
        );
    }
}
