//! Detection, errors and robustness of the importers; the shared vectors are checked in
//! tests/formats.rs.

use super::*;
use crate::otp::{Algorithm, OtpParams, Secret};
use crate::site::Binding;
use proptest::prelude::*;

fn accounts() -> Vec<Account> {
    vec![
        Account::new(
            Some("GitHub"),
            "alice",
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        ),
        Account::new(
            Some("Bank"),
            "bob",
            OtpParams::hotp(Algorithm::Sha256, 8, 42),
            Secret::from_bytes(b"0123456789abcdefghij").unwrap(),
        ),
        Account::new(
            Some("Steam"),
            "gaben",
            OtpParams::steam(),
            Secret::from_bytes(b"steam-key-123").unwrap(),
        ),
        Account::new(
            None,
            "日本:太郎",
            OtpParams::totp(Algorithm::Sha512, 7, 60),
            Secret::from_bytes(&[9; 64]).unwrap(),
        ),
    ]
}

#[test]
fn aegis_export_round_trips_plain_and_encrypted() {
    let plain = export::aegis_plain(&accounts(), &[], &[]);
    assert_eq!(detect(plain.as_bytes()), [FormatId::Aegis]);
    let back = import(plain.as_bytes(), None, None).unwrap();
    assert_eq!(back.accounts, accounts());

    let enc = export::aegis_encrypted(&accounts(), &[], &[], "correct horse").unwrap();
    assert!(
        !enc.contains("JBSWY3DPEHPK3PXP"),
        "the encrypted export holds a secret in the clear"
    );
    assert_eq!(
        import(enc.as_bytes(), None, None).unwrap_err(),
        FormatError::PasswordRequired(FormatId::Aegis)
    );
    assert_eq!(
        import(enc.as_bytes(), None, Some("wrong")).unwrap_err(),
        FormatError::WrongPassword(FormatId::Aegis)
    );
    assert_eq!(
        import(enc.as_bytes(), None, Some("correct horse"))
            .unwrap()
            .accounts,
        accounts()
    );
    assert!(matches!(
        export::aegis_encrypted(&accounts(), &[], &[], ""),
        Err(export::ExportError::EmptyPassword)
    ));
}

/// The sites an import binds `accounts[index]` to, as text.
fn bound(import: &Import, index: usize) -> Option<Vec<String>> {
    import
        .domains(index)
        .map(|d| d.iter().map(ToString::to_string).collect())
}

#[test]
fn aegis_export_carries_each_accounts_sites_back() {
    let sites: Vec<Vec<Binding>> = [
        &["github.com", "login.bank.co.uk"][..],
        &[],
        &["store.steampowered.com"],
        &["xn--bcher-kva.de"],
    ]
    .iter()
    .map(|s| Binding::parse_all(s).unwrap())
    .collect();
    assert!(!sites[0][1].is_site(), "the test needs an exact host");
    let plain = export::aegis_plain(&accounts(), &sites, &[]);
    let enc = export::aegis_encrypted(&accounts(), &sites, &[], "pw").unwrap();
    assert!(
        !enc.contains("login.bank.co.uk"),
        "sites are inside the sealed content"
    );
    for back in [
        import(plain.as_bytes(), None, None).unwrap(),
        import(enc.as_bytes(), None, Some("pw")).unwrap(),
    ] {
        assert_eq!(back.accounts, accounts());
        assert_eq!(back.sites(0), ["github.com", "login.bank.co.uk"]);
        let domains = back.domains(0).unwrap();
        assert_eq!(domains, sites[0]);
        assert!(
            !domains[1].is_site(),
            "an exact host came back as a whole site"
        );
        // No site is the person's choice too: nothing is seeded in its place.
        assert_eq!(bound(&back, 1), Some(vec![]));
        assert_eq!(bound(&back, 2), Some(vec!["store.steampowered.com".into()]));
        assert_eq!(back.domains(3).unwrap()[0].shown(), "bücher.de");
    }
    // The key is Ninsho's own, beside Aegis's fields, in every entry.
    let file: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(
        file["db"]["entries"][0][export::NINSHO_KEY],
        serde_json::json!({ "sites": ["github.com", "login.bank.co.uk"] })
    );
    assert_eq!(
        file["db"]["entries"][1][export::NINSHO_KEY]["sites"],
        serde_json::json!([])
    );
    // A file without the key (written by Aegis) names no site: accounts are bound as any
    // new one.
    let aegis = import(
        export::aegis_plain(&accounts(), &[], &[]).as_bytes(),
        None,
        None,
    )
    .unwrap();
    assert!(aegis.sites(0).is_empty());
    assert_eq!(aegis.domains(0), None);
}

