//! The QR locator on codes put through what screenshots and photos do to them: rotation,
//! perspective, mirroring, modules of a pixel and a bit, faint contrast, noise, blur, several
//! codes at once; and on look-alikes that must yield nothing.

use image::{GrayImage, Luma, imageops};
use ninsho_core::scan;
use qrcode::{Color, EcLevel, QrCode, Version};

/// `text` as a QR code with `module` pixels per module and a `quiet`-module margin.
fn render_with(code: &QrCode, module: u32, quiet: u32) -> GrayImage {
    let n = code.width() as u32;
    let colors = code.to_colors();
    let size = (n + 2 * quiet) * module;
    GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = (quiet..n + quiet).contains(&mx)
            && (quiet..n + quiet).contains(&my)
            && colors[((my - quiet) * n + (mx - quiet)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    })
}

fn render(text: &str, module: u32) -> GrayImage {
    render_with(
        &QrCode::with_error_correction_level(text, EcLevel::M).unwrap(),
        module,
        4,
    )
}

/// An otpauth URI long enough to need version 10 or so, like a real enrollment code with an image.
fn long_uri(i: usize) -> String {
    format!(
        "otpauth://totp/Example%20Bank:user{i}@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example%20Bank&algorithm=SHA256&digits=8&image=https%3A%2F%2Fexample.com%2Flogo{i}.png"
    )
}

fn one(text: &str) -> Vec<String> {
    vec![text.to_owned()]
}

fn texts(grey: &GrayImage) -> Vec<String> {
    let mut out: Vec<String> = scan::decode_all(grey)
        .iter()
        .map(|p| p.text.to_string())
        .collect();
    out.sort();
    out
}

/// Pastes `code` on a `w`×`h` page of grey `page` at (x, y).
fn on_page(code: &GrayImage, w: u32, h: u32, page: u8, x: i64, y: i64) -> GrayImage {
    let mut out = GrayImage::from_pixel(w, h, Luma([page]));
    imageops::overlay(&mut out, code, x, y);
    out
}

/// The image seen through the projective map sending the corners of `src` to `corners` (in
/// output pixels), resampled bilinearly; outside the source is `fill`.
fn warp(src: &GrayImage, w: u32, h: u32, corners: [(f64, f64); 4], fill: u8) -> GrayImage {
    let (sw, sh) = (f64::from(src.width()), f64::from(src.height()));
    let from = [(0.0, 0.0), (sw, 0.0), (sw, sh), (0.0, sh)];
    // Output → source: solve the 8 unknowns of the homography mapping corners → from.
    let mut a = [[0f64; 9]; 8];
    for (i, (&(x, y), &(u, v))) in corners.iter().zip(&from).enumerate() {
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v, v];
    }
    for c in 0..8 {
        let p = (c..8)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        for r in 0..8 {
            if r != c {
                let f = a[r][c] / a[c][c];
                let pivot = a[c];
                for (v, p) in a[r][c..].iter_mut().zip(&pivot[c..]) {
                    *v -= f * p;
                }
            }
        }
    }
    let m: Vec<f64> = (0..8).map(|i| a[i][8] / a[i][i]).collect();
    GrayImage::from_fn(w, h, |x, y| {
        let (x, y) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
        let d = m[6] * x + m[7] * y + 1.0;
        let u = (m[0] * x + m[1] * y + m[2]) / d - 0.5;
        let v = (m[3] * x + m[4] * y + m[5]) / d - 0.5;
        if u < 0.0 || v < 0.0 || u > sw - 1.0 || v > sh - 1.0 {
            return Luma([fill]);
        }
        let (x0, y0) = (u.floor() as u32, v.floor() as u32);
        let (x1, y1) = (
            (x0 + 1).min(src.width() - 1),
            (y0 + 1).min(src.height() - 1),
        );
        let (tx, ty) = (u - f64::from(x0), v - f64::from(y0));
        let g = |x, y| f64::from(src.get_pixel(x, y).0[0]);
        let top = g(x0, y0) * (1.0 - tx) + g(x1, y0) * tx;
        let bottom = g(x0, y1) * (1.0 - tx) + g(x1, y1) * tx;
        Luma([(top * (1.0 - ty) + bottom * ty).round() as u8])
    })
}

