//! Any grey image, pixel by pixel: the first four bytes give the size, the rest the pixels
//! (repeated to fill it). The locator must return, whatever it is shown.
#![no_main]

use image::GrayImage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let w = u32::from(u16::from_le_bytes([data[0], data[1]]) % 700 + 1);
    let h = u32::from(u16::from_le_bytes([data[2], data[3]]) % 700 + 1);
    let px = &data[4..];
    let image = GrayImage::from_fn(w, h, |x, y| image::Luma([px[((y * w + x) as usize) % px.len()]]));
    let _ = ninsho_core::scan::decode_all(&image);
});
