//! Three finder patterns as one code's corners: the directions of the code's rows and
//! columns at each of them, their module sizes, whether they look like finder patterns all
//! round, and where the fourth corner would be.
//!
//! In a screenshot a code's grid is a square, and the three finder centres span it. A photo of
//! a printed code at an angle bends it: the columns through the top-right finder no longer run
//! parallel to those through the top-left one, and the bottom-right corner lands dozens of
//! modules from where the three centres put it. The row through the top-left and top-right
//! centres is a straight line in any perspective, though, and so is the column through the
//! top-left and bottom-left ones; what is missing — the column at the top-right finder and the
//! row at the bottom-left one — is read off those finders' own edges.

use super::finder::Finder;
use super::geometry::{Homography, Point};
use super::view::View;

/// Most modules of the three finder patterns and their separators (3 × 64) that may read
/// wrong: a few at the edges of blurred or 1-pixel modules; a look-alike made of text or data
/// modules gets a third of them wrong.
const MAX_MISMATCH: u32 = 30;

/// Below this angle between a measured axis and the one the parallelogram of the three centres
/// implies, the difference is measurement noise and the parallelogram is kept.
const BENT_DEGREES: f32 = 4.0;

/// Modules smaller than this are too few pixels to measure a finder's edges' direction.
const MIN_MODULE_FOR_AXES: f32 = 2.5;

/// The frame of one finder: unit directions of the code's rows (towards the right of the code)
/// and columns (downwards), and the module size along each.
#[derive(Clone, Copy, Debug)]
struct Frame {
    row: Point,
    col: Point,
    row_module: f32,
    col_module: f32,
}

#[derive(Debug)]
pub(crate) struct Corners<'a> {
    pub tl: &'a Finder,
    pub tr: &'a Finder,
    pub bl: &'a Finder,
    frames: [Frame; 3],
    /// Module sizes along the top and left edges, each the mean of the two finders there.
    pub top: f32,
    pub left: f32,
    /// The measured axes differ from the parallelogram's: the code is seen in perspective.
    pub bent: bool,
}

