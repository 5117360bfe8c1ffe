//! Images built to lure the locator: finder patterns, alignment-pattern-like squares, stripes,
//! blocks of random modules and grey ramps, placed, sized, rotated and overlapped as the input
//! bytes say. Random pixels almost never form a finder pattern; these form hundreds, in
//! collinear rows, nested, touching the border, a pixel wide or filling the image.
#![no_main]

use image::{GrayImage, Luma};
use libfuzzer_sys::fuzz_target;

struct Bytes<'a>(&'a [u8], usize);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        let b = self.0.get(self.1).copied().unwrap_or(0);
        self.1 += 1;
        b
    }
    fn more(&self) -> bool {
        self.1 < self.0.len()
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data, 0);
    let w = 21 + u32::from(b.next()) * 3;
    let h = 21 + u32::from(b.next()) * 3;
    let (ground, ink) = (b.next(), b.next());
    let mut img = GrayImage::from_pixel(w, h, Luma([ground]));
    let mut shapes = 0;
    while b.more() && shapes < 400 {
        shapes += 1;
        let kind = b.next() % 5;
        let cx = f32::from(b.next()) / 255.0 * w as f32;
        let cy = f32::from(b.next()) / 255.0 * h as f32;
        let module = 0.5 + f32::from(b.next()) / 16.0;
        let angle = f32::from(b.next()) / 255.0 * std::f32::consts::TAU;
        let (sin, cos) = angle.sin_cos();
        let seed = u32::from(b.next());
        let reach = (module * 6.0) as i64 + 2;
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let (x, y) = (cx as i64 + dx, cy as i64 + dy);
                if x < 0 || y < 0 || x >= i64::from(w) || y >= i64::from(h) {
                    continue;
                }
                // Module coordinates of this pixel in the shape's rotated frame.
                let (fx, fy) = (dx as f32 + 0.5, dy as f32 + 0.5);
                let (u, v) = ((fx * cos + fy * sin) / module, (-fx * sin + fy * cos) / module);
                let ring = u.abs().max(v.abs());
                let dark = match kind {
                    0 => ring < 3.5 && (ring < 1.5 || ring >= 2.5),
                    1 => ring < 2.5 && (ring < 0.5 || ring >= 1.5),
                    2 => ring < 5.0 && (u.floor() as i32).rem_euclid(2) == 0,
                    3 => ring < 5.0 && ((u.floor() as i32 * 31 + v.floor() as i32 * 17) as u32 ^ seed) % 3 == 0,
                    _ => {
                        if ring < 5.0 {
                            let g = (u + 5.0) / 10.0 * 255.0;
                            img.put_pixel(x as u32, y as u32, Luma([g as u8]));
                        }
                        continue;
                    }
                };
                if dark {
                    img.put_pixel(x as u32, y as u32, Luma([ink]));
                }
            }
        }
    }
    let _ = ninsho_core::scan::decode_all(&img);
});
