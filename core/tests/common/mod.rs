//! Access to the shared conformance vectors (`../shared/vectors` next to the checkout, or
//! `NINSHO_VECTORS`). They are not copied into the project; when they are missing the tests
//! fail and say so, unless `NINSHO_ALLOW_MISSING_VECTORS=1` explicitly turns them into a
//! loudly reported skip.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn vectors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("NINSHO_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("NINSHO_ALLOW_MISSING_VECTORS").as_deref() == Ok("1") {
        eprintln!(
            "SKIPPED: shared vectors not found at {} (NINSHO_ALLOW_MISSING_VECTORS=1)",
            dir.display()
        );
        return None;
    }
    panic!(
        "shared vectors not found at {}: check out ../shared next to the project, point \
         NINSHO_VECTORS at it, or set NINSHO_ALLOW_MISSING_VECTORS=1 to skip these tests",
        dir.display()
    );
}

pub fn load_json(relative: &str) -> Option<serde_json::Value> {
    let path = vectors_dir()?.join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Some(
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display())),
    )
}

pub fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex in vector file"))
        .collect()
}

/// The account as the shared files write it (`expect` objects of uris.json / migration.json).
pub fn account_json(account: &ninsho_core::otp::Account) -> serde_json::Value {
    use ninsho_core::otp::OtpType;
    let p = &account.params;
    let mut v = serde_json::json!({
        "type": p.otp_type.as_str(),
        "issuer": account.issuer,
        "name": account.name,
        "secret_base32_normalized": account.secret.to_base32().as_str(),
        "algorithm": p.algorithm.as_str(),
        "digits": p.digits,
    });
    match p.otp_type {
        OtpType::Hotp => v["counter"] = p.counter.into(),
        _ => v["period"] = p.period.into(),
    }
    v
}