impl<'a> Corners<'a> {
    pub fn measure(view: &View, tl: &'a Finder, tr: &'a Finder, bl: &'a Finder) -> Corners<'a> {
        let row = (tr.centre - tl.centre).unit();
        let col = (bl.centre - tl.centre).unit();
        let module = |f: &Finder, dir: Point| width_along(view, f, dir).map(|w| w / 7.0);
        let frame = |f: &Finder, row: Point, col: Point| Frame {
            row,
            col,
            row_module: module(f, row).unwrap_or(f.module),
            col_module: module(f, col).unwrap_or(f.module),
        };
        let small = tl.module.min(tr.module).min(bl.module) < MIN_MODULE_FOR_AXES;
        let measured = |f: &Finder, along: Point, towards: Point| {
            (!small)
                .then(|| side_axis(view, f, along, towards))
                .flatten()
        };
        let tr_col = measured(tr, row, col).unwrap_or(col);
        let bl_row = measured(bl, col, row).unwrap_or(row);
        let bent_limit = BENT_DEGREES.to_radians().cos();
        let bent = tr_col.dot(col) < bent_limit || bl_row.dot(row) < bent_limit;
        let (tr_col, bl_row) = if bent { (tr_col, bl_row) } else { (col, row) };
        let frames = [
            frame(tl, row, col),
            frame(tr, row, tr_col),
            frame(bl, bl_row, col),
        ];
        Corners {
            tl,
            tr,
            bl,
            top: (frames[0].row_module + frames[1].row_module) / 2.0,
            left: (frames[0].col_module + frames[2].col_module) / 2.0,
            frames,
            bent,
        }
    }

    /// Whether all three look like finder patterns with light separators in their own frames.
    pub fn look_like_finders(&self, view: &View) -> bool {
        let inverted = self.tl.inverted;
        let mut wrong = 0;
        for (f, frame, sx, sy) in [
            (self.tl, &self.frames[0], 1.0, 1.0),
            (self.tr, &self.frames[1], -1.0, 1.0),
            (self.bl, &self.frames[2], 1.0, -1.0),
        ] {
            // Inward: towards the code's interior, where the separator is.
            let ax = frame.row * (frame.row_module * sx);
            let ay = frame.col * (frame.col_module * sy);
            for j in -3i32..=4 {
                for i in -3i32..=4 {
                    let expect_dark = i != 4 && j != 4 && i.abs().max(j.abs()) != 2;
                    let p = f.centre + ax * i as f32 + ay * j as f32;
                    wrong += u32::from((view.darkness_at(p, inverted) > 0.0) != expect_dark);
                }
            }
        }
        wrong <= MAX_MISMATCH
    }

    /// The three finder centres: where they sit in a code of `side` modules, and in the image.
    pub fn centres(&self, side: usize) -> ([Point; 3], [Point; 3]) {
        let far = side as f32 - 3.5;
        (
            [
                Point::new(3.5, 3.5),
                Point::new(far, 3.5),
                Point::new(3.5, far),
            ],
            [self.tl.centre, self.tr.centre, self.bl.centre],
        )
    }

    /// The grid for a code of `side` modules before any alignment pattern is found: the
    /// parallelogram of the three centres, or in perspective, the quadrilateral whose fourth
    /// corner is where the top-right finder's column meets the bottom-left finder's row.
    pub fn grid(&self, side: usize) -> Option<Homography> {
        let far = side as f32 - 3.5;
        let (modules, pixels) = self.centres(side);
        if self.bent
            && let Some(br) = intersect(
                self.tr.centre,
                self.frames[1].col,
                self.bl.centre,
                self.frames[2].row,
            )
        {
            let reach =
                self.tl.centre.distance(self.tr.centre) + self.tl.centre.distance(self.bl.centre);
            if br.distance(self.tl.centre) < 2.0 * reach {
                return Homography::fit(
                    &[modules[0], modules[1], modules[2], Point::new(far, far)],
                    &[pixels[0], pixels[1], pixels[2], br],
                );
            }
        }
        Homography::affine(modules, pixels)
    }
}

/// Where the line through `a` along `da` meets the line through `b` along `db`.
fn intersect(a: Point, da: Point, b: Point, db: Point) -> Option<Point> {
    let d = da.cross(db);
    if d.abs() < 1e-3 {
        return None;
    }
    let t = (b - a).cross(db) / d;
    Some(a + da * t)
}

/// The direction of a finder's sides that cross `along` (a unit vector in the code's other
/// axis), measured on the finder: the outer edges are found along `along` from points spread
/// across the finder's centre, and their drift says how the sides lean. Oriented towards
/// `towards`.
fn side_axis(view: &View, f: &Finder, along: Point, towards: Point) -> Option<Point> {
    let mut across = Point::new(-along.y, along.x);
    if across.dot(towards) < 0.0 {
        across = across * -1.0;
    }
    let step = (f.module / 4.0).clamp(0.2, 1.0);
    let limit = (f.module * 7.0 / step) as usize;
    // Offsets within the 3×3 dark centre, in modules.
    let offsets = [-1.0f32, -0.5, 0.0, 0.5, 1.0];
    let mut slopes = Vec::with_capacity(2);
    for sign in [1.0f32, -1.0] {
        let mut pts = Vec::with_capacity(offsets.len());
        for &t in &offsets {
            let start = f.centre + across * (t * f.module);
            if let Some(e) = outer_edge(view, start, along * sign, step, limit, f.inverted) {
                pts.push((t * f.module, e * sign));
            }
        }
        if pts.len() >= 4 {
            slopes.push(slope(&pts)?);
        }
    }
    if slopes.is_empty() {
        return None;
    }
    let k = slopes.iter().sum::<f32>() / slopes.len() as f32;
    // Leaning more than 45° is not a square seen at a sane angle.
    (k.abs() < 1.0).then(|| (across + along * k).unit())
}

/// Least-squares slope of y over x.
fn slope(pts: &[(f32, f32)]) -> Option<f32> {
    let n = pts.len() as f32;
    let mx = pts.iter().map(|p| p.0).sum::<f32>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f32>() / n;
    let sxx: f32 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f32 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Width of a finder pattern through its centre along `dir`, between the outer edges.
fn width_along(view: &View, f: &Finder, dir: Point) -> Option<f32> {
    let step = (f.module / 4.0).clamp(0.2, 1.0);
    let limit = (f.module * 7.0 / step) as usize;
    let forward = outer_edge(view, f.centre, dir, step, limit, f.inverted)?;
    let back = outer_edge(view, f.centre, dir * -1.0, step, limit, f.inverted)?;
    let w = forward + back;
    (w > 3.5 * f.module && w < 14.0 * f.module).then_some(w)
}

/// Distance from a point inside a finder's centre to its outer edge along `dir`: the third
/// change of colour, placed between samples where the darkness crosses zero.
fn outer_edge(
    view: &View,
    from: Point,
    dir: Point,
    step: f32,
    limit: usize,
    inverted: bool,
) -> Option<f32> {
    let mut prev = view.darkness_at(from, inverted);
    if prev <= 0.0 {
        return None;
    }
    let mut changes = 0;
    for k in 1..=limit {
        let p = from + dir * (k as f32 * step);
        if !view.contains(p) {
            return (changes == 2).then_some(k as f32 * step);
        }
        let s = view.darkness_at(p, inverted);
        if (s > 0.0) != (prev > 0.0) {
            changes += 1;
            if changes == 3 {
                let frac = (prev / (prev - s)).clamp(0.0, 1.0);
                return Some(((k - 1) as f32 + frac) * step);
            }
        }
        prev = s;
    }
    None
}
