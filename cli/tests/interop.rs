//! `import` and `export` checked against implementations that are not Ninsho's: an Aegis
//! vault decryptor written with Python's `cryptography`, and Ente Auth exports written with
//! libsodium (PyNaCl). Both live in tests/interop; `NINSHO_PYTHON` names a Python that has
//! tests/interop/requirements.txt (`make test` sets it to the project's .venv).
#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{in_keyring, root, section, text};
use serde_json::Value;

/// Three kinds of account an export must carry exactly: TOTP with a non-ASCII label, HOTP with
/// a counter and SHA-256, and Steam.
const URIS: [&str; 3] = [
    "otpauth://totp/Caf%C3%A9%20%26%20Co:z%C3%B6e%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9%20%26%20Co",
    "otpauth://hotp/Bank:acct-42?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=7&digits=8&algorithm=SHA256",
    "otpauth://totp/Steam:gamer?secret=MFRGGZDFMZTWQ2LK&issuer=Steam&encoder=steam",
];
const PASSWORD: &str = "correct horse ✓ battery";

fn python() -> PathBuf {
    let path = std::env::var_os("NINSHO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/python"));
    let works = Command::new(&path)
        .args(["-c", "import cryptography, nacl"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        works,
        "{} cannot import cryptography and nacl: run scripts/ensure-venv.sh, or set NINSHO_PYTHON \
         to a Python with tests/interop/requirements.txt",
        path.display()
    );
    path
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ninsho-cli"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ninsho-cli")
}

/// An account as a comparable tuple: type, issuer, name, secret, algorithm, digits, period,
/// counter. Ninsho's JSON and the Aegis decryptor's spell these the same way.
fn key(v: &Value, secret_field: &str) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        v["type"].as_str().unwrap_or(""),
        v["issuer"].as_str().unwrap_or(""),
        v["name"],
        v[secret_field].as_str().unwrap_or("").trim_end_matches('='),
        v.get("algorithm").or(v.get("algo")).unwrap_or(&Value::Null),
        v["digits"],
        v["period"],
        v["counter"],
    )
}

fn parsed(uri: &str) -> Value {
    let out = cli(&["parse", "--json", "--show-secret", uri]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The accounts of an `import --json --show-secret` report, after checking its format.
fn reported(out: &Output, format: &str) -> BTreeSet<String> {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], format);
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| key(a, "secret"))
        .collect()
}

fn dry_run(file: &Path, password_file: &Path) -> Output {
    cli(&[
        "import",
        "--dry-run",
        "--json",
        "--show-secret",
        "--password-file",
        password_file.to_str().unwrap(),
        file.to_str().unwrap(),
    ])
}