#[test]
fn ninsho_sites_that_are_no_sites_are_dropped_not_the_account() {
    let mut file: serde_json::Value =
        serde_json::from_str(&export::aegis_plain(&accounts()[..1], &[vec![]], &[])).unwrap();
    file["db"]["entries"][0][export::NINSHO_KEY]["sites"] = serde_json::json!([
        "co.uk",
        "10.0.0.1",
        7,
        "GitHub.com",
        "github.com",
        "ghe.example.com"
    ]);
    let back = import(file.to_string().as_bytes(), None, None).unwrap();
    assert_eq!(back.accounts.len(), 1);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(
        bound(&back, 0),
        Some(vec!["github.com".into(), "ghe.example.com".into()])
    );
}

/// A Bitwarden JSON export of one login per `(name, totp, uris)`.
fn bitwarden_json(items: &[(&str, &str, serde_json::Value)]) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|(name, totp, uris)| {
            serde_json::json!({
                "type": 1,
                "name": name,
                "login": { "uris": uris, "username": "mika", "totp": totp },
            })
        })
        .collect();
    serde_json::json!({ "encrypted": false, "folders": [], "items": items }).to_string()
}

#[test]
fn bitwarden_keeps_a_logins_uris_as_its_sites() {
    let json = bitwarden_json(&[
        (
            "Example",
            "otpauth://totp/Example%20Corp:mika?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp",
            serde_json::json!([
                { "match": null, "uri": "https://accounts.example-corp.co.uk/login?next=/" },
                { "match": 0, "uri": "androidapp://com.examplecorp.android" },
                { "match": null, "uri": "http://192.168.1.1" },
                { "match": null, "uri": "" },
                { "match": 4, "uri": "^https://.*\\.evil\\.example$" },
                { "match": 5, "uri": "https://never.example.org" },
                { "match": 1, "uri": "sso.example.net" },
            ]),
        ),
        (
            "GitHub",
            "otpauth://totp/GitHub:mika?secret=MFRGGZDFMZTWQ2LK&issuer=GitHub",
            serde_json::json!([{ "match": null, "uri": "https://gist.github.com/" }]),
        ),
        ("No uris", "JBSWY3DPEHPK3PXP", serde_json::Value::Null),
        (
            "Password only",
            "",
            serde_json::json!([{ "uri": "https://other.example.com" }]),
        ),
    ]);
    let back = import(json.as_bytes(), None, None).unwrap();
    assert_eq!(back.format, FormatId::Bitwarden);
    assert_eq!(back.accounts.len(), 3);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    // The file's values as it has them; a pattern and a never-match are no address.
    assert_eq!(
        back.sites(0),
        [
            "https://accounts.example-corp.co.uk/login?next=/",
            "androidapp://com.examplecorp.android",
            "http://192.168.1.1",
            "sso.example.net",
        ]
    );
    // An address binds its site; an app's link and an IP address bind nothing, and the
    // account is imported all the same.
    assert_eq!(
        bound(&back, 0),
        Some(vec!["example-corp.co.uk".into(), "example.net".into()])
    );
    // Beside a known issuer's site, each site once.
    assert_eq!(bound(&back, 1), Some(vec!["github.com".into()]));
    assert!(back.sites(2).is_empty());
    assert_eq!(bound(&back, 2), None);
}

