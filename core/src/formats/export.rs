//! Open formats out: an Aegis vault (plain, or encrypted with a password slot exactly as Aegis
//! writes one, so Aegis opens it), an otpauth URI list, Google Authenticator export QR codes,
//! and a printable HTML page. Everything returned here holds secrets.
//!
//! An Aegis vault Ninsho writes keeps each account's sites in its entry, under
//! [`NINSHO_KEY`], so that importing it binds the account as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::crypto;
use crate::otp::{Account, OtpType};
use crate::site::Binding;
use crate::uri;

/// The key of an Aegis entry under which Ninsho writes what Aegis has no field for:
/// `"ninsho": {"sites": ["github.com", "login.bank.co.uk"]}`, each site as the vault file keeps
/// it (a host under its site is that exact host). Aegis ignores keys it does not know.
pub const NINSHO_KEY: &str = "ninsho";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the system's random number generator failed")]
    Random,
    #[error("the encryption failed")]
    Crypto,
    #[error("the password is empty; choose one (it protects the file)")]
    EmptyPassword,
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a QR code cannot be drawn for {0}")]
    Qr(String),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Aegis vault content (version 3) for these accounts, each with its entry uuid and, when it
/// comes from the vault, the sites it is bound to and its own icon.
fn aegis_content<'a>(accounts: impl Iterator<Item = Entry<'a>>) -> Value {
    let entries: Vec<Value> = accounts
        .map(|(id, a, sites, icon)| {
            let p = &a.params;
            let mut info = json!({
                "secret": a.secret.to_base32().as_str(),
                // Aegis names mOTP's hash MD5; the field is not used for it here.
                "algo": if p.otp_type == OtpType::Motp { "MD5" } else { p.algorithm.as_str() },
                "digits": p.digits,
            });
            match p.otp_type {
                OtpType::Hotp => info["counter"] = p.counter.into(),
                _ => info["period"] = p.period.into(),
            }
            if p.otp_type.needs_pin() {
                info["pin"] = a.pin.as_ref().map(|pin| pin.as_str()).into();
            }
            let mut entry = json!({
                "type": p.otp_type.as_str(),
                "uuid": id,
                "name": a.name,
                "issuer": a.issuer.clone().unwrap_or_default(),
                "note": "",
                "favorite": false,
                "icon": null,
                "info": info,
                "groups": [],
            });
            // As Aegis writes an icon: the image, its type and its SHA-256.
            if let Some(icon) = icon.and_then(crate::icon::AccountIcon::from_field) {
                entry["icon"] = B64.encode(icon.png()).into();
                entry["icon_mime"] = "image/png".into();
                entry["icon_hash"] = icon.sha256_hex().into();
            }
            // Written even when empty: no site is the person's choice too, and importing
            // the file must not bind a known issuer's site they had unbound.
            if let Some(sites) = sites {
                let sites: Vec<&str> = sites.iter().map(Binding::as_str).collect();
                entry[NINSHO_KEY] = json!({ "sites": sites });
            }
            entry
        })
        .collect();
    json!({ "version": 3, "entries": entries, "groups": [], "icons_optimized": true })
}

fn pretty(v: &Value) -> Zeroizing<String> {
    Zeroizing::new(serde_json::to_string_pretty(v).unwrap_or_default())
}

/// An entry as [`aegis_content`] takes it: uuid, account, its sites where known, and its own
/// icon (kept form, see [`crate::icon`]) where it has one.
type Entry<'a> = (String, &'a Account, Option<&'a [Binding]>, Option<&'a str>);

/// Fresh entry uuids, as a new export has; `sites[i]` are the sites of `accounts[i]` (an
/// account past the end of `sites` has none written), `icons[i]` its icon.
fn fresh_ids<'a>(
    accounts: &'a [Account],
    sites: &'a [Vec<Binding>],
    icons: &'a [Option<String>],
) -> impl Iterator<Item = Entry<'a>> {
    accounts.iter().enumerate().map(|(i, a)| {
        (
            uuid(),
            a,
            sites.get(i).map(Vec::as_slice),
            icons.get(i).and_then(|i| i.as_deref()),
        )
    })
}

/// Entry uuids that stay the same from one file to the next, as Aegis's automatic backups
/// keep them (which carry no sites); `icons[i]` is the icon of `entries[i]`.
fn kept_ids<'a>(
    entries: &'a [(uuid::Uuid, Account)],
    icons: &'a [Option<String>],
) -> impl Iterator<Item = Entry<'a>> {
    entries.iter().enumerate().map(|(i, (id, a))| {
        (
            id.to_string(),
            a,
            None,
            icons.get(i).and_then(|i| i.as_deref()),
        )
    })
}

