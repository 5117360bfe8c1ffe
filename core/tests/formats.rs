//! Every backup file in the shared importer vectors yields exactly the entries expected.json
//! lists (issuer, name, type, algorithm, digits, period or counter, secret), with its password.

mod common;

use std::collections::BTreeSet;

use ninsho_core::formats::{self, FormatError, FormatId};
use ninsho_core::otp::OtpType;

fn format_of(importer: &str, file: &str) -> FormatId {
    match importer {
        "GoogleAuthUriImporter" => FormatId::Uris,
        "WinAuthImporter" => FormatId::WinAuth,
        "EnteAuthImporter" => FormatId::Ente,
        "AegisImporter" => FormatId::Aegis,
        "AndOtpImporter" => FormatId::AndOtp,
        "AuthenticatorPlusImporter" => FormatId::AuthenticatorPlus,
        "AuthyImporter" => FormatId::Authy,
        "BattleNetImporter" => FormatId::BattleNet,
        "BitwardenImporter" => FormatId::Bitwarden,
        "DuoImporter" => FormatId::Duo,
        "FreeOtpImporter" => FormatId::FreeOtp,
        "FreeOtpPlusImporter" => FormatId::FreeOtpPlus,
        "GoogleAuthImporter" => FormatId::GoogleAuthenticator,
        "MicrosoftAuthImporter" => FormatId::MicrosoftAuthenticator,
        "ProtonAuthenticatorImporter" => FormatId::Proton,
        "SteamImporter" => FormatId::Steam,
        "StratumImporter" => FormatId::Stratum,
        "TotpAuthenticatorImporter" => FormatId::TotpAuthenticator,
        "TwoFASImporter" => FormatId::TwoFas,
        other => panic!("{file}: unknown importer {other}"),
    }
}

