//! One grey image as the locator sees it: pixels, their thresholds, and a polarity.
//!
//! "Dark" always means "the colour of the code's dark modules": for a light-on-dark code of a
//! dark-mode page that is the *lighter* colour, so every search runs unchanged on either
//! polarity by flipping one sign.

use super::geometry::Point;
use super::threshold::Thresholds;

/// How far [`View::leaning`] moves thresholds, in units of the local contrast.
const LEAN: f32 = 0.25;

pub(crate) struct View<'a> {
    pub grey: &'a [u8],
    pub width: usize,
    pub height: usize,
    pub thresholds: Thresholds,
}

impl<'a> View<'a> {
    pub fn new(grey: &'a [u8], width: usize, height: usize) -> View<'a> {
        View {
            grey,
            width,
            height,
            thresholds: Thresholds::new(grey, width, height),
        }
    }

    /// The same image against thresholds leaning towards the colour of `inverted` codes'
    /// modules (see [`Thresholds::leaning`]).
    pub fn leaning(&self, inverted: bool) -> View<'a> {
        View {
            grey: self.grey,
            width: self.width,
            height: self.height,
            thresholds: self.thresholds.leaning(if inverted { -LEAN } else { LEAN }),
        }
    }

    /// Whether pixel `(x, y)` is dark in the given polarity: below its threshold, or for an
    /// inverted code at or above it, so that the two polarities are exact complements.
    pub fn dark(&self, x: usize, y: usize, inverted: bool) -> bool {
        (self.grey[y * self.width + x] < self.thresholds.at_pixel(x, y)) != inverted
    }

    /// How far pixel `(x, y)` lies on the dark side of its threshold: positive exactly when
    /// [`View::dark`] holds, so edges between pixels can be placed where this crosses zero.
    pub fn darkness(&self, x: usize, y: usize, inverted: bool) -> f32 {
        let t = f32::from(self.thresholds.at_pixel(x, y));
        let v = t - f32::from(self.grey[y * self.width + x]) - 0.5;
        if inverted { -v } else { v }
    }

    /// The grey level at a point between pixel centres, bilinearly interpolated; points off the
    /// image take the nearest edge pixel.
    pub fn grey_at(&self, p: Point) -> f32 {
        let fx = (p.x - 0.5).clamp(0.0, (self.width - 1) as f32);
        let fy = (p.y - 0.5).clamp(0.0, (self.height - 1) as f32);
        let (x0, y0) = (fx as usize, fy as usize);
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
        let g = |x: usize, y: usize| f32::from(self.grey[y * self.width + x]);
        let top = g(x0, y0) + (g(x1, y0) - g(x0, y0)) * tx;
        let bottom = g(x0, y1) + (g(x1, y1) - g(x0, y1)) * tx;
        top + (bottom - top) * ty
    }

    /// How far the point lies on the dark side of the local threshold, interpolated.
    pub fn darkness_at(&self, p: Point, inverted: bool) -> f32 {
        let v = self.thresholds.at(p.x, p.y) - self.grey_at(p);
        if inverted { -v } else { v }
    }

    pub fn contains(&self, p: Point) -> bool {
        p.x >= 0.0 && p.y >= 0.0 && p.x < self.width as f32 && p.y < self.height as f32
    }
}