/// An unencrypted Aegis vault (`aegis-export-plain.json`); `sites[i]` are the sites
/// `accounts[i]` is bound to, `icons[i]` its own icon.
pub fn aegis_plain(
    accounts: &[Account],
    sites: &[Vec<Binding>],
    icons: &[Option<String>],
) -> Zeroizing<String> {
    aegis_plain_file(aegis_content(fresh_ids(accounts, sites, icons)))
}

/// [`aegis_plain`] with each entry's uuid given, as successive Aegis backups keep them.
pub fn aegis_plain_with_ids(entries: &[(uuid::Uuid, Account)]) -> Zeroizing<String> {
    aegis_plain_file(aegis_content(kept_ids(entries, &[])))
}

fn aegis_plain_file(content: Value) -> Zeroizing<String> {
    pretty(&json!({
        "version": 1,
        "header": { "slots": null, "params": null },
        "db": content,
    }))
}

/// scrypt cost Aegis uses for password slots: N = 2^15, r = 8, p = 1.
const SCRYPT_LOG_N: u8 = 15;

/// An Aegis vault encrypted with `password`: a random master key encrypts the content with
/// AES-256-GCM, and a password slot wraps the master key with AES-256-GCM under
/// scrypt(password, salt, N=2^15, r=8, p=1). `sites[i]` are the sites `accounts[i]` is bound
/// to, `icons[i]` its own icon.
pub fn aegis_encrypted(
    accounts: &[Account],
    sites: &[Vec<Binding>],
    icons: &[Option<String>],
    password: &str,
) -> Result<Zeroizing<String>, ExportError> {
    aegis_encrypted_file(aegis_content(fresh_ids(accounts, sites, icons)), password)
}

/// [`aegis_encrypted`] with each entry's uuid given, as successive Aegis backups keep them;
/// `icons[i]` is the icon of `entries[i]` (kept form).
pub fn aegis_encrypted_with_ids(
    entries: &[(uuid::Uuid, Account)],
    icons: &[Option<String>],
    password: &str,
) -> Result<Zeroizing<String>, ExportError> {
    aegis_encrypted_file(aegis_content(kept_ids(entries, icons)), password)
}

fn aegis_encrypted_file(content: Value, password: &str) -> Result<Zeroizing<String>, ExportError> {
    if password.is_empty() {
        return Err(ExportError::EmptyPassword);
    }
    let master = Zeroizing::new(crypto::random::<32>().ok_or(ExportError::Random)?);
    let salt = crypto::random::<32>().ok_or(ExportError::Random)?;
    let key_nonce = crypto::random::<12>().ok_or(ExportError::Random)?;
    let db_nonce = crypto::random::<12>().ok_or(ExportError::Random)?;
    let slot_key = crypto::scrypt(password.as_bytes(), &salt, SCRYPT_LOG_N, 8, 1)
        .ok_or(ExportError::Crypto)?;
    let wrapped = crypto::aes_gcm_seal(slot_key.as_ref(), &key_nonce, master.as_ref())
        .ok_or(ExportError::Crypto)?;
    let (wrapped_key, key_tag) = wrapped.split_at(wrapped.len() - 16);
    let content = Zeroizing::new(serde_json::to_vec(&content).unwrap_or_default());
    let sealed =
        crypto::aes_gcm_seal(master.as_ref(), &db_nonce, &content).ok_or(ExportError::Crypto)?;
    let (db, db_tag) = sealed.split_at(sealed.len() - 16);
    Ok(pretty(&json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": 1,
                "uuid": uuid(),
                "key": hex(wrapped_key),
                "key_params": { "nonce": hex(&key_nonce), "tag": hex(key_tag) },
                "n": 1u32 << SCRYPT_LOG_N,
                "r": 8,
                "p": 1,
                "salt": hex(&salt),
                "repaired": true,
                "is_backup": false,
            }],
            "params": { "nonce": hex(&db_nonce), "tag": hex(db_tag) },
        },
        "db": base64::engine::general_purpose::STANDARD.encode(db),
    })))
}

/// One otpauth URI per line.
pub fn uri_list(accounts: &[Account]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for a in accounts {
        out.push_str(&uri::format(a));
        out.push('\n');
    }
    out
}