/// An entry as a comparable line. Ninsho has no empty issuer: "" and none are the same.
fn expected_line(e: &serde_json::Value) -> String {
    let issuer = e["issuer"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or("-");
    let timing = e
        .get("counter")
        .or_else(|| e.get("period"))
        .map(|v| v.to_string())
        .unwrap_or_default();
    format!(
        "{} | {} | {} | {} | {} | {} | {}",
        e["type"].as_str().unwrap(),
        issuer,
        e["name"].as_str().unwrap(),
        e["algo"].as_str().unwrap(),
        e["digits"],
        timing,
        e["secret"].as_str().unwrap()
    )
}

fn actual_line(a: &ninsho_core::otp::Account) -> String {
    let p = &a.params;
    let timing = match p.otp_type {
        OtpType::Hotp => p.counter.to_string(),
        _ => p.period.to_string(),
    };
    format!(
        "{} | {} | {} | {} | {} | {} | {}",
        p.otp_type.as_str(),
        a.issuer.as_deref().unwrap_or("-"),
        a.name,
        p.algorithm.as_str(),
        p.digits,
        timing,
        a.secret.to_base32().as_str()
    )
}

#[test]
fn all_41_shared_backup_cases() {
    let Some(dir) = common::vectors_dir() else {
        return;
    };
    let doc = common::load_json("aegis-importers/expected.json").unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 41);
    let mut failures = Vec::new();
    let mut passed = 0;
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let test = case["test"].as_str().unwrap();
        let bytes = std::fs::read(dir.join("aegis-importers").join(file)).unwrap();
        let format = format_of(case["importer"].as_str().unwrap(), file);
        let password = case["password"].as_str();
        // Detection by content alone must name the right app (WinAuth's list reads like a plain
        // one and must be named, as in the CLI).
        if format != FormatId::WinAuth {
            let detected = formats::detect(&bytes);
            // FreeOTP 1 and FreeOTP+ write the same preferences file; either reads it alike.
            let same_file = |f: &FormatId| {
                file.ends_with(".xml") && matches!(f, FormatId::FreeOtp | FormatId::FreeOtpPlus)
            };
            let fine = detected.first() == Some(&format)
                || (same_file(&format) && detected.first().is_some_and(same_file));
            if !fine {
                failures.push(format!("{test}: detected {detected:?}, want {format:?}"));
            }
        }
        let result = formats::import(
            &bytes,
            (format == FormatId::WinAuth).then_some(format),
            password,
        );
        let imported = match result {
            Ok(i) => i,
            Err(e) => {
                failures.push(format!("{test}: {e}"));
                continue;
            }
        };
        if !imported.errors.is_empty() {
            failures.push(format!("{test}: entry errors {:?}", imported.errors));
        }
        let want: BTreeSet<String> = case["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(expected_line)
            .collect();
        let got: BTreeSet<String> = imported.accounts.iter().map(actual_line).collect();
        if want != got || imported.accounts.len() != case["entry_count"].as_u64().unwrap() as usize
        {
            failures.push(format!(
                "{test}:\n  missing {:?}\n  unexpected {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
            continue;
        }
        // Encrypted files: no password and a wrong one are their own errors.
        if let Some(pw) = password
            && format != FormatId::TotpAuthenticator
        {
            let none = formats::import(&bytes, Some(format), None).unwrap_err();
            if none != FormatError::PasswordRequired(format) {
                failures.push(format!("{test}: without password: {none:?}"));
            }
            let wrong =
                formats::import(&bytes, Some(format), Some(&format!("{pw}-wrong"))).unwrap_err();
            if wrong != FormatError::WrongPassword(format) {
                failures.push(format!("{test}: wrong password: {wrong:?}"));
            }
        }
        passed += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of 41 failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(passed, 41);
}

#[test]
fn old_style_aegis_groups_import() {
    let Some(dir) = common::vectors_dir() else {
        return;
    };
    let bytes = std::fs::read(dir.join("aegis-importers/aegis_plain_grouped_v2.json")).unwrap();
    let imported = formats::import(&bytes, None, None).unwrap();
    assert_eq!(imported.format, FormatId::Aegis);
    assert_eq!(imported.accounts.len(), 7);
    assert!(imported.errors.is_empty());
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random damage: a cut, a changed byte, inserted bytes, or a repeated chunk.
fn mutate(bytes: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match rng.below(4) {
        0 => out.truncate(rng.below(bytes.len())),
        1 => {
            let at = rng.below(out.len());
            if let Some(b) = out.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
        }
        2 => {
            let at = rng.below(out.len() + 1);
            let junk: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
            out.splice(at..at, junk);
        }
        _ => {
            let from = rng.below(out.len());
            let to = (from + 1 + rng.below(64)).min(out.len());
            let chunk = out[from..to].to_vec();
            out.splice(from..from, chunk);
        }
    }
    out
}

/// Every shared backup (with its password) and every own fixture, truncated, corrupted and
/// extended at random, through its importer and through detection: errors, never a panic.
/// Encrypted files get fewer rounds (each costs a key derivation), those behind the slowest
/// (Stratum's and Ente's Argon2id, FreeOTP's PBKDF2) fewest. The number of inputs and the time taken are printed.
#[test]
fn damaged_backups_of_every_format_fail_cleanly() {
    let started = std::time::Instant::now();
    let mut files: Vec<(String, Vec<u8>, FormatId, Option<String>)> = Vec::new();
    let own = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backups");
    let own_doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(own.join("expected.json")).unwrap()).unwrap();
    for (file, case) in own_doc["files"].as_object().unwrap() {
        files.push((
            file.clone(),
            std::fs::read(own.join(file)).unwrap(),
            FormatId::from_name(case["format"].as_str().unwrap()).unwrap(),
            own_doc["password"].as_str().map(str::to_owned),
        ));
    }
    if let Some(dir) = common::vectors_dir() {
        let doc = common::load_json("aegis-importers/expected.json").unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let file = case["file"].as_str().unwrap();
            files.push((
                file.to_owned(),
                std::fs::read(dir.join("aegis-importers").join(file)).unwrap(),
                format_of(case["importer"].as_str().unwrap(), file),
                case["password"].as_str().map(str::to_owned),
            ));
        }
    }
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut inputs = 0;
    for (file, bytes, format, password) in &files {
        let slow = password.is_some()
            && matches!(
                format,
                FormatId::Stratum | FormatId::FreeOtp | FormatId::Ente
            );
        let rounds = match (slow, password.is_some()) {
            (true, _) => 6,
            (false, true) => 40,
            (false, false) => 150,
        };
        for round in 0..rounds {
            let damaged = mutate(bytes, &mut rng);
            let result = std::panic::catch_unwind(|| {
                let _ = formats::import(&damaged, Some(*format), password.as_deref());
                let _ = formats::detect(&damaged);
            });
            assert!(result.is_ok(), "{file}: round {round} panicked");
            inputs += 1;
        }
    }
    // Oversized: refused before any parsing, whatever the format.
    let huge = vec![b'{'; formats::MAX_FILE_BYTES + 1];
    for format in FormatId::ALL {
        assert!(matches!(
            formats::import(&huge, Some(format), None),
            Err(FormatError::TooLarge(_))
        ));
    }
    println!(
        "{inputs} damaged inputs from {} files in {:.1} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The project's own fixtures (core/tests/fixtures/backups), which need no shared vectors:
/// each file is recognized by content and yields exactly the accounts its expected URIs say;
/// the encrypted one asks for its password and refuses a wrong one.
#[test]
fn own_backup_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backups");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let password = doc["password"].as_str().unwrap();
    let files = doc["files"].as_object().unwrap();
    assert_eq!(files.len(), 4);
    for (file, case) in files {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let want: BTreeSet<String> = case["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| actual_line(&ninsho_core::uri::parse(u.as_str().unwrap()).unwrap()))
            .collect();
        let format = FormatId::from_name(case["format"].as_str().unwrap()).unwrap();
        assert_eq!(formats::detect(&bytes).first(), Some(&format), "{file}");
        if case["encrypted"] == true {
            assert_eq!(
                formats::import(&bytes, None, None).unwrap_err(),
                FormatError::PasswordRequired(format),
                "{file}"
            );
            assert_eq!(
                formats::import(&bytes, None, Some("passwörd")).unwrap_err(),
                FormatError::WrongPassword(format),
                "{file}"
            );
        }
        let got = formats::import(&bytes, None, Some(password)).unwrap();
        assert!(got.errors.is_empty(), "{file}: {:?}", got.errors);
        let got: BTreeSet<String> = got.accounts.iter().map(actual_line).collect();
        assert_eq!(got, want, "{file}");
    }
}