#[test]
fn bitwarden_csv_keeps_its_login_uri_column() {
    let csv = "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n\
               ,,login,Example,,,\"https://a.example.com/x,androidapp://com.example\",mika,,JBSWY3DPEHPK3PXP\n\
               ,,login,Bare,,,,mika,,MFRGGZDFMZTWQ2LK\n";
    let back = import(csv.as_bytes(), None, None).unwrap();
    assert_eq!(back.format, FormatId::Bitwarden);
    assert_eq!(back.accounts.len(), 2);
    assert_eq!(
        back.sites(0),
        ["https://a.example.com/x", "androidapp://com.example"]
    );
    assert_eq!(bound(&back, 0), Some(vec!["example.com".into()]));
    assert_eq!(bound(&back, 1), None);
}

#[test]
fn uri_list_round_trips() {
    let list = export::uri_list(&accounts());
    let back = import(list.as_bytes(), None, None).unwrap();
    assert_eq!(back.format, FormatId::Uris);
    assert_eq!(back.accounts, accounts());
    // WinAuth reads the same shape only when named.
    let winauth = import(list.as_bytes(), Some(FormatId::WinAuth), None).unwrap();
    assert_eq!(winauth.accounts[0].issuer.as_deref(), Some("alice"));
    assert_eq!(winauth.accounts[0].name, "WinAuth");
}

#[test]
fn google_qr_export_scans_back() {
    let mut list = accounts();
    list.push(Account::new(
        Some("VPN"),
        "ops",
        OtpParams::hotp(Algorithm::Sha1, 6, 42),
        Secret::from_bytes(b"0123456789abcdefghij").unwrap(),
    ));
    let export::GoogleQr { images, skipped } = export::google_qr(&list).unwrap();
    assert_eq!(
        skipped.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        [1, 2, 3],
        "SHA-256/8 digits, Steam and a 60 s/7-digit code cannot go to Google"
    );
    assert_eq!(images.len(), 1);
    let payloads = crate::scan::scan_bytes(&images[0]).unwrap();
    let crate::scan::Content::GoogleExport(part) = &payloads[0].content else {
        panic!("{:?}", payloads[0].content)
    };
    assert_eq!(part.accounts, [list[0].clone(), list[4].clone()]);
}

#[test]
fn html_backup_has_a_code_per_account_and_escapes_names() {
    let mut list = accounts();
    list[0].name = "<script>alert(1)</script>".into();
    let page = export::html(&list, "Ninsho backup").unwrap();
    assert_eq!(page.matches("<svg").count(), list.len());
    assert!(page.contains("JBSW Y3DP EHPK 3PXP"));
    assert!(!page.contains("<script>"));
}

