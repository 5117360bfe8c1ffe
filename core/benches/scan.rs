//! QR search speed on the project's own screenshots (core/tests/fixtures/screens): a light and
//! a dark-inverted setup page, a 10-account export, two codes on a canvas, a JPEG, and a page
//! with no code at all (the slowest case: every fallback runs). The corpus-wide comparison with
//! zxing-cpp is bench/qr/run.py; this one is for watching the locator's own hot paths.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ninsho_core::scan;

fn screens(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/screens");
    let mut group = c.benchmark_group("scan");
    for file in [
        "light-img-otpauth.png",
        "dark-inverted-svg-otpauth.png",
        "light-img-export10.png",
        "dark-canvas-two-codes.png",
        "jpeg-export1.jpg",
        "page-without-code.png",
    ] {
        let bytes = std::fs::read(dir.join(file)).expect("fixture screenshot");
        let grey = scan::to_grey(&scan::decode_image(&bytes).expect("fixture decodes"));
        group.bench_with_input(BenchmarkId::new("decode_all", file), &grey, |b, grey| {
            b.iter(|| scan::decode_all(grey))
        });
    }
    group.finish();
}

criterion_group!(benches, screens);
criterion_main!(benches);