/// A deterministic stream of numbers in [0, 1).
fn noise(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed | 1;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn rotated_by_any_angle() {
    let text = long_uri(1);
    let code = render(&text, 4);
    let s = f64::from(code.width());
    for degrees in [3.0f64, 17.0, 30.0, 45.0, 62.0, 135.0, 200.0, 291.0] {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (cx, cy) = (350.0, 350.0);
        let corner = |x: f64, y: f64| {
            let (dx, dy) = (x - s / 2.0, y - s / 2.0);
            (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
        };
        let corners = [
            corner(0.0, 0.0),
            corner(s, 0.0),
            corner(s, s),
            corner(0.0, s),
        ];
        let image = warp(&code, 700, 700, corners, 255);
        assert_eq!(texts(&image), one(&text), "{degrees}°");
    }
}

#[test]
fn seen_in_perspective() {
    let text = long_uri(2);
    let code = render(&text, 5);
    let s = f64::from(code.width());
    for (i, corners) in [
        [
            (60.0, 40.0),
            (60.0 + s * 0.9, 80.0),
            (40.0 + s * 0.95, 40.0 + s * 1.05),
            (80.0, 20.0 + s),
        ],
        [
            (100.0, 60.0),
            (40.0 + s, 30.0),
            (60.0 + s * 1.1, 80.0 + s),
            (20.0, 40.0 + s * 0.85),
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let image = warp(&code, 800, 800, corners, 240);
        assert_eq!(texts(&image), one(&text), "warp {i}");
    }
}

#[test]
fn mirrored_codes_read_as_their_text() {
    let text = long_uri(3);
    let image = imageops::flip_horizontal(&render(&text, 3));
    assert_eq!(texts(&image), one(&text));
}

#[test]
fn modules_of_little_more_than_a_pixel() {
    // Drawn at 8 px per module and scaled down by area averaging, as a browser or an OS
    // screenshot scaler does: modules of 1.4 and 1.7 pixels, anti-aliased.
    let text = long_uri(4);
    let big = render(&text, 8);
    for module in [1.4f32, 1.7, 2.3] {
        let size = (big.width() as f32 * module / 8.0).round() as u32;
        let small = imageops::resize(&big, size, size, imageops::FilterType::Triangle);
        let page = on_page(&small, size + 200, size + 160, 255, 97, 81);
        assert_eq!(texts(&page), one(&text), "{module} px");
    }
}

#[test]
fn a_dense_export_at_two_pixels_per_module() {
    // A version-25 code, the size of a 10-account Google Authenticator export.
    let data = "otpauth-migration://offline?data=".to_owned() + &"CjEKCkhlbGxvIeOK".repeat(60);
    let code = QrCode::with_version(data.as_bytes(), Version::Normal(25), EcLevel::L).unwrap();
    let image = on_page(&render_with(&code, 2, 4), 900, 700, 250, 300, 200);
    assert_eq!(texts(&image), one(&data));
}

#[test]
fn faint_noisy_and_blurred() {
    let text = long_uri(5);
    let code = render(&text, 4);
    // Squeezed into 150–225 grey levels.
    let faint = GrayImage::from_fn(code.width(), code.height(), |x, y| {
        Luma([150 + (u32::from(code.get_pixel(x, y).0[0]) * 75 / 255) as u8])
    });
    assert_eq!(texts(&on_page(&faint, 500, 500, 225, 60, 60)), one(&text));
    // Sensor-like noise of ±40 grey levels.
    let mut rand = noise(7);
    let noisy = GrayImage::from_fn(code.width(), code.height(), |x, y| {
        let v = f64::from(code.get_pixel(x, y).0[0]) + (rand() - 0.5) * 80.0;
        Luma([v.clamp(0.0, 255.0) as u8])
    });
    assert_eq!(texts(&noisy), one(&text));
    // Out of focus.
    assert_eq!(texts(&imageops::blur(&code, 1.3)), one(&text));
}

#[test]
fn light_on_dark_with_a_one_module_margin() {
    let text = long_uri(6);
    let mut code = render_with(
        &QrCode::with_error_correction_level(&text, EcLevel::M).unwrap(),
        3,
        1,
    );
    imageops::invert(&mut code);
    // The dark page runs right up to the code's one-module margin.
    let page = on_page(&code, 600, 500, 0, 150, 90);
    assert_eq!(texts(&page), one(&text));
}

#[test]
fn a_grid_of_nine_codes_yields_all_nine() {
    let uris: Vec<String> = (0..9).map(long_uri).collect();
    let mut page = GrayImage::from_pixel(1500, 1500, Luma([240]));
    for (i, text) in uris.iter().enumerate() {
        let code = render(text, 3);
        let (col, row) = ((i % 3) as i64, (i / 3) as i64);
        imageops::overlay(
            &mut page,
            &code,
            40 + col * (i64::from(code.width()) + 30),
            40 + row * (i64::from(code.width()) + 30),
        );
    }
    let mut want = uris.clone();
    want.sort();
    assert_eq!(texts(&page), want);
    // Reading order: row by row, left to right.
    let found: Vec<String> = scan::decode_all(&page)
        .iter()
        .map(|p| p.text.to_string())
        .collect();
    assert_eq!(found, uris);
}

#[test]
fn look_alikes_yield_nothing() {
    // Three genuine finder patterns around random modules.
    let mut rand = noise(11);
    let n = 33u32;
    let fake = GrayImage::from_fn((n + 8) * 4, (n + 8) * 4, |x, y| {
        let (mx, my) = ((x / 4) as i32 - 4, (y / 4) as i32 - 4);
        if mx < 0 || my < 0 || mx >= n as i32 || my >= n as i32 {
            return Luma([255]);
        }
        let finder = |fx: i32, fy: i32| {
            let (dx, dy) = (mx - fx - 3, my - fy - 3);
            let ring = dx.abs().max(dy.abs());
            (ring <= 4).then_some(ring != 2 && ring <= 3)
        };
        let far = n as i32 - 7;
        let dark = finder(0, 0)
            .or_else(|| finder(far, 0))
            .or_else(|| finder(0, far))
            .unwrap_or_else(|| rand() < 0.5);
        Luma([if dark { 0 } else { 255 }])
    });
    assert!(scan::decode_all(&fake).is_empty());

    // A real code with 40 % of its data modules flipped: beyond any error correction.
    let code = QrCode::with_error_correction_level(long_uri(7), EcLevel::L).unwrap();
    let n = code.width();
    let mut colors = code.to_colors();
    let mut rand = noise(13);
    for y in 0..n {
        for x in 0..n {
            let in_finder = (x < 9 && (y < 9 || y >= n - 8)) || (x >= n - 8 && y < 9);
            if !in_finder && rand() < 0.4 {
                let c = &mut colors[y * n + x];
                *c = if *c == Color::Dark {
                    Color::Light
                } else {
                    Color::Dark
                };
            }
        }
    }
    let scrambled = GrayImage::from_fn((n as u32 + 8) * 4, (n as u32 + 8) * 4, |x, y| {
        let (mx, my) = ((x / 4) as i32 - 4, (y / 4) as i32 - 4);
        let inside = mx >= 0 && my >= 0 && (mx as usize) < n && (my as usize) < n;
        Luma([
            if inside && colors[my as usize * n + mx as usize] == Color::Dark {
                0
            } else {
                255
            },
        ])
    });
    assert!(scan::decode_all(&scrambled).is_empty());

    // Half a code, cut off by the edge of the screen.
    let text = long_uri(8);
    let whole = render(&text, 4);
    let half = imageops::crop_imm(&whole, 0, 0, whole.width() * 2 / 5, whole.height()).to_image();
    assert!(scan::decode_all(&half).is_empty());
}

mod lures {
    use super::*;
    use proptest::prelude::*;

    /// Draws a finder pattern (7×7 modules) or an alignment pattern (5×5) of `module` pixels
    /// centred at (cx, cy).
    fn draw(img: &mut GrayImage, cx: f32, cy: f32, module: f32, finder: bool) {
        let rings = if finder { 3.5 } else { 2.5 };
        let reach = (module * rings).ceil() as i64 + 1;
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let (x, y) = (cx as i64 + dx, cy as i64 + dy);
                if x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
                    continue;
                }
                let ring = ((dx as f32 + 0.5) / module)
                    .abs()
                    .max(((dy as f32 + 0.5) / module).abs());
                let dark = if finder {
                    ring < 3.5 && !(1.5..2.5).contains(&ring)
                } else {
                    ring < 2.5 && !(0.5..1.5).contains(&ring)
                };
                if ring < rings {
                    img.put_pixel(x as u32, y as u32, Luma([if dark { 0 } else { 255 }]));
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Finder and alignment patterns strewn over random modules, in rows, clusters and
        /// right triangles by chance: no panic, and never a payload.
        #[test]
        fn strewn_finder_patterns_are_not_codes(
            shapes in proptest::collection::vec((0f32..400.0, 0f32..400.0, 1.0f32..9.0, any::<bool>()), 0..40),
            seed in any::<u64>(),
        ) {
            let mut rand = noise(seed);
            let mut img = GrayImage::from_fn(400, 400, |x, y| {
                let inside = (60..340).contains(&x) && (60..340).contains(&y);
                Luma([if inside && rand() < 0.5 { 0 } else { 255 }])
            });
            for (x, y, m, finder) in shapes {
                draw(&mut img, x, y, m, finder);
            }
            prop_assert!(scan::decode_all(&img).is_empty());
        }
    }
}