#[test]
fn aegis_export_is_read_by_an_independent_decryptor_and_imports_back() {
    let python = python();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("pw"), format!("{PASSWORD}\n")).unwrap();
    let uris = URIS.map(|u| format!("'{u}'")).join(" ");
    let script = format!(
        r#"set -e
echo "== add"; $CLI add --yes {uris}
echo "== export"; $CLI export -o $NINSHO_DATA_DIR/backup.json --password-file $NINSHO_DATA_DIR/pw
echo "== plain-refused"; $CLI export --format uris -o $NINSHO_DATA_DIR/plain.txt </dev/null 2>&1 || echo "exit $?"
test -e $NINSHO_DATA_DIR/plain.txt && echo "plain.txt exists" || echo "plain.txt absent"
echo "== plain"; $CLI export --format uris -o $NINSHO_DATA_DIR/plain.txt --yes
echo "== import"; NINSHO_DATA_DIR=$NINSHO_DATA_DIR/second $CLI import --yes --password-file $NINSHO_DATA_DIR/pw $NINSHO_DATA_DIR/backup.json
echo "== again"; NINSHO_DATA_DIR=$NINSHO_DATA_DIR/second $CLI import --yes --json --password-file $NINSHO_DATA_DIR/pw $NINSHO_DATA_DIR/backup.json
echo "== list"; NINSHO_DATA_DIR=$NINSHO_DATA_DIR/second $CLI list --json
cat $NINSHO_DATA_DIR/plain.txt $NINSHO_DATA_DIR/plain.txt > $NINSHO_DATA_DIR/twice.txt
echo "== twice"; NINSHO_DATA_DIR=$NINSHO_DATA_DIR/third $CLI import --yes $NINSHO_DATA_DIR/twice.txt
echo "== end"
"#
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    let want: BTreeSet<String> = URIS.iter().map(|u| key(&parsed(u), "secret")).collect();

    // The encrypted export: private to its owner, no secret in the clear, and Python's
    // `cryptography` decrypts it to exactly the accounts added.
    let backup = data.path().join("backup.json");
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    let raw = std::fs::read_to_string(&backup).unwrap();
    for u in URIS {
        let secret = parsed(u)["secret"].as_str().unwrap().to_owned();
        assert!(
            !raw.contains(&secret),
            "a secret is readable in the encrypted export"
        );
    }
    let decrypted = Command::new(&python)
        .arg(root().join("tests/interop/aegis_decrypt.py"))
        .arg(&backup)
        .arg(PASSWORD)
        .output()
        .unwrap();
    assert!(decrypted.status.success(), "{}", text(&decrypted.stderr));
    let got: BTreeSet<String> = text(&decrypted.stdout)
        .lines()
        .map(|l| key(&serde_json::from_str(l).unwrap(), "secret"))
        .collect();
    assert_eq!(got, want);
    let wrong = Command::new(&python)
        .arg(root().join("tests/interop/aegis_decrypt.py"))
        .arg(&backup)
        .arg("not the password")
        .output()
        .unwrap();
    assert!(!wrong.status.success());

    // An unencrypted export is refused without a terminal or --yes, and nothing is written.
    let refused = section(&stdout, "plain-refused");
    assert!(
        refused.contains("unencrypted") && refused.contains("exit 1"),
        "{refused}"
    );
    assert!(refused.contains("plain.txt absent"), "{refused}");
    let plain = std::fs::read_to_string(data.path().join("plain.txt")).unwrap();
    let from_plain: BTreeSet<String> = plain.lines().map(|l| key(&parsed(l), "secret")).collect();
    assert_eq!(from_plain, want);

    // Importing the export into another vault adds the three; a second time, none.
    assert!(section(&stdout, "import").contains("added 3 account(s)"));
    let again: Value = serde_json::from_str(&section(&stdout, "again")).unwrap();
    assert_eq!(again["added"], 0);
    assert_eq!(again["skipped"].as_array().unwrap().len(), 3);
    assert_eq!(again["repeated"].as_array().unwrap().len(), 0);
    // A list that holds each account twice: the second of each repeats the first, which is
    // not the same as being already in the vault.
    let twice = section(&stdout, "twice");
    assert!(twice.contains("added 3 account(s)"), "{twice}");
    assert_eq!(
        twice
            .matches(": repeats an earlier entry of this backup")
            .count(),
        3,
        "{twice}"
    );
    assert!(!twice.contains("already in the vault"), "{twice}");
    let list: Value = serde_json::from_str(&section(&stdout, "list")).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);

    // Reading it back without a keychain: the same accounts; a wrong password says so.
    let back = dry_run(&backup, &data.path().join("pw"));
    assert_eq!(reported(&back, "aegis"), want);
    std::fs::write(data.path().join("bad"), "Correct horse ✓ battery\n").unwrap();
    let bad = dry_run(&backup, &data.path().join("bad"));
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("wrong password"),
        "{}",
        text(&bad.stderr)
    );
}

/// Ente Auth's encrypted export, written by libsodium, for plaintexts of every length modulo
/// 16 (libsodium's secret stream pads its MAC input by the length's remainder, a detail an
/// implementation can get wrong for 14 of the 16 cases).
#[test]
fn ente_exports_written_by_libsodium_are_read() {
    let python = python();
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let mut lengths = BTreeSet::new();
    for pad in 0..16 {
        let name = format!("user{}", "x".repeat(pad));
        let lines = [
            format!("otpauth://totp/GitLab:{name}?secret=JBSWY3DPEHPK3PXP&issuer=GitLab"),
            "otpauth://hotp/Bank:acct-42?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=7&digits=8&algorithm=SHA256".to_owned(),
        ];
        let plaintext = lines.join("\n");
        lengths.insert(plaintext.len() % 16);
        let file = dir.path().join(format!("ente-{pad}.json"));
        let mut child = Command::new(&python)
            .arg(root().join("tests/interop/ente_encrypt.py"))
            .args([PASSWORD, "2", &(8 << 20).to_string()])
            .stdin(Stdio::piped())
            .stdout(std::fs::File::create(&file).unwrap())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(plaintext.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());

        let got = reported(&dry_run(&file, &pw), "ente");
        let want: BTreeSet<String> = lines.iter().map(|u| key(&parsed(u), "secret")).collect();
        assert_eq!(got, want, "pad {pad}");

        if pad == 0 {
            let wrong = dir.path().join("wrong");
            std::fs::write(&wrong, "password\n").unwrap();
            let out = dry_run(&file, &wrong);
            assert_eq!(out.status.code(), Some(1));
            assert!(text(&out.stderr).contains("wrong password for this Ente Auth backup"));
            let none = cli(&["import", "--dry-run", file.to_str().unwrap()]);
            assert_eq!(none.status.code(), Some(1));
            assert!(
                text(&none.stderr).contains("--password-file"),
                "{}",
                text(&none.stderr)
            );
        }
    }
    assert_eq!(lengths.len(), 16);
}