fn qr(text: &str) -> Result<qrcode::QrCode, ExportError> {
    qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ExportError::Qr(e.to_string()))
}

/// A QR code as a self-contained SVG (black on white, quiet zone included).
pub fn qr_svg(text: &str, min_size: u32) -> Result<String, ExportError> {
    Ok(qr(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(min_size, min_size)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// A QR code as PNG bytes with `module` pixels per module and a 4-module quiet zone.
pub fn qr_png(text: &str, module: u32) -> Result<Vec<u8>, ExportError> {
    let code = qr(text)?;
    let n = code.width() as u32;
    let colors = code.to_colors();
    let image = image::GrayImage::from_fn((n + 8) * module, (n + 8) * module, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + mx - 4) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| ExportError::Qr(e.to_string()))?;
    Ok(png)
}

/// A Google Authenticator export: its QR codes and what could not go into them.
pub struct GoogleQr<T> {
    /// The QR codes (PNG bytes or SVG text), 10 accounts each, in batch order.
    pub images: Vec<T>,
    /// Accounts (by index) that Google Authenticator's format cannot hold, with the reason.
    pub skipped: Vec<(usize, String)>,
}

fn google_qr_with<T>(
    accounts: &[Account],
    render: impl Fn(&str) -> Result<T, ExportError>,
) -> Result<GoogleQr<T>, ExportError> {
    let batch_id = i32::from_le_bytes(crypto::random::<4>().ok_or(ExportError::Random)?);
    let (texts, skipped) = uri::migration::encode(accounts, 0, batch_id);
    let images = texts
        .iter()
        .map(|t| render(t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GoogleQr {
        images,
        skipped: skipped
            .into_iter()
            .map(|(i, e)| (i, e.to_string()))
            .collect(),
    })
}

/// Google Authenticator export QR codes as PNG files' bytes.
pub fn google_qr(accounts: &[Account]) -> Result<GoogleQr<Vec<u8>>, ExportError> {
    google_qr_with(accounts, |t| qr_png(t, 6))
}

/// Google Authenticator export QR codes as SVG, to show on screen for a phone to scan.
pub fn google_qr_svg(accounts: &[Account], size: u32) -> Result<GoogleQr<String>, ExportError> {
    google_qr_with(accounts, |t| qr_svg(t, size))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A printable page: one QR code and the key in text for every account, to keep on paper.
pub fn html(accounts: &[Account], title: &str) -> Result<Zeroizing<String>, ExportError> {
    let mut out = Zeroizing::new(String::new());
    out.push_str(&format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\
         body{{font-family:system-ui,sans-serif;margin:24px;color:#111}}\
         .warn{{border:2px solid #c00;padding:8px 12px;margin-bottom:18px}}\
         .acct{{display:flex;gap:18px;align-items:center;border-bottom:1px solid #ccc;padding:12px 0;page-break-inside:avoid}}\
         .qr svg{{width:150px;height:150px}} code{{font-size:15px;letter-spacing:1px}} h2{{margin:0 0 4px;font-size:17px}}\
         .meta{{color:#444;font-size:13px}}</style></head><body>\n",
        escape(title)
    ));
    out.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"warn\">This page holds the secret keys of {} account(s). Anyone who reads it can \
         produce your login codes. Print it, keep the paper somewhere safe, and delete this file.</p>\n",
        escape(title),
        accounts.len()
    ));
    for a in accounts {
        let uri = uri::format(a);
        let svg = qr_svg(&uri, 150)?;
        let b32 = a.secret.to_base32();
        let grouped: String = b32
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let p = &a.params;
        let timing = match p.otp_type {
            OtpType::Hotp => format!("counter {}", p.counter),
            _ => format!("every {} s", p.period),
        };
        out.push_str(&format!(
            "<div class=\"acct\"><div class=\"qr\">{svg}</div><div><h2>{}</h2><div class=\"meta\">{} · {} · {} digits · {}</div>\
             <p>Key: <code>{}</code></p></div></div>\n",
            escape(&a.label()),
            p.otp_type.as_str().to_uppercase(),
            p.algorithm,
            p.digits,
            timing,
            escape(&grouped),
        ));
    }
    out.push_str("</body></html>\n");
    Ok(out)
}

/// Writes a file that holds secrets: owner-only permissions from the start, written to a
/// temporary name, flushed, then renamed into place (never a half-written export).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        err(e)
    })
}
