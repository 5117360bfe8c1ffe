//! Finding every QR code in an image with rqrr, trying cheap variants of the image when the
//! plain pass finds nothing: the other polarity (light-on-dark codes of dark-mode pages), a
//! 2-D local-mean threshold, and a 2× enlargement for small modules. After a hit, the found
//! codes are blanked out and the same variant is searched again, so codes that rqrr's greedy
//! finder grouping hid behind the first one still turn up.

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{GrayImage, imageops};
use rqrr::PreparedImage;
use zeroize::Zeroizing;

use super::binarize::{Bitmap, local_mean};

/// A decoded code in the coordinates of the image given to [`find_codes`].
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The code's raw content; it may hold a secret.
    pub bytes: Zeroizing<Vec<u8>>,
    pub corners: [(f32, f32); 4],
}

/// Images up to this many pixels also get the 2× pass; beyond it, the pass costs more than it finds.
const UPSCALE_MAX_PIXELS: u64 = 2_600_000;
/// Re-searches after blanking found codes.
const MAX_ROUNDS: usize = 4;

#[derive(Clone, Copy, Debug)]
enum Binarizer {
    Rqrr,
    LocalMean,
}

#[derive(Clone, Copy, Debug)]
struct Pass {
    invert: bool,
    binarizer: Binarizer,
    scale: u32,
}

struct PassResult {
    found: Vec<Found>,
    /// Grids rqrr located but could not decode: a sign that more codes are there.
    failed_grids: usize,
}

