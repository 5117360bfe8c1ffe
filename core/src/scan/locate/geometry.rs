//! Points in image pixels and the projective map from a code's module grid onto the image.
//!
//! Pixel `(i, j)` covers the square `[i, i+1) × [j, j+1)`, so its centre is `(i + 0.5, j + 0.5)`;
//! module `(c, r)` of a code covers `[c, c+1) × [r, r+1)` in module units. Everything is kept in
//! fractions of a pixel: with modules of 1.5 pixels, rounding a finder centre to a whole pixel
//! already puts the far corner of a dense code a module off.

use std::ops::{Add, Mul, Sub};

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }

    pub fn dot(self, o: Point) -> f32 {
        self.x * o.x + self.y * o.y
    }

    /// The z component of the 3-D cross product: positive when `o` is clockwise of `self` in
    /// image coordinates (y pointing down).
    pub fn cross(self, o: Point) -> f32 {
        self.x * o.y - self.y * o.x
    }

    pub fn length(self) -> f32 {
        self.dot(self).sqrt()
    }

    pub fn distance(self, o: Point) -> f32 {
        (self - o).length()
    }

    /// The same direction with length 1 (or zero for the zero vector).
    pub fn unit(self) -> Point {
        let l = self.length();
        if l > 0.0 { self * (1.0 / l) } else { self }
    }
}

impl Add for Point {
    type Output = Point;
    fn add(self, o: Point) -> Point {
        Point::new(self.x + o.x, self.y + o.y)
    }
}

impl Sub for Point {
    type Output = Point;
    fn sub(self, o: Point) -> Point {
        Point::new(self.x - o.x, self.y - o.y)
    }
}

impl Mul<f32> for Point {
    type Output = Point;
    fn mul(self, k: f32) -> Point {
        Point::new(self.x * k, self.y * k)
    }
}

/// A plane projective transform, `p ↦ (H · (x, y, 1))` dehomogenized.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Homography {
    m: [f64; 9],
}

impl Homography {
    /// The map that sends each `from[i]` to `to[i]`: exact for four points, least squares for
    /// more. `None` when the points are degenerate (three on a line, repeated points).
    pub fn fit(from: &[Point], to: &[Point]) -> Option<Homography> {
        if from.len() != to.len() || from.len() < 4 {
            return None;
        }
        // Solving in normalized coordinates (centroid at the origin, mean distance √2) keeps
        // the normal equations well conditioned when module units meet 4K pixel coordinates.
        let (ns, _) = normalizer(from)?;
        let (nd, nd_inv) = normalizer(to)?;
        let mut ata = [[0f64; 8]; 8];
        let mut atb = [0f64; 8];
        for (s, d) in from.iter().zip(to) {
            let (x, y) = apply(&ns, f64::from(s.x), f64::from(s.y));
            let (u, v) = apply(&nd, f64::from(d.x), f64::from(d.y));
            let rows = [
                ([x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u], u),
                ([0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v], v),
            ];
            for (row, rhs) in rows {
                for i in 0..8 {
                    for j in 0..8 {
                        ata[i][j] += row[i] * row[j];
                    }
                    atb[i] += row[i] * rhs;
                }
            }
        }
        let h = solve8(ata, atb)?;
        let hn = [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0];
        // H = Nd⁻¹ · Hn · Ns
        let m = mul3(&nd_inv, &mul3(&hn, &ns));
        let result = Homography { m };
        result.is_usable().then_some(result)
    }

    /// The affine map that sends three points where they belong; the fourth corner of the
    /// parallelogram follows.
    pub fn affine(from: [Point; 3], to: [Point; 3]) -> Option<Homography> {
        let fourth = |p: [Point; 3]| p[1] + p[2] - p[0];
        Homography::fit(
            &[from[0], from[1], from[2], fourth(from)],
            &[to[0], to[1], to[2], fourth(to)],
        )
    }

    pub fn map(&self, p: Point) -> Point {
        let (x, y) = (f64::from(p.x), f64::from(p.y));
        let m = &self.m;
        let w = m[6] * x + m[7] * y + m[8];
        let u = (m[0] * x + m[1] * y + m[2]) / w;
        let v = (m[3] * x + m[4] * y + m[5]) / w;
        Point::new(u as f32, v as f32)
    }

    /// Where module-grid point `(x, y)` lands.
    pub fn at(&self, x: f32, y: f32) -> Point {
        self.map(Point::new(x, y))
    }

    /// The image vectors of one unit step along x and along y at `p`: the local module axes.
    pub fn axes_at(&self, p: Point) -> (Point, Point) {
        let ex = self.map(Point::new(p.x + 0.5, p.y)) - self.map(Point::new(p.x - 0.5, p.y));
        let ey = self.map(Point::new(p.x, p.y + 0.5)) - self.map(Point::new(p.x, p.y - 0.5));
        (ex, ey)
    }

