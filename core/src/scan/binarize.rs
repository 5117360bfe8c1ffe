//! Two-dimensional local-mean thresholding.
//!
//! rqrr's own binarizer averages along rows over a window of an eighth of the image width, so
//! a small code in a large screenshot is judged against the page around it. This one compares
//! each pixel with the mean of a square window sized to the image's short side, which keeps
//! small codes, low-contrast scans and dark pages readable.

use image::GrayImage;

/// A black/white image: `true` is dark (a QR module).
pub(crate) struct Bitmap {
    pub width: u32,
    pub height: u32,
    pub dark: Vec<bool>,
}

impl Bitmap {
    pub fn get(&self, x: u32, y: u32) -> bool {
        self.dark[(y * self.width + x) as usize]
    }
}

/// Thresholds `grey` against the mean of a window about 1/16 of the short side; a pixel is dark
/// when it is clearly below that mean (by 8 %, at least 4 levels), so flat areas stay white.
/// The mean of a window four times wider is consulted too: inside a dark area larger than the
/// small window (the centre of a finder pattern with big modules) the small mean is as dark as
/// the pixel, and only the wider one still sees the light ground around it.
pub(crate) fn local_mean(grey: &GrayImage, invert: bool) -> Bitmap {
    let (w, h) = grey.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let stride = wu + 1;
    // Summed-area table with a zero row and column; u64 because a 64 MP white image sums past u32.
    let mut integral = vec![0u64; stride * (hu + 1)];
    let raw = grey.as_raw();
    for y in 0..hu {
        let mut row_sum = 0u64;
        for x in 0..wu {
            let v = raw[y * wu + x];
            row_sum += u64::from(if invert { 255 - v } else { v });
            integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1] + row_sum;
        }
    }
    let radius = (w.min(h) / 32).clamp(4, 256) as usize;
    let mean_around = |x: usize, y: usize, r: usize| {
        let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
        let (x1, y1) = ((x + r + 1).min(wu), (y + r + 1).min(hu));
        let sum = integral[y1 * stride + x1] + integral[y0 * stride + x0]
            - integral[y0 * stride + x1]
            - integral[y1 * stride + x0];
        sum / ((y1 - y0) * (x1 - x0)) as u64
    };
    let mut dark = vec![false; wu * hu];
    for y in 0..hu {
        for x in 0..wu {
            let mean = mean_around(x, y, radius).max(mean_around(x, y, radius * 4));
            let v = u64::from(raw[y * wu + x]);
            let v = if invert { 255 - v } else { v };
            let margin = (mean * 8 / 100).max(4);
            dark[y * wu + x] = v + margin < mean;
        }
    }
    Bitmap {
        width: w,
        height: h,
        dark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_square_on_light_ground_both_polarities() {
        let mut grey = GrayImage::from_pixel(64, 64, image::Luma([200]));
        for y in 24..40 {
            for x in 24..40 {
                grey.put_pixel(x, y, image::Luma([40]));
            }
        }
        let normal = local_mean(&grey, false);
        assert!(normal.get(30, 30) && !normal.get(5, 5) && !normal.get(45, 30));
        let inverted = local_mean(&grey, true);
        assert!(!inverted.get(30, 30));
        // Flat areas are never dark, whatever their level.
        assert!(!local_mean(&GrayImage::from_pixel(16, 16, image::Luma([0])), false).get(8, 8));
    }
}
