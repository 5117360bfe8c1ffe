//! Exports: the formats as one enum, and the one way each is written, for the CLI's
//! `export --format` and the app's export dialog alike.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error_code::ErrorCode;
use crate::formats::export::{self, ExportError};
use crate::otp::Account;
use crate::site::Binding;
use crate::vault::{Vault, VaultError};

/// The title of the printable HTML page.
pub const HTML_TITLE: &str = "Ninsho paper backup";

/// The stem of Google QR image files when the destination is a folder.
const GOOGLE_QR_STEM: &str = "ninsho-google-export";

/// The formats Ninsho writes. The names are the CLI's `--format` values and the IPC's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// An Aegis vault encrypted with a password (scrypt + AES-256-GCM): the default.
    Aegis,
    /// The same vault, unencrypted.
    AegisPlain,
    /// One otpauth:// URI per line.
    Uris,
    /// A printable page with each account's QR code and key.
    Html,
    /// Google Authenticator export QR codes, as numbered PNG files.
    GoogleQr,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Aegis,
        ExportFormat::AegisPlain,
        ExportFormat::Uris,
        ExportFormat::Html,
        ExportFormat::GoogleQr,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Aegis => "aegis",
            ExportFormat::AegisPlain => "aegis-plain",
            ExportFormat::Uris => "uris",
            ExportFormat::Html => "html",
            ExportFormat::GoogleQr => "google-qr",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        ExportFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the file is protected by a password; every other format shows secrets to
    /// whoever reads it, and a person must acknowledge that first.
    pub fn is_encrypted(self) -> bool {
        self == ExportFormat::Aegis
    }

    /// The file name offered when a person picks where to save.
    pub fn suggested_file_name(self) -> &'static str {
        match self {
            ExportFormat::Aegis => "ninsho-aegis-encrypted.json",
            ExportFormat::AegisPlain => "ninsho-aegis-plain.json",
            ExportFormat::Uris => "ninsho-otpauth.txt",
            ExportFormat::Html => "ninsho-paper-backup.html",
            ExportFormat::GoogleQr => "ninsho-google-export.png",
        }
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportFormat::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
            format!("unknown export format '{s}'; one of: {}", names.join(", "))
        })
    }
}

#[derive(Debug, Error)]
pub enum ExportFailure {
    #[error("the vault is empty: there is no account to export")]
    Empty,
    #[error(
        "no account could be exported: the keyring holds none of their secrets ({})",
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    NoneReadable(Vec<Skipped>),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A numbered Google QR file is already there: nothing was written, nothing replaced.
    #[error(
        "{} already exists; nothing was exported (choose another name or an empty folder)",
        .0.display()
    )]
    Exists(PathBuf),
}

impl ExportFailure {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ExportFailure::Vault(v) => v.code(),
            ExportFailure::Empty => ErrorCode::ExportEmpty,
            ExportFailure::NoneReadable(_) => ErrorCode::SecretMissing,
            ExportFailure::Exists(_) => ErrorCode::ExportExists,
            ExportFailure::Export(ExportError::EmptyPassword) => ErrorCode::PasswordEmpty,
            ExportFailure::Export(ExportError::Write { .. }) => ErrorCode::ExportWrite,
            ExportFailure::Export(ExportError::Qr(_)) => ErrorCode::Qr,
            ExportFailure::Export(ExportError::Random | ExportError::Crypto) => {
                ErrorCode::ExportFailed
            }
        }
    }
}

/// An account a format cannot hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub label: String,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.label, self.reason)
    }
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub files: Vec<PathBuf>,
    /// Accounts the files hold.
    pub exported: usize,
    pub skipped: Vec<Skipped>,
}

/// Checks what can be checked before a person is asked where to save: an encrypted export
/// needs a password.
pub fn check(format: ExportFormat, password: Option<&str>) -> Result<(), ExportFailure> {
    if format.is_encrypted() && password.is_none_or(str::is_empty) {
        return Err(ExportError::EmptyPassword.into());
    }
    Ok(())
}