/// Every QR code found in `grey`, in reading order, each payload once.
pub(crate) fn find_codes(grey: &GrayImage) -> Vec<Found> {
    let (w, h) = grey.dimensions();
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let dark_page = mean_level(grey) < 110;
    let mut passes = vec![
        Pass {
            invert: dark_page,
            binarizer: Binarizer::Rqrr,
            scale: 1,
        },
        Pass {
            invert: !dark_page,
            binarizer: Binarizer::Rqrr,
            scale: 1,
        },
        Pass {
            invert: false,
            binarizer: Binarizer::LocalMean,
            scale: 1,
        },
        Pass {
            invert: true,
            binarizer: Binarizer::LocalMean,
            scale: 1,
        },
    ];
    if u64::from(w) * u64::from(h) <= UPSCALE_MAX_PIXELS {
        passes.push(Pass {
            invert: false,
            binarizer: Binarizer::Rqrr,
            scale: 2,
        });
    }

    let mut all: Vec<Found> = Vec::new();
    for pass in passes {
        // rqrr is not written for hostile input; a panic in one pass costs that pass only.
        let Ok(result) = catch_unwind(AssertUnwindSafe(|| run_pass(grey, pass))) else {
            continue;
        };
        for found in result.found {
            if !all.iter().any(|f| f.bytes == found.bytes) {
                all.push(found);
            }
        }
        if !all.is_empty() && result.failed_grids == 0 {
            break;
        }
    }
    all.sort_by(|a, b| {
        let (ay, ax) = (a.corners[0].1, a.corners[0].0);
        let (by, bx) = (b.corners[0].1, b.corners[0].0);
        (ay, ax)
            .partial_cmp(&(by, bx))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    all
}

fn mean_level(grey: &GrayImage) -> u64 {
    let raw = grey.as_raw();
    // A sparse sample is plenty to tell a dark page from a light one.
    let step = (raw.len() / 65_536).max(1);
    let (sum, n) = raw
        .iter()
        .step_by(step)
        .fold((0u64, 0u64), |(s, n), &v| (s + u64::from(v), n + 1));
    sum / n.max(1)
}

fn run_pass(grey: &GrayImage, pass: Pass) -> PassResult {
    let mut work = if pass.scale > 1 {
        imageops::resize(
            grey,
            grey.width() * pass.scale,
            grey.height() * pass.scale,
            imageops::FilterType::Triangle,
        )
    } else {
        grey.clone()
    };
    if pass.invert {
        imageops::invert(&mut work);
    }
    let mut bitmap = match pass.binarizer {
        Binarizer::LocalMean => Some(local_mean(&work, false)),
        Binarizer::Rqrr => None,
    };

    let scale = pass.scale as f32;
    let mut found = Vec::new();
    let mut failed_grids = 0;
    for _ in 0..MAX_ROUNDS {
        let mut prepared = match &bitmap {
            Some(b) => {
                PreparedImage::prepare_from_bitmap(b.width as usize, b.height as usize, |x, y| {
                    b.get(x as u32, y as u32)
                })
            }
            None => {
                let (w, raw) = (work.width() as usize, work.as_raw());
                PreparedImage::prepare_from_greyscale(w, work.height() as usize, |x, y| {
                    raw[y * w + x]
                })
            }
        };
        let grids = prepared.detect_grids();
        let mut new_quads = Vec::new();
        failed_grids = 0;
        for grid in &grids {
            let mut bytes = Zeroizing::new(Vec::new());
            if grid.decode_to(&mut *bytes).is_err() {
                failed_grids += 1;
                continue;
            }
            let corners = grid
                .bounds
                .map(|p| (p.x as f32 / scale, p.y as f32 / scale));
            new_quads.push(grid.bounds.map(|p| (p.x as f32, p.y as f32)));
            if !found.iter().any(|f: &Found| f.bytes == bytes) {
                found.push(Found { bytes, corners });
            }
        }
        if new_quads.is_empty() {
            break;
        }
        for quad in &new_quads {
            match &mut bitmap {
                Some(b) => blank_bitmap(b, quad),
                None => blank_grey(&mut work, quad),
            }
        }
    }
    PassResult {
        found,
        failed_grids,
    }
}

/// Calls `paint` for every pixel inside `quad` grown by 10 % around its centre (the quiet zone
/// and a little more, so no finder pattern of the code survives).
fn for_each_in_quad(
    quad: &[(f32, f32); 4],
    width: u32,
    height: u32,
    mut paint: impl FnMut(u32, u32),
) {
    let cx = quad.iter().map(|p| p.0).sum::<f32>() / 4.0;
    let cy = quad.iter().map(|p| p.1).sum::<f32>() / 4.0;
    let grown = quad.map(|(x, y)| (cx + (x - cx) * 1.1, cy + (y - cy) * 1.1));
    let min_x = grown.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0) as u32;
    let max_x = grown
        .iter()
        .map(|p| p.0)
        .fold(f32::MIN, f32::max)
        .min(width as f32 - 1.0)
        .max(0.0) as u32;
    let min_y = grown.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0) as u32;
    let max_y = grown
        .iter()
        .map(|p| p.1)
        .fold(f32::MIN, f32::max)
        .min(height as f32 - 1.0)
        .max(0.0) as u32;
    let inside = |x: f32, y: f32| {
        let mut sign = 0i32;
        for i in 0..4 {
            let (ax, ay) = grown[i];
            let (bx, by) = grown[(i + 1) % 4];
            let cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
            let s = if cross > 0.0 {
                1
            } else if cross < 0.0 {
                -1
            } else {
                0
            };
            if s != 0 {
                if sign != 0 && s != sign {
                    return false;
                }
                sign = s;
            }
        }
        true
    };
    for y in min_y..=max_y {
        for x in min_x..=max_x {
            if inside(x as f32 + 0.5, y as f32 + 0.5) {
                paint(x, y);
            }
        }
    }
}

fn blank_grey(image: &mut GrayImage, quad: &[(f32, f32); 4]) {
    let (w, h) = image.dimensions();
    for_each_in_quad(quad, w, h, |x, y| image.put_pixel(x, y, image::Luma([255])));
}

fn blank_bitmap(bitmap: &mut Bitmap, quad: &[(f32, f32); 4]) {
    let (w, h) = (bitmap.width, bitmap.height);
    for_each_in_quad(quad, w, h, |x, y| bitmap.dark[(y * w + x) as usize] = false);
}
