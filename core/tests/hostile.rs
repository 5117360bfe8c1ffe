//! Input made to hurt: each case would cost minutes or gigabytes without its bound. Every test
//! asserts the clear error, and that no large allocation happened on the way: this binary
//! counts the largest single allocation it makes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use ninsho_core::scan::{self, Content};
use ninsho_core::uri::migration::{self, BatchCollector, MigrationError};

/// The system allocator, remembering the largest block asked for.
struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests share the counter: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the largest single allocation it made.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    LARGEST.store(0, Ordering::SeqCst);
    let out = f();
    (out, LARGEST.load(Ordering::SeqCst))
}

const MB: usize = 1 << 20;

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn field(tag: u8, bytes: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// A Google Authenticator export holding one valid account, claiming `batch_size` codes.
fn export_uri(batch_size: i32, batch_index: i32, batch_id: i32) -> String {
    let mut account = Vec::new();
    field(0x0a, b"12345678901234567890", &mut account); // secret
    field(0x12, b"mallory@example.com", &mut account); // name
    field(0x1a, b"Example", &mut account); // issuer
    account.extend_from_slice(&[0x20, 0x01, 0x28, 0x01, 0x30, 0x02]); // SHA1, 6 digits, TOTP
    let mut payload = Vec::new();
    field(0x0a, &account, &mut payload);
    payload.extend_from_slice(&[0x10, 0x01]); // version 1
    payload.push(0x18);
    varint(u64::from(batch_size as u32), &mut payload);
    payload.push(0x20);
    varint(u64::from(batch_index as u32), &mut payload);
    payload.push(0x28);
    varint(u64::from(batch_id as u32), &mut payload);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&payload);
    format!(
        "otpauth-migration://offline?data={}",
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

/// The text as a QR code in a PNG (4 px modules, a 4-module quiet zone), the way a web page
/// would show it.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("fits a QR code");
    let (width, colors) = (code.width() as u32, code.to_colors());
    let (scale, quiet) = (4, 4);
    let side = (width + 2 * quiet) * scale;
    let image = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let inside = (quiet..quiet + width).contains(&mx) && (quiet..quiet + width).contains(&my);
        let dark =
            inside && colors[((my - quiet) * width + (mx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encodes");
    png
}

#[test]
fn an_export_claiming_two_billion_codes_is_refused_without_allocating_for_them() {
    let uri = export_uri(i32::MAX, 0, 7);
    let (parsed, largest) = largest_allocation(|| migration::parse(&uri));
    assert_eq!(parsed, Err(MigrationError::BatchTooLarge(i32::MAX)));
    assert!(parsed.unwrap_err().to_string().contains("made to mislead"));
    assert!(largest < MB, "largest allocation {largest} bytes");

    // The same export as a QR code in an image, through the scan path the CLI and the app use.
    let png = qr_png(&uri);
    let (payloads, largest) = largest_allocation(|| scan::scan_bytes(&png));
    let payloads = payloads.expect("the image decodes");
    assert_eq!(payloads.len(), 1);
    assert!(
        matches!(
            &payloads[0].content,
            Content::BrokenGoogleExport(MigrationError::BatchTooLarge(i32::MAX))
        ),
        "{:?}",
        payloads[0].content
    );
    assert!(largest < 16 * MB, "largest allocation {largest} bytes");
}

#[test]
fn the_largest_real_export_still_reads() {
    let last = migration::MAX_BATCH_SIZE - 1;
    let part = migration::parse(&export_uri(migration::MAX_BATCH_SIZE, last, 1)).unwrap();
    assert_eq!(part.accounts.len(), 1);
    let mut collector = BatchCollector::new();
    let (progress, largest) = largest_allocation(|| {
        collector.add(&part);
        collector.progress()
    });
    assert_eq!(
        progress[0].missing.len(),
        (migration::MAX_BATCH_SIZE - 1) as usize
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn the_collector_follows_a_bounded_number_of_exports() {
    let mut collector = BatchCollector::new();
    for id in 0..10_000 {
        let part = migration::parse(&export_uri(migration::MAX_BATCH_SIZE, 0, id)).unwrap();
        collector.add(&part);
    }
    let progress = collector.progress();
    assert_eq!(progress.len(), migration::MAX_TRACKED_EXPORTS);
    // The most recent ones are kept.
    assert!(progress.iter().any(|p| p.batch_id == 9_999));
}