#[test]
fn private_files_are_written_atomically_and_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.txt");
    export::write_private(&path, b"secret stuff").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"secret stuff");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let err = export::write_private(&dir.path().join("missing/dir/x"), b"x").unwrap_err();
    assert!(err.to_string().contains("missing/dir/x"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

#[test]
fn unknown_and_empty_files_are_unrecognized() {
    for bytes in [
        &b""[..],
        b"hello world",
        b"{\"some\": \"json\"}",
        b"\x00\x01\x02binary",
    ] {
        let err = import(bytes, None, None).unwrap_err();
        assert!(
            matches!(
                err,
                FormatError::Unrecognized | FormatError::PasswordRequired(_)
            ),
            "{err:?}"
        );
    }
    let err = import(b"not json", Some(FormatId::Aegis), None).unwrap_err();
    assert!(
        matches!(err, FormatError::NotThisFormat(FormatId::Aegis, _)),
        "{err:?}"
    );
}

#[test]
fn bad_entries_are_reported_and_the_rest_imported() {
    let text = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\nthis is not a uri\notpauth://totp/B:b?secret=JBSWY3DPEHPK3PX1\notpauth://totp/C:c?secret=GEZDGNBVGY3TQOJQ\n";
    let back = import(text.as_bytes(), Some(FormatId::Uris), None).unwrap();
    assert_eq!(back.accounts.len(), 2);
    assert_eq!(
        back.errors
            .iter()
            .map(|e| e.entry.as_str())
            .collect::<Vec<_>>(),
        ["line 2", "line 3"]
    );
    assert!(
        back.errors[1].message.contains("base32"),
        "{:?}",
        back.errors
    );
    assert!(
        !back.errors.iter().any(|e| e.message.contains("JBSWY3DP")),
        "an error echoes a secret"
    );
}

/// The format an error names, if any.
fn named(err: &FormatError) -> Option<FormatId> {
    match err {
        FormatError::NotThisFormat(f, _)
        | FormatError::PasswordRequired(f)
        | FormatError::WrongPassword(f)
        | FormatError::Damaged(f, _)
        | FormatError::Unsupported(f, _) => Some(*f),
        FormatError::Unrecognized | FormatError::TooLarge(_) => None,
    }
}

#[test]
fn every_format_has_a_name() {
    // The `--format` names (and serialized values) the CLI and the app rely on, in detection
    // order.
    let names = FormatId::ALL.map(FormatId::name);
    assert_eq!(
        names,
        [
            "aegis",
            "2fas",
            "andotp",
            "authenticator-plus",
            "authy",
            "battle-net",
            "bitwarden",
            "duo",
            "ente",
            "freeotp",
            "freeotp-plus",
            "google-authenticator",
            "microsoft-authenticator",
            "uris",
            "proton",
            "steam",
            "stratum",
            "totp-authenticator",
            "winauth",
        ]
    );
    let mut titles = std::collections::HashSet::new();
    let mut ids = std::collections::HashSet::new();
    for f in FormatId::ALL {
        assert!(ids.insert(f), "{f:?} is listed twice");
        assert!(
            titles.insert(f.title()),
            "{f:?}: title {:?} taken",
            f.title()
        );
        assert_eq!(FormatId::from_name(f.name()), Some(f));
        assert_eq!(f.name().parse::<FormatId>(), Ok(f));
        assert_eq!(serde_json::to_value(f).unwrap(), f.name());
        assert_eq!(f.to_string(), f.title());
    }
    assert_eq!(FormatId::from_name("AEGIS"), Some(FormatId::Aegis));
    assert_eq!(" Authy ".parse::<FormatId>(), Ok(FormatId::Authy));
    assert_eq!(FormatId::from_name("nope"), None);
    let err = "nope".parse::<FormatId>().unwrap_err();
    assert_eq!(err.name, "nope");
    let message = err.to_string();
    assert!(message.contains("\"nope\""), "{message}");
    assert!(message.contains(&names.join(", ")), "{message}");
}

#[test]
fn every_format_reaches_its_own_importer() {
    // Neither file is a backup of any kind (Ente reads an empty text as an empty list, so the
    // other is not text): each importer refuses at least one, and every refusal names its
    // own format.
    for f in FormatId::ALL {
        let mut refused = 0;
        for bytes in [&b""[..], b"\xff\xfe\x00 not a backup"] {
            for r in [
                import(bytes, Some(f), None).map(|_| ()),
                importer(f).import(&Input::new(bytes), None).map(|_| ()),
            ] {
                if let Err(err) = r {
                    assert_eq!(named(&err), Some(f), "{f:?}: {err:?}");
                    refused += 1;
                }
            }
        }
        assert!(refused > 0, "{f:?} accepted both non-backups");
    }
}

#[test]
fn truncated_encrypted_exports_never_panic_and_say_so() {
    let enc = export::aegis_encrypted(&accounts(), &[], &[], "pw").unwrap();
    for cut in [0, 10, enc.len() / 2, enc.len() - 3] {
        let r = import(&enc.as_bytes()[..cut], Some(FormatId::Aegis), Some("pw"));
        assert!(r.is_err(), "cut at {cut} imported");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_importer_panics_on_garbage(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for f in FormatId::ALL {
            if f == FormatId::Ente || f == FormatId::Stratum || f == FormatId::FreeOtp {
                continue; // their key derivations are slow; covered by the structured cases below
            }
            let _ = import(&bytes, Some(f), Some("password"));
            let _ = import(&bytes, Some(f), None);
        }
        let _ = detect(&bytes);
    }

    #[test]
    fn json_shaped_garbage_never_panics(s in "[\\[\\]{}\",:a-zA-Z0-9 ]{0,300}") {
        for f in FormatId::ALL {
            let _ = import(s.as_bytes(), Some(f), None);
        }
    }

    #[test]
    fn mutated_backups_never_panic(flip in 0usize..4000, byte in any::<u8>()) {
        let plain = export::aegis_plain(&accounts(), &[], &[]);
        let mut bytes = plain.as_bytes().to_vec();
        let at = flip % bytes.len();
        bytes[at] = byte;
        let _ = import(&bytes, None, None);
        let list = export::uri_list(&accounts());
        let mut bytes = list.as_bytes().to_vec();
        let at = flip % bytes.len();
        bytes[at] = byte;
        let _ = import(&bytes, None, None);
    }
}

/// A file of the project's own fixtures (core/tests/fixtures/backups).
fn fixture(path: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backups");
    std::fs::read(dir.join(path)).unwrap()
}

fn key(hex: &str) -> Secret {
    Secret::from_bytes(&common::hex(hex).unwrap()).unwrap()
}

/// The repeated bytes the Google fixtures' secrets start with: their base64 holds raw '+'
/// and '/' (google/make.py).
const PLUS_SLASH: &str = "fbefbe00fbefbe00fbefbe";

#[test]
fn google_export_text_with_comments_and_raw_base64_imports_every_account() {
    let bytes = fixture("google/google-export.txt");
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(
        text.contains("data=Cj4KFvvvvgD7774A++++////"),
        "the raw base64 is the point"
    );
    assert_eq!(detect(&bytes).first(), Some(&FormatId::GoogleAuthenticator));
    let want = vec![
        Account::new(
            Some("Example Corp"),
            "mika@example.org",
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            key(&format!("{PLUS_SLASH}ffffff00ffffff00ffffff")),
        ),
        Account::new(
            Some("VPN"),
            "ops",
            OtpParams::hotp(Algorithm::Sha1, 6, 42),
            Secret::from_bytes(b"12345678901234567890").unwrap(),
        ),
        // An empty issuer and a name "Bank:mika" split as Google's importers do.
        Account::new(
            Some("Bank"),
            "mika",
            OtpParams::totp(Algorithm::Sha256, 8, 30),
            key(&format!("{PLUS_SLASH}4242ffffff00ffffff00ffffff")),
        ),
        Account::new(
            Some("日本"),
            "太郎",
            OtpParams::totp(Algorithm::Sha512, 6, 30),
            key("0102030405060708090a0b0c0d0e0f10"),
        ),
    ];
    let back = import(&bytes, None, None).unwrap();
    assert_eq!(back.format, FormatId::GoogleAuthenticator);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(back.accounts, want);
    // Named as a URI list it reads the same.
    let named = import(&bytes, Some(FormatId::Uris), None).unwrap();
    assert_eq!(named.accounts, want);
}

#[test]
fn a_list_of_otpauth_uris_and_google_exports_imports_both() {
    let bytes = fixture("google/google-mixed.txt");
    assert_eq!(detect(&bytes).first(), Some(&FormatId::Uris));
    let back = import(&bytes, None, None).unwrap();
    assert_eq!(back.format, FormatId::Uris);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(
        back.accounts,
        [
            Account::new(
                Some("Codeberg"),
                "mika@example.org",
                OtpParams::totp(Algorithm::Sha1, 6, 30),
                Secret::from_base32("KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ").unwrap(),
            ),
            Account::new(
                Some("Forge"),
                "mika",
                OtpParams::totp(Algorithm::Sha1, 6, 30),
                key(&format!("{PLUS_SLASH}ffffff00ffffff00ffffff0102")),
            ),
            Account::new(
                Some("VPN"),
                "ops",
                OtpParams::hotp(Algorithm::Sha512, 8, 12),
                Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
            ),
        ]
    );
}

#[test]
fn a_google_export_text_missing_codes_imports_what_it_holds_and_says_what_is_missing() {
    let bytes = fixture("google/google-partial.txt");
    let back = import(&bytes, None, None).unwrap();
    assert_eq!(back.format, FormatId::GoogleAuthenticator);
    // The code saved twice gives its account once.
    assert_eq!(
        back.accounts,
        [Account::new(
            Some("Partial"),
            "solo",
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            key(&format!("{PLUS_SLASH}ffffff00ffffff00ffffff0304")),
        )]
    );
    let errors: Vec<(&str, &str)> = back
        .errors
        .iter()
        .map(|e| (e.entry.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "line 3",
                "QR code 2 of 3 of this Google Authenticator export is on an earlier line too; \
                 its accounts are read once"
            ),
            (
                "Google Authenticator export",
                "the file holds 1 of its 3 QR codes; the accounts of QR code 1, 3 are not in it"
            ),
        ]
    );
    // A damaged export line is that line's error; the rest still imports.
    let text = format!(
        "{}\notpauth-migration://offline?data=%%%\n",
        std::str::from_utf8(&fixture("google/google-mixed.txt")).unwrap()
    );
    let back = import(text.as_bytes(), None, None).unwrap();
    assert_eq!(back.accounts.len(), 3);
    assert_eq!(back.errors.len(), 1);
    assert_eq!(back.errors[0].entry, "line 8");
    assert!(
        back.errors[0]
            .message
            .starts_with("not a usable Google Authenticator export"),
        "{:?}",
        back.errors
    );
}

/// What WinAuth's export in tests/fixtures/backups/winauth holds, as Ninsho reads WinAuth:
/// the label becomes the issuer, and every account is named "WinAuth".
fn winauth_accounts() -> Vec<Account> {
    let b32 = |s| Secret::from_base32(s).unwrap();
    vec![
        Account::new(
            Some("Mika's laptop"),
            "WinAuth",
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            b32("JBSWY3DPEHPK3PXP"),
        ),
        Account::new(
            Some("Battle.net"),
            "WinAuth",
            OtpParams::totp(Algorithm::Sha1, 8, 30),
            b32("KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ"),
        ),
        Account::new(
            Some("VPN"),
            "WinAuth",
            OtpParams::hotp(Algorithm::Sha1, 6, 5),
            b32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        ),
        Account::new(
            Some("gaben"),
            "WinAuth",
            OtpParams::steam(),
            b32("MFRGGZDFMZTWQ2LK"),
        ),
    ]
}

#[test]
fn winauths_password_protected_zip_is_read_with_its_password() {
    // Written by Info-ZIP's `zip -e`, and streamed as SharpZipLib writes it (winauth/make.py).
    for file in ["winauth/winauth-zip-e.zip", "winauth/winauth-streamed.zip"] {
        let bytes = fixture(file);
        assert_eq!(detect(&bytes).first(), Some(&FormatId::WinAuth), "{file}");
        assert_eq!(
            import(&bytes, None, None).unwrap_err(),
            FormatError::PasswordRequired(FormatId::WinAuth),
            "{file}"
        );
        for wrong in ["winauth Export", "", "winauth export "] {
            assert_eq!(
                import(&bytes, None, Some(wrong)).unwrap_err(),
                FormatError::WrongPassword(FormatId::WinAuth),
                "{file}: {wrong:?}"
            );
        }
        let back = import(&bytes, None, Some("winauth export")).unwrap();
        assert_eq!(back.format, FormatId::WinAuth);
        assert!(back.encrypted);
        assert!(back.errors.is_empty(), "{file}: {:?}", back.errors);
        assert_eq!(back.accounts, winauth_accounts(), "{file}");
    }
    // Exported to a .zip without a password: read as it is.
    let bytes = fixture("winauth/winauth-plain.zip");
    assert_eq!(detect(&bytes).first(), Some(&FormatId::WinAuth));
    let back = import(&bytes, None, None).unwrap();
    assert!(!back.encrypted);
    assert_eq!(back.accounts, winauth_accounts());
    // Named as Authenticator Plus, the archive is not one (it holds no Accounts.txt).
    assert!(matches!(
        import(&bytes, Some(FormatId::AuthenticatorPlus), None),
        Err(FormatError::NotThisFormat(FormatId::AuthenticatorPlus, _))
    ));
}

/// What Bitwarden's personal-vault fixtures (JSON and CSV) hold.
fn bitwarden_personal_accounts() -> Vec<Account> {
    let b32 = |s| Secret::from_base32(s).unwrap();
    vec![
        // A bare key: the item's name is the issuer, the login's username the name.
        Account::new(
            Some("GitHub"),
            "mika",
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            b32("JBSWY3DPEHPK3PXP"),
        ),
        // A Steam key: issued by Steam, named by the username.
        Account::new(
            Some("Steam"),
            "gaben",
            OtpParams::steam(),
            b32("MFRGGZDFMZTWQ2LK"),
        ),
        // A URI that names both keeps its own.
        Account::new(
            Some("Codeberg"),
            "mika@example.org",
            OtpParams::totp(Algorithm::Sha256, 8, 60),
            b32("KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ"),
        ),
        // A URI that names neither takes the item's name and the username.
        Account::new(
            Some("Forge"),
            "forge-user",
            OtpParams::totp(Algorithm::Sha1, 7, 30),
            b32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        ),
    ]
}

/// What Bitwarden's organisation fixtures hold.
fn bitwarden_organization_accounts() -> Vec<Account> {
    let b32 = |s| Secret::from_base32(s).unwrap();
    vec![
        Account::new(
            Some("AWS root"),
            "ops@example.com",
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            b32("JBSWY3DPEHPK3PXP"),
        ),
        // A Steam key without a username: the name Aegis gives it too.
        Account::new(
            Some("Steam"),
            "Steam account",
            OtpParams::steam(),
            b32("MFRGGZDFMZTWQ2LK"),
        ),
    ]
}

#[test]
fn bitwarden_logins_keep_their_item_name_and_username() {
    for (file, want) in [
        (
            "bitwarden/bitwarden-personal.json",
            bitwarden_personal_accounts(),
        ),
        (
            "bitwarden/bitwarden-personal.csv",
            bitwarden_personal_accounts(),
        ),
        (
            "bitwarden/bitwarden-organization.json",
            bitwarden_organization_accounts(),
        ),
        (
            "bitwarden/bitwarden-organization.csv",
            bitwarden_organization_accounts(),
        ),
    ] {
        let bytes = fixture(file);
        assert_eq!(detect(&bytes).first(), Some(&FormatId::Bitwarden), "{file}");
        let back = import(&bytes, None, None).unwrap();
        assert_eq!(back.format, FormatId::Bitwarden);
        // The secure note and the login without a code are no accounts, and no errors.
        assert!(back.errors.is_empty(), "{file}: {:?}", back.errors);
        assert_eq!(back.accounts, want, "{file}");
    }
    // The login's URIs still come along.
    let back = import(&fixture("bitwarden/bitwarden-personal.json"), None, None).unwrap();
    assert_eq!(back.sites(0), ["https://github.com/login"]);
    assert_eq!(back.sites(1), ["https://store.steampowered.com/login/"]);
    assert!(back.sites(2).is_empty());
    let back = import(&fixture("bitwarden/bitwarden-organization.csv"), None, None).unwrap();
    assert_eq!(back.sites(0), ["https://console.aws.amazon.com/"]);
    // An organisation's export without the "encrypted" flag still reads.
    let mut org: serde_json::Value =
        serde_json::from_slice(&fixture("bitwarden/bitwarden-organization.json")).unwrap();
    org.as_object_mut().unwrap().remove("encrypted");
    let back = import(org.to_string().as_bytes(), None, None).unwrap();
    assert_eq!(back.format, FormatId::Bitwarden);
    assert_eq!(back.accounts, bitwarden_organization_accounts());
}

/// mOTP and Yandex accounts, each with its PIN.
fn pin_accounts() -> Vec<Account> {
    use crate::otp::Pin;
    vec![
        Account::new(
            Some("Campus VPN"),
            "mika",
            OtpParams::motp(),
            key("0123456789abcdef"),
        )
        .with_pin(Some(Pin::new("1234").unwrap())),
        Account::new(
            Some("Yandex"),
            "mika@yandex.example",
            OtpParams::yandex(),
            Secret::from_base32("LA2V6KMCGYMWWVEW64RNP3JA3I").unwrap(),
        )
        .with_pin(Some(Pin::new("7586").unwrap())),
    ]
}

#[test]
fn an_aegis_vault_with_motp_and_yandex_entries_imports_them_with_their_pins() {
    // Written for these tests in Aegis's format: the Yandex key in its 26-byte form (with the
    // checksum), and a Yandex entry without a PIN.
    let import = import(&fixture("aegis-motp-yandex.json"), None, None).unwrap();
    assert_eq!(import.format, FormatId::Aegis);
    assert_eq!(import.accounts, pin_accounts());
    assert_eq!(import.errors.len(), 1, "{:?}", import.errors);
    assert_eq!(import.errors[0].entry, "Yandex (no pin)");
    assert!(
        import.errors[0].message.contains("PIN"),
        "{:?}",
        import.errors
    );
    // Codes as the independent implementation gives them (tests/otp_vectors.rs).
    let code = |a: &Account, t| crate::otp::Generator::of(a).unwrap().code_at(t).value;
    assert_eq!(code(&import.accounts[0], 1_000_000_000), "5ed2dc");
    // Aegis's YAOTPTest: PIN 7586 at 1581064020 gives "oactmacq".
    assert_eq!(code(&import.accounts[1], 1_581_064_020), "oactmacq");
}

#[test]
fn motp_and_yandex_round_trip_through_aegis_plain_encrypted_and_uri_lists() {
    let plain = export::aegis_plain(&pin_accounts(), &[], &[]);
    let json: serde_json::Value = serde_json::from_str(&plain).unwrap();
    let entries = &json["db"]["entries"];
    assert_eq!(entries[0]["type"], "motp");
    assert_eq!(entries[0]["info"]["algo"], "MD5");
    assert_eq!(entries[0]["info"]["period"], 10);
    assert_eq!(entries[0]["info"]["pin"], "1234");
    assert_eq!(entries[1]["type"], "yandex");
    assert_eq!(entries[1]["info"]["algo"], "SHA256");
    assert_eq!(entries[1]["info"]["digits"], 8);
    assert_eq!(entries[1]["info"]["pin"], "7586");
    assert_eq!(
        import(plain.as_bytes(), None, None).unwrap().accounts,
        pin_accounts()
    );

    let enc = export::aegis_encrypted(&pin_accounts(), &[], &[], "pw").unwrap();
    // The entries (and so their PINs) are only in the encrypted part.
    assert!(!enc.contains("\"pin\"") && !enc.contains("\"motp\""));
    assert_eq!(
        import(enc.as_bytes(), None, Some("pw")).unwrap().accounts,
        pin_accounts()
    );

    let list = export::uri_list(&pin_accounts());
    assert!(
        list.contains("motp://Campus%20VPN:mika?secret=0123456789abcdef"),
        "{}",
        *list
    );
    assert!(list.contains("otpauth://yaotp/"), "{}", *list);
    assert_eq!(
        import(list.as_bytes(), None, None).unwrap().accounts,
        pin_accounts()
    );
}

#[test]
fn a_stratum_backup_with_motp_and_yandex_entries_imports_them_with_their_pins() {
    // Written for this test in Stratum's JSON shape: type 3 mOTP (hex key), 5 Yandex.
    let json = serde_json::json!({
        "Authenticators": [
            { "Type": 3, "Issuer": "Campus VPN", "Username": "mika", "Secret": "0123456789ABCDEF",
              "Pin": "1234", "Algorithm": 0, "Digits": 6, "Period": 10, "Counter": 0 },
            { "Type": 5, "Issuer": "Yandex", "Username": "mika@yandex.example",
              "Secret": "LA2V6KMCGYMWWVEW64RNP3JA3IAAAAAAHTSG4HRZPI", "Pin": "7586",
              "Algorithm": 1, "Digits": 8, "Period": 30, "Counter": 0 },
            { "Type": 5, "Issuer": "Yandex", "Username": "no pin",
              "Secret": "LA2V6KMCGYMWWVEW64RNP3JA3I", "Algorithm": 1, "Digits": 8, "Period": 30 }
        ],
        "Categories": [], "AuthenticatorCategories": [], "CustomIcons": []
    })
    .to_string();
    let import = import(json.as_bytes(), None, None).unwrap();
    assert_eq!(import.format, FormatId::Stratum);
    assert_eq!(import.accounts, pin_accounts());
    assert_eq!(import.errors.len(), 1, "{:?}", import.errors);
    assert!(import.errors[0].message.contains("PIN"));
}
