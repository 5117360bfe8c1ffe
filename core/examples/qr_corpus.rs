//! Decodes every image of a bench/qr corpus and prints, per image, what was found and how long
//! the search took. bench/qr/run.py calls this and measures zxing-cpp in the same run.
//!
//! Usage: qr_corpus MANIFEST [ninsho|rqrr] [REPEATS]
//!
//! File decoding and the conversion to grey are not timed (the same holds for zxing-cpp in
//! run.py); each image is searched REPEATS times (default 3) and the median time is kept.

use std::path::Path;
use std::time::Instant;

use image::GrayImage;
use ninsho_core::scan;

fn plain_rqrr(grey: &GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(grey.clone());
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| {
            let mut out = Vec::new();
            g.decode_to(&mut out).ok()?;
            Some(String::from_utf8_lossy(&out).into_owned())
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(manifest_path) = args.get(1) else {
        eprintln!("usage: qr_corpus MANIFEST [ninsho|rqrr] [REPEATS]");
        std::process::exit(2);
    };
    let decoder = args.get(2).map_or("ninsho", String::as_str);
    let repeats: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let manifest: serde_json::Value = match std::fs::read_to_string(manifest_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cannot read {manifest_path}: {e}");
            std::process::exit(1);
        }
    };
    let base = Path::new(manifest_path).parent().unwrap_or(Path::new("."));
    let entries = manifest.as_array().map(Vec::as_slice).unwrap_or_default();
    let mut results = Vec::new();
    for entry in entries {
        let file = entry["file"].as_str().unwrap_or_default();
        let grey = match std::fs::read(base.join(file))
            .map_err(|e| e.to_string())
            .and_then(|b| scan::decode_image(&b).map_err(|e| e.to_string()))
        {
            Ok(image) => scan::to_grey(&image),
            Err(e) => {
                results.push(serde_json::json!({"file": file, "error": e}));
                continue;
            }
        };
        let mut times = Vec::with_capacity(repeats);
        let mut found = Vec::new();
        for _ in 0..repeats {
            let start = Instant::now();
            found = match decoder {
                "rqrr" => plain_rqrr(&grey),
                _ => scan::decode_all(&grey)
                    .into_iter()
                    .map(|p| p.text.to_string())
                    .collect(),
            };
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        results.push(
            serde_json::json!({"file": file, "payloads": found, "ms": times[times.len() / 2]}),
        );
    }
    println!("{}", serde_json::Value::from(results));
}