/// What an export can hold: every account whose secret the keychain gives, and the others,
/// named with the reason.
#[derive(Debug)]
pub struct ForExport {
    pub accounts: Vec<Account>,
    /// The sites each of `accounts` is bound to, in the same order (the Aegis formats carry
    /// them, so importing the file binds the accounts as they were).
    pub sites: Vec<Vec<Binding>>,
    /// Each account's own icon (kept form), in the same order (the Aegis formats carry it).
    pub icons: Vec<Option<String>>,
    pub unreadable: Vec<Skipped>,
}

/// What each exported account carries besides itself, in the accounts' order: the sites it is
/// bound to and its own icon. Only the Aegis formats keep them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Carried<'a> {
    pub sites: &'a [Vec<Binding>],
    pub icons: &'a [Option<String>],
}

/// Every account of the vault with its secret, in display order. One account whose keychain
/// item is missing or damaged is named in `unreadable` and the others are exported all the
/// same; an empty vault is an error: there is nothing to write.
pub fn accounts(vault: &mut Vault) -> Result<ForExport, ExportFailure> {
    vault.unlock_all()?;
    let metas = vault.accounts();
    if metas.is_empty() {
        return Err(ExportFailure::Empty);
    }
    let mut set = ForExport {
        accounts: Vec::with_capacity(metas.len()),
        sites: Vec::with_capacity(metas.len()),
        icons: Vec::with_capacity(metas.len()),
        unreadable: Vec::new(),
    };
    for m in &metas {
        match vault.account(m.id) {
            Ok(account) => {
                set.accounts.push(account);
                set.sites.push(m.domains.clone());
                set.icons.push(m.icon.clone());
            }
            Err(e @ (VaultError::SecretMissing { .. } | VaultError::ItemDamaged { .. })) => {
                let reason = vault
                    .problem(m.id)
                    .map_or_else(|| e.to_string(), |p| p.advice().to_owned());
                set.unreadable.push(Skipped {
                    label: m.label(),
                    reason,
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    if set.accounts.is_empty() {
        return Err(ExportFailure::NoneReadable(set.unreadable));
    }
    Ok(set)
}

/// [`write`] of what [`accounts`] gave: the accounts it could not read are named among the
/// skipped ones.
pub fn write_set(
    format: ExportFormat,
    dest: &Path,
    set: &ForExport,
    password: Option<&str>,
) -> Result<Exported, ExportFailure> {
    let carried = Carried {
        sites: &set.sites,
        icons: &set.icons,
    };
    let mut done = write(format, dest, &set.accounts, carried, password)?;
    done.skipped.extend(set.unreadable.iter().cloned());
    Ok(done)
}

/// Writes `accounts` as `format` to `dest`, owner-only and atomically. Google QR codes become
/// numbered PNG files: inside `dest` if it is a folder, else named after its stem beside it.
/// `carried` holds each account's sites and icon, which only the Aegis formats keep.
pub fn write(
    format: ExportFormat,
    dest: &Path,
    accounts: &[Account],
    carried: Carried,
    password: Option<&str>,
) -> Result<Exported, ExportFailure> {
    check(format, password)?;
    let single = |bytes: &[u8]| -> Result<Exported, ExportFailure> {
        export::write_private(dest, bytes)?;
        Ok(Exported {
            files: vec![dest.to_path_buf()],
            exported: accounts.len(),
            skipped: Vec::new(),
        })
    };
    match format {
        ExportFormat::Aegis => {
            let text = export::aegis_encrypted(
                accounts,
                carried.sites,
                carried.icons,
                password.unwrap_or_default(),
            )?;
            single(text.as_bytes())
        }
        ExportFormat::AegisPlain => {
            single(export::aegis_plain(accounts, carried.sites, carried.icons).as_bytes())
        }
        ExportFormat::Uris => single(export::uri_list(accounts).as_bytes()),
        ExportFormat::Html => single(export::html(accounts, HTML_TITLE)?.as_bytes()),
        ExportFormat::GoogleQr => {
            let qr = export::google_qr(accounts)?;
            let files = google_qr_paths(dest, qr.images.len());
            write_new_files(&files, &qr.images)?;
            let skipped = skipped(accounts, qr.skipped);
            Ok(Exported {
                files,
                exported: accounts.len() - skipped.len(),
                skipped,
            })
        }
    }
}

/// Writes each of `files` (owner-only) with its bytes, never replacing anything: if any of them
/// exists, nothing is written; one that appears meanwhile stops the export and removes the
/// files this call created.
fn write_new_files(files: &[PathBuf], contents: &[Vec<u8>]) -> Result<(), ExportFailure> {
    if let Some(taken) = files.iter().find(|p| p.symlink_metadata().is_ok()) {
        return Err(ExportFailure::Exists(taken.clone()));
    }
    let mut created: Vec<&Path> = Vec::new();
    let undo = |created: &[&Path]| {
        for path in created {
            let _ = std::fs::remove_file(path);
        }
    };
    for (path, bytes) in files.iter().zip(contents) {
        match write_new(path, bytes) {
            Ok(()) => created.push(path),
            Err(e) => {
                undo(&created);
                return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
                    ExportFailure::Exists(path.clone())
                } else {
                    ExportError::Write {
                        path: path.clone(),
                        source: e,
                    }
                    .into()
                });
            }
        }
    }
    Ok(())
}

/// Creates `path` (it must not exist: create-new, so a file or link put there is never
/// followed or replaced), owner-only, with `bytes`; a half-written file is removed.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        drop(file);
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Google Authenticator export QR codes as SVG, to show one by one to a phone.
pub struct ShownQr {
    pub svgs: Vec<String>,
    pub exported: usize,
    pub skipped: Vec<Skipped>,
}

pub fn google_qr_svgs(set: &ForExport, size: u32) -> Result<ShownQr, ExportFailure> {
    let accounts = &set.accounts;
    let qr = export::google_qr_svg(accounts, size)?;
    let mut skipped = skipped(accounts, qr.skipped);
    let exported = accounts.len() - skipped.len();
    skipped.extend(set.unreadable.iter().cloned());
    Ok(ShownQr {
        svgs: qr.images,
        exported,
        skipped,
    })
}

fn skipped(accounts: &[Account], skipped: Vec<(usize, String)>) -> Vec<Skipped> {
    skipped
        .into_iter()
        .map(|(i, reason)| Skipped {
            label: accounts.get(i).map(Account::label).unwrap_or_default(),
            reason,
        })
        .collect()
}

/// Where `n` Google QR images go for `dest`: into it if it is a folder, else beside it,
/// numbered after its stem (`phone.png` → `phone-1-of-2.png`, `phone-2-of-2.png`).
pub fn google_qr_paths(dest: &Path, n: usize) -> Vec<PathBuf> {
    let (dir, stem) = if dest.is_dir() {
        (dest.to_path_buf(), GOOGLE_QR_STEM.to_owned())
    } else {
        let stem = dest
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| GOOGLE_QR_STEM.into());
        (
            dest.parent().map(Path::to_path_buf).unwrap_or_default(),
            stem,
        )
    };
    (1..=n)
        .map(|i| dir.join(format!("{stem}-{i}-of-{n}.png")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{self, FormatError, FormatId};
    use crate::uri;

    fn accounts() -> Vec<Account> {
        [
            "otpauth://totp/GitHub:mika?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
            "otpauth://totp/Steam:mika?secret=MFRGGZDFMZTWQ2LK&issuer=Steam&encoder=steam",
        ]
        .iter()
        .map(|u| uri::parse(u).unwrap())
        .collect()
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for f in ExportFormat::ALL {
            assert_eq!(f.name().parse::<ExportFormat>(), Ok(f));
            assert_eq!(
                serde_json::to_value(f).unwrap(),
                serde_json::Value::from(f.name())
            );
        }
        assert!(serde_json::from_str::<ExportFormat>("\"pdf\"").is_err());
        let e = "pdf".parse::<ExportFormat>().unwrap_err();
        assert!(
            e.contains("aegis, aegis-plain, uris, html, google-qr"),
            "{e}"
        );
    }

    #[test]
    fn encrypted_export_needs_a_password_and_reads_back_only_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.json");
        assert!(matches!(
            write(
                ExportFormat::Aegis,
                &path,
                &accounts(),
                Carried::default(),
                Some("")
            ),
            Err(ExportFailure::Export(ExportError::EmptyPassword))
        ));
        assert!(!path.exists());
        let done = write(
            ExportFormat::Aegis,
            &path,
            &accounts(),
            Carried::default(),
            Some("pässword"),
        )
        .unwrap();
        assert_eq!(done.exported, 2);
        assert_eq!(done.files, vec![path.clone()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            formats::import(&bytes, None, Some("password")).unwrap_err(),
            FormatError::WrongPassword(FormatId::Aegis)
        );
        let back = formats::import(&bytes, None, Some("pässword")).unwrap();
        let labels: Vec<String> = back.accounts.iter().map(Account::label).collect();
        assert_eq!(labels, ["GitHub (mika)", "Steam (mika)"]);
    }

    /// An Aegis backup's icons (an SVG with its type, a PNG of a vault version 1 without one)
    /// are drawn on import and kept by the vault; the Aegis export writes each as Aegis does
    /// (`icon`, `icon_mime`, `icon_hash` of those very bytes), and another vault importing it
    /// shows the same icons. An icon that runs a script is dropped, never its account.
    #[test]
    fn an_aegis_backups_icons_survive_import_export_and_import_again() {
        use std::sync::Arc;

        use base64::Engine;
        use base64::engine::general_purpose::STANDARD as B64;
        use sha2::{Digest, Sha256};

        use crate::app::add;
        use crate::vault::KeyringStore;

        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#0a7"/></svg>"##;
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            90,
            90,
            image::Rgba([9, 9, 200, 255]),
        ))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
        let hostile = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        let entry = |name: &str, secret: &str, icon: &[u8], mime: Option<&str>| {
            let mut e = serde_json::json!({
                "type": "totp", "uuid": uuid::Uuid::new_v4().to_string(), "name": name,
                "issuer": name, "icon": B64.encode(icon),
                "info": { "secret": secret, "algo": "SHA1", "digits": 6, "period": 30 },
            });
            if let Some(m) = mime {
                e["icon_mime"] = m.into();
            }
            e
        };
        let backup = serde_json::json!({
            "version": 1,
            "header": { "slots": null, "params": null },
            "db": { "version": 2, "entries": [
                entry("Svg", "JBSWY3DPEHPK3PXP", svg, Some("image/svg+xml")),
                entry("Png", "MFRGGZDFMZTWQ2LK", &png, None),
                entry("Hostile", "GEZDGNBVGY3TQOJQ", hostile, Some("image/svg+xml")),
            ] },
        });
        let import = formats::import(backup.to_string().as_bytes(), None, None).unwrap();
        assert_eq!(import.accounts.len(), 3);
        assert!(import.icon(0).is_some() && import.icon(1).is_some());
        assert_eq!(
            import.icon(2),
            None,
            "the script's icon is dropped, the account kept"
        );

        let here = tempfile::tempdir().unwrap();
        let mut vault = Vault::open(here.path(), Arc::new(KeyringStore::mock())).unwrap();
        add::add_bound(
            &mut vault,
            &import.accounts,
            &[],
            &import.all_icons(),
            false,
        )
        .unwrap();
        let icons_of = |vault: &Vault| -> Vec<(String, Option<String>)> {
            vault
                .accounts()
                .into_iter()
                .map(|m| (m.label(), m.icon))
                .collect()
        };
        let before = icons_of(&vault);
        let drawn = crate::icon::AccountIcon::from_field(before[0].1.as_deref().unwrap()).unwrap();
        let img = image::load_from_memory(drawn.png()).unwrap().to_rgba8();
        assert_eq!(
            img.get_pixel(32, 32).0,
            [0x00, 0xaa, 0x77, 255],
            "the SVG's colour"
        );

        let set = super::accounts(&mut vault).unwrap();
        for (format, password) in [
            (ExportFormat::AegisPlain, None),
            (ExportFormat::Aegis, Some("pw")),
        ] {
            let out = tempfile::tempdir().unwrap();
            let path = out.path().join("backup.json");
            write_set(format, &path, &set, password).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            if password.is_none() {
                let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let entries = file["db"]["entries"].as_array().unwrap();
                for e in &entries[..2] {
                    assert_eq!(e["icon_mime"], "image/png");
                    let icon = B64.decode(e["icon"].as_str().unwrap()).unwrap();
                    let hash: String = Sha256::digest(&icon)
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect();
                    assert_eq!(e["icon_hash"], hash.as_str());
                }
                assert!(entries[2]["icon"].is_null());
            }
            let back = formats::import(&bytes, None, password).unwrap();
            let there = tempfile::tempdir().unwrap();
            let mut other = Vault::open(there.path(), Arc::new(KeyringStore::mock())).unwrap();
            add::add_bound(
                &mut other,
                &back.accounts,
                &back.all_domains(),
                &back.all_icons(),
                false,
            )
            .unwrap();
            assert_eq!(icons_of(&other), before, "{format}");
        }
    }

    #[test]
    fn an_aegis_export_imported_into_another_vault_keeps_each_accounts_sites() {
        use std::sync::Arc;

        use crate::app::add;
        use crate::vault::{AccountEdit, KeyringStore};

        let here = tempfile::tempdir().unwrap();
        let mut vault = Vault::open(here.path(), Arc::new(KeyringStore::mock())).unwrap();
        let ids: Vec<_> = accounts()
            .iter()
            .map(|a| vault.add(a, false).unwrap())
            .collect();
        // GitHub bound to one exact host only, its known site unbound; Steam to two sites.
        let chosen = [
            &["ghe.corp.example.com"][..],
            &["store.steampowered.com", "steamcommunity.com"],
        ];
        for (id, sites) in ids.iter().zip(chosen) {
            let edit = AccountEdit {
                domains: Some(Binding::parse_all(sites).unwrap()),
                ..AccountEdit::default()
            };
            vault.edit(*id, &edit).unwrap();
        }
        let set = super::accounts(&mut vault).unwrap();
        assert_eq!(set.sites.len(), 2);
        let sites_of = |vault: &Vault| -> Vec<(String, Vec<Binding>)> {
            vault
                .accounts()
                .into_iter()
                .map(|m| (m.label(), m.domains))
                .collect()
        };
        let before = sites_of(&vault);
        assert_eq!(before[0].1.len(), 1);
        assert!(!before[0].1[0].is_site(), "the test needs an exact host");
        for (format, password) in [
            (ExportFormat::Aegis, Some("pässword")),
            (ExportFormat::AegisPlain, None),
        ] {
            let out = tempfile::tempdir().unwrap();
            let path = out.path().join("backup.json");
            write_set(format, &path, &set, password).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let back = formats::import(&bytes, None, password).unwrap();
            let there = tempfile::tempdir().unwrap();
            let mut other = Vault::open(there.path(), Arc::new(KeyringStore::mock())).unwrap();
            let report = add::add_bound(
                &mut other,
                &back.accounts,
                &back.all_domains(),
                &back.all_icons(),
                false,
            )
            .unwrap();
            assert_eq!(report.added.len(), 2, "{format}");
            assert_eq!(sites_of(&other), before, "{format}");
        }
    }

    #[test]
    fn html_carries_one_title() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paper.html");
        write(
            ExportFormat::Html,
            &path,
            &accounts(),
            Carried::default(),
            None,
        )
        .unwrap();
        let page = std::fs::read_to_string(&path).unwrap();
        assert!(
            page.contains(&format!("<title>{HTML_TITLE}</title>")),
            "{page}"
        );
    }

    #[test]
    fn google_images_are_numbered_beside_a_file_or_inside_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let done = write(
            ExportFormat::GoogleQr,
            &dir.path().join("phone.png"),
            &accounts(),
            Carried::default(),
            None,
        )
        .unwrap();
        let want = dir.path().join("phone-1-of-1.png");
        assert_eq!(done.files, vec![want.clone()]);
        assert!(want.exists());
        assert_eq!(done.exported, 1);
        assert_eq!(done.skipped.len(), 1);
        assert_eq!(done.skipped[0].label, "Steam (mika)");

        let folder = dir.path().join("out");
        std::fs::create_dir(&folder).unwrap();
        let done = write(
            ExportFormat::GoogleQr,
            &folder,
            &accounts(),
            Carried::default(),
            None,
        )
        .unwrap();
        assert_eq!(
            done.files,
            vec![folder.join("ninsho-google-export-1-of-1.png")]
        );
        assert!(done.files[0].exists());
    }

    #[test]
    fn google_images_never_replace_a_file() {
        let dir = tempfile::tempdir().unwrap();
        // Enough accounts for two images (10 per code).
        let many: Vec<Account> = (0..12)
            .map(|i| {
                uri::parse(&format!(
                    "otpauth://totp/Site{i}:mika?secret=JBSWY3DPEHPK3PXP&issuer=Site{i}"
                ))
                .unwrap()
            })
            .collect();
        let dest = dir.path().join("phone.png");
        let first = dir.path().join("phone-1-of-2.png");
        let second = dir.path().join("phone-2-of-2.png");
        std::fs::write(&second, b"someone else's file").unwrap();
        let e = write(
            ExportFormat::GoogleQr,
            &dest,
            &many,
            Carried::default(),
            None,
        )
        .unwrap_err();
        assert!(
            matches!(&e, ExportFailure::Exists(p) if *p == second),
            "{e:?}"
        );
        assert!(e.to_string().contains("phone-2-of-2.png"), "{e}");
        assert!(!first.exists(), "nothing is written when one file exists");
        assert_eq!(std::fs::read(&second).unwrap(), b"someone else's file");

        // A dangling link is not followed either.
        std::fs::remove_file(&second).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("elsewhere.png"), &first).unwrap();
            let e = write(
                ExportFormat::GoogleQr,
                &dest,
                &many,
                Carried::default(),
                None,
            )
            .unwrap_err();
            assert!(
                matches!(&e, ExportFailure::Exists(p) if *p == first),
                "{e:?}"
            );
            assert!(!dir.path().join("elsewhere.png").exists());
            std::fs::remove_file(&first).unwrap();
        }

        let done = write(
            ExportFormat::GoogleQr,
            &dest,
            &many,
            Carried::default(),
            None,
        )
        .unwrap();
        assert_eq!(done.files, vec![first.clone(), second.clone()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The same export again finds its own files there and leaves them alone.
        let before = std::fs::read(&first).unwrap();
        assert!(matches!(
            write(
                ExportFormat::GoogleQr,
                &dest,
                &many,
                Carried::default(),
                None
            ),
            Err(ExportFailure::Exists(_))
        ));
        assert_eq!(std::fs::read(&first).unwrap(), before);
    }
}
