//! Reading a code's modules off the image once its grid is known, and rqrr's decoder on them.
//!
//! Three ways to read a module, tried in turn when the previous one does not decode:
//! - [`Reading::Local`]: the grey level at the module's centre, interpolated between pixels,
//!   against the local threshold — right for anti-aliased codes and modules of any size;
//! - [`Reading::Nearest`]: the one pixel under the centre — right for crisp codes scaled by a
//!   fraction (1.16 px per module drawn as runs of 1 and 2 pixels), where interpolating mixes
//!   in the neighbour module;
//! - [`Reading::Global`]: interpolated grey levels split by one threshold chosen from the code's
//!   own modules (Otsu's method) — right for a faint code on a busy page;
//! - [`Reading::Unmixed`]: the modules solved back from the pixels they were blurred into (see
//!   [`super::unmix`]) — for anti-aliased modules of little more than a pixel.

use std::panic::{AssertUnwindSafe, catch_unwind};

use zeroize::Zeroizing;

use super::geometry::{Homography, Point};
use super::view::View;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    Local,
    Nearest,
    Global,
    Unmixed,
}

/// The modules of a code as rqrr reads them: the payload, encoded, so wiped on drop.
pub(crate) struct Bits {
    side: usize,
    dark: Zeroizing<Vec<bool>>,
}

impl rqrr::BitGrid for Bits {
    fn size(&self) -> usize {
        self.side
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        self.dark[y * self.side + x]
    }
}

fn centre(h: &Homography, c: usize, r: usize) -> Point {
    h.at(c as f32 + 0.5, r as f32 + 0.5)
}

pub(crate) fn read(view: &View, h: &Homography, side: usize, inverted: bool, how: Reading) -> Bits {
    let mut dark = Zeroizing::new(Vec::with_capacity(side * side));
    match how {
        Reading::Local => {
            for r in 0..side {
                for c in 0..side {
                    dark.push(view.darkness_at(centre(h, c, r), inverted) > 0.0);
                }
            }
        }
        Reading::Nearest => {
            for r in 0..side {
                for c in 0..side {
                    let p = centre(h, c, r);
                    let x = (p.x.max(0.0) as usize).min(view.width - 1);
                    let y = (p.y.max(0.0) as usize).min(view.height - 1);
                    dark.push(view.dark(x, y, inverted));
                }
            }
        }
        Reading::Unmixed => match super::unmix::read(view, h, side, inverted) {
            Some(bits) => dark = bits,
            None => return read(view, h, side, inverted, Reading::Local),
        },
        Reading::Global => {
            let mut grey = Zeroizing::new(Vec::with_capacity(side * side));
            for r in 0..side {
                for c in 0..side {
                    grey.push(view.grey_at(centre(h, c, r)));
                }
            }
            let t = otsu(&grey);
            dark.extend(grey.iter().map(|&g| (g < t) != inverted));
        }
    }
    Bits { side, dark }
}

/// The grey level that best splits `values` into two classes (Otsu's method).
fn otsu(values: &[f32]) -> f32 {
    let mut hist = [0u32; 256];
    for &g in values {
        hist[g.clamp(0.0, 255.0) as usize] += 1;
    }
    let total = values.len() as f64;
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * f64::from(n))
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0f64, 0f64, -1f64, 127usize);
    for (t, &n) in hist.iter().enumerate() {
        w0 += f64::from(n);
        sum0 += t as f64 * f64::from(n);
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t;
        }
    }
    best_t as f32 + 0.5
}

/// rqrr's decoder on our modules: the code's bytes, or `None`. rqrr is not written for
/// hostile input; a panic in it costs this attempt only.
pub(crate) fn decode(bits: Bits) -> Option<Zeroizing<Vec<u8>>> {
    let grid = rqrr::Grid::new(bits);
    catch_unwind(AssertUnwindSafe(|| {
        let mut out = Zeroizing::new(Vec::new());
        grid.decode_to(&mut *out).ok().map(|_| out)
    }))
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otsu_splits_faint_modules() {
        let values: Vec<f32> = (0..100)
            .map(|i| if i % 2 == 0 { 160.0 } else { 210.0 })
            .collect();
        let t = otsu(&values);
        assert!(t > 160.0 && t < 210.0, "{t}");
    }

    #[test]
    fn modules_decode_through_rqrr_and_garbage_does_not() {
        use qrcode::{Color, EcLevel, QrCode};
        let code =
            QrCode::with_error_correction_level(b"otpauth://totp/a?secret=JBSWY3DP", EcLevel::M)
                .unwrap();
        let side = code.width();
        let mut dark: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
        let bits = |dark: Vec<bool>| Bits {
            side,
            dark: Zeroizing::new(dark),
        };
        let bytes = decode(bits(dark.clone())).unwrap();
        assert_eq!(&bytes[..], b"otpauth://totp/a?secret=JBSWY3DP");
        // A few wrong modules are corrected; a grid of noise is refused.
        for i in [200, 260, 301] {
            dark[i] = !dark[i];
        }
        assert!(decode(bits(dark)).is_some());
        let noise = (0..side * side).map(|i| (i * 7919) % 13 < 6).collect();
        assert!(decode(bits(noise)).is_none());
    }
}