    fn is_usable(&self) -> bool {
        self.m.iter().all(|v| v.is_finite())
    }
}

/// The similarity that moves the points' centroid to the origin and their mean distance from it
/// to √2, and its inverse.
fn normalizer(points: &[Point]) -> Option<([f64; 9], [f64; 9])> {
    let n = points.len() as f64;
    let cx = points.iter().map(|p| f64::from(p.x)).sum::<f64>() / n;
    let cy = points.iter().map(|p| f64::from(p.y)).sum::<f64>() / n;
    let mean = points
        .iter()
        .map(|p| (f64::from(p.x) - cx).hypot(f64::from(p.y) - cy))
        .sum::<f64>()
        / n;
    if mean.is_nan() || mean <= 1e-9 {
        return None;
    }
    let s = std::f64::consts::SQRT_2 / mean;
    let fwd = [s, 0.0, -s * cx, 0.0, s, -s * cy, 0.0, 0.0, 1.0];
    let inv = [1.0 / s, 0.0, cx, 0.0, 1.0 / s, cy, 0.0, 0.0, 1.0];
    Some((fwd, inv))
}

fn apply(m: &[f64; 9], x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5])
}

fn mul3(a: &[f64; 9], b: &[f64; 9]) -> [f64; 9] {
    let mut out = [0.0; 9];
    for r in 0..3 {
        for c in 0..3 {
            out[r * 3 + c] = (0..3).map(|k| a[r * 3 + k] * b[k * 3 + c]).sum();
        }
    }
    out
}

/// Gaussian elimination with partial pivoting.
fn solve8(mut a: [[f64; 8]; 8], mut b: [f64; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..8 {
            let f = a[row][col] / a[col][col];
            if f != 0.0 {
                let pivot_row = a[col];
                for (v, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                    *v -= f * p;
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = [0.0; 8];
    for row in (0..8).rev() {
        let s: f64 = (row + 1..8).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point) -> bool {
        a.distance(b) < 1e-3
    }

    #[test]
    fn four_points_map_exactly_and_between_them_projectively() {
        let from = [
            Point::new(3.5, 3.5),
            Point::new(33.5, 3.5),
            Point::new(3.5, 33.5),
            Point::new(30.5, 30.5),
        ];
        let to = [
            Point::new(812.25, 400.0),
            Point::new(1010.0, 431.5),
            Point::new(790.0, 611.0),
            Point::new(975.0, 610.0),
        ];
        let h = Homography::fit(&from, &to).unwrap();
        for (f, t) in from.iter().zip(&to) {
            assert!(close(h.map(*f), *t), "{:?} -> {:?}", h.map(*f), t);
        }
        // Straight lines stay straight: the midpoint of a grid line lies on the image line.
        let a = h.at(3.5, 20.0);
        let b = h.at(33.5, 20.0);
        let mid = h.at(18.5, 20.0);
        assert!(((b - a).cross(mid - a)).abs() / (b - a).length() < 1e-3);
    }

    #[test]
    fn more_points_fit_by_least_squares() {
        // Points of a known homography plus one outlier-free extra set: recovered exactly.
        let truth = Homography::fit(
            &[
                Point::new(0.0, 0.0),
                Point::new(1.0, 0.0),
                Point::new(1.0, 1.0),
                Point::new(0.0, 1.0),
            ],
            &[
                Point::new(100.0, 100.0),
                Point::new(300.0, 120.0),
                Point::new(290.0, 330.0),
                Point::new(90.0, 310.0),
            ],
        )
        .unwrap();
        let from: Vec<Point> = (0..5)
            .flat_map(|i| (0..5).map(move |j| Point::new(i as f32 * 0.25, j as f32 * 0.25)))
            .collect();
        let to: Vec<Point> = from.iter().map(|&p| truth.map(p)).collect();
        let fitted = Homography::fit(&from, &to).unwrap();
        for p in &from {
            assert!(close(fitted.map(*p), truth.map(*p)));
        }
    }

    #[test]
    fn degenerate_points_are_refused() {
        let line = [
            Point::new(0.0, 0.0),
            Point::new(1.0, 1.0),
            Point::new(2.0, 2.0),
            Point::new(3.0, 3.0),
        ];
        assert!(Homography::fit(&line, &line).is_none());
        let same = [Point::new(5.0, 5.0); 4];
        assert!(Homography::fit(&same, &same).is_none());
        let a = [
            Point::new(0.0, 0.0),
            Point::new(1.0, 0.0),
            Point::new(0.0, 1.0),
        ];
        let affine = Homography::affine(a, a.map(|p| p * 2.0)).unwrap();
        assert!(close(affine.at(1.0, 1.0), Point::new(2.0, 2.0)));
    }
}
