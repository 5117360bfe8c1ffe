//! Lists of `otpauth://` URIs, one per line: what Ente Auth, KeePassXC and many others export
//! in plain text; WinAuth's export (same shape, different labels, in a ZIP when it has a
//! password); and Authenticator Plus's password-protected ZIP, which holds such a list. A line
//! may also be a Google Authenticator export (`otpauth-migration://`), whose accounts are all
//! read; blank lines and comments (`#`, `//`) are skipped.

use std::io::Read;

use super::common::{Collector, EntryError, label, uri_account};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered};
use crate::uri::migration::{self, Added, BatchCollector};
use crate::zip_shape::ZipShapeError;

fn uri_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
}

fn is_uri_line(line: &str) -> bool {
    let lower = line.get(..12).unwrap_or(line).to_ascii_lowercase();
    lower.starts_with("otpauth://")
        || lower.starts_with("steam://")
        || lower.starts_with("motp://")
        || migration::is_migration_uri(line)
}

/// Mostly URI lines (a list with a damaged line is still a list); at least one.
fn looks_like_uri_list(input: &Input) -> bool {
    let Some(text) = input.text() else {
        return false;
    };
    let (uris, total) = uri_lines(text).fold((0, 0), |(u, t), (_, l)| {
        (u + usize::from(is_uri_line(l)), t + 1)
    });
    uris > 0 && uris * 2 >= total
}

/// A URI list whose URI lines are all Google Authenticator exports (at least one): the text
/// of an export's QR codes, saved one per line.
pub(super) fn is_migration_list(input: &Input) -> bool {
    looks_like_uri_list(input)
        && input.text().is_some_and(|text| {
            uri_lines(text)
                .filter(|(_, l)| is_uri_line(l))
                .all(|(_, l)| migration::is_migration_uri(l))
        })
}

/// Reads every line: an otpauth URI is one account, a Google Authenticator export all of its
/// accounts. An export's QR code that appears twice is read once, and codes of an export the
/// file does not hold are reported, as when the codes are scanned.
pub(super) fn read_list(text: &str, mut adjust: impl FnMut(&mut crate::otp::Account)) -> Imported {
    let mut out = Collector::default();
    let mut batches = BatchCollector::new();
    for (i, line) in uri_lines(text) {
        let line_no = i + 1;
        if !migration::is_migration_uri(line) {
            out.push(
                || format!("line {line_no}"),
                uri_account(line).map(|mut a| {
                    adjust(&mut a);
                    a
                }),
            );
            continue;
        }
        let part = match migration::parse(line) {
            Ok(part) => part,
            Err(e) => {
                out.push(
                    || format!("line {line_no}"),
                    Err(format!("not a usable Google Authenticator export: {e}")),
                );
                continue;
            }
        };
        if batches.add(&part) == Added::AlreadyScanned {
            out.errors.push(EntryError {
                entry: format!("line {line_no}"),
                message: format!(
                    "QR code {} of {} of this Google Authenticator export is on an earlier line \
                     too; its accounts are read once",
                    part.batch_index + 1,
                    part.batch_size
                ),
            });
            continue;
        }
        for r in &part.rejected {
            out.errors.push(EntryError {
                entry: format!(
                    "line {line_no}, {}",
                    label(r.issuer.as_deref().unwrap_or(""), &r.name, r.index)
                ),
                message: r.error.to_string(),
            });
        }
        for mut account in part.accounts {
            adjust(&mut account);
            out.push(String::new, Ok(account));
        }
    }
    for progress in batches.progress() {
        if !progress.is_complete() {
            let missing: Vec<String> = progress
                .missing
                .iter()
                .map(|i| (i + 1).to_string())
                .collect();
            out.errors.push(EntryError {
                entry: "Google Authenticator export".into(),
                message: format!(
                    "the file holds {} of its {} QR codes; the accounts of QR code {} are not \
                     in it",
                    progress.scanned,
                    progress.total,
                    missing.join(", ")
                ),
            });
        }
    }
    out.done()
}

/// The error for a file that is no URI list, named as `id`.
fn not_a_list(id: FormatId, input: &Input) -> FormatError {
    let why = if input.text().is_none() {
        "it is not text"
    } else {
        "it holds no otpauth:// lines"
    };
    FormatError::NotThisFormat(id, why.into())
}

/// A plain list of otpauth URIs.
pub struct Uris;

impl Importer for Uris {
    fn detect(&self, input: &Input) -> u8 {
        if looks_like_uri_list(input) { 2 } else { 0 }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        match input.text().filter(|_| looks_like_uri_list(input)) {
            Some(text) => Ok(read_list(text, |_| {})),
            None => Err(not_a_list(Self::ID, input)),
        }
    }
}

/// WinAuth's export: a URI list whose labels carry the account in the issuer's place; WinAuth
/// itself names every account "WinAuth". As text it has the shape of a plain list, so it is
/// only chosen by name; exported to a `.zip` (encrypted with ZipCrypto when it has a password)
/// it is one text file named after the archive, which Authenticator Plus's `Accounts.txt`
/// is not.
pub struct WinAuth;

impl WinAuth {
    /// The archive's one file: `<name of the export>.txt`.
    fn is_its_file(name: &str) -> bool {
        name.to_ascii_lowercase().ends_with(".txt") && !is_accounts_txt(name)
    }
}

impl Importer for WinAuth {
    fn detect(&self, input: &Input) -> u8 {
        let Some(zip) = zip_of(input) else {
            return 0;
        };
        let mut names = zip.file_names();
        match (names.next(), names.next()) {
            (Some(only), None) if Self::is_its_file(only) => 2,
            _ => 0,
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let adjust = |a: &mut crate::otp::Account| {
            a.issuer = Some(std::mem::take(&mut a.name)).filter(|n| !n.is_empty());
            a.name = "WinAuth".into();
        };
        if input.bytes.starts_with(ZIP_MAGIC) {
            // Named, any text file is read (its name is WinAuth's choice of the person's).
            let text = read_zipped(
                Self::ID,
                input,
                password,
                |n| n.to_ascii_lowercase().ends_with(".txt"),
                "the archive holds no .txt file",
            )?;
            return Ok(read_list(&text, adjust));
        }
        match input.text().filter(|_| looks_like_uri_list(input)) {
            Some(text) => Ok(read_list(text, adjust)),
            None => Err(not_a_list(Self::ID, input)),
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Largest text file read out of an archive: a URI is about 100 bytes, so 8 MiB is tens of
/// thousands of accounts; a zip bomb (a few kilobytes inflating to gigabytes) stops here.
pub const MAX_ZIPPED_LIST_BYTES: u64 = 8 << 20;

/// Most files a backup archive may list: Authenticator Plus and WinAuth write one or two.
const MAX_ZIP_FILES: u16 = 256;

/// Checks the archive's end records before the ZIP reader sees them (see [`crate::zip_shape`]).
fn check_zip_shape(bytes: &[u8]) -> Result<(), String> {
    crate::zip_shape::check(bytes, MAX_ZIP_FILES).map_err(|e| match e {
        ZipShapeError::Zip64 => {
            "it is a ZIP64 archive, which neither Authenticator Plus nor WinAuth writes".into()
        }
        ZipShapeError::TooManyFiles { files, max } => format!(
            "the archive lists {files} files; a backup archive holds a few (at most {max} are read)"
        ),
        e => e.to_string(),
    })
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

fn open_zip(bytes: &[u8]) -> Result<Zip<'_>, String> {
    check_zip_shape(bytes)?;
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("it is not a ZIP archive ({e})"))
}

/// The archive `input` is, for detection: None when it is none (or one refused).
fn zip_of<'a>(input: &Input<'a>) -> Option<Zip<'a>> {
    if !input.bytes.starts_with(ZIP_MAGIC) {
        return None;
    }
    open_zip(input.bytes).ok()
}

fn is_accounts_txt(name: &str) -> bool {
    name.eq_ignore_ascii_case("Accounts.txt") || name.ends_with("/Accounts.txt")
}

/// Reads a zipped text file, at most [`MAX_ZIPPED_LIST_BYTES`] of it: the size the archive
/// declares is checked first, and the reading stops past the cap whatever it declared (a bomb
/// lies about its size).
fn read_capped(file: &mut impl Read, declared: u64, text: &mut String) -> Result<(), ZipReadError> {
    if declared > MAX_ZIPPED_LIST_BYTES {
        return Err(ZipReadError::TooLarge(Some(declared)));
    }
    // Reserve what it declares (within the cap), not more.
    text.reserve(declared as usize);
    let read = file
        .take(MAX_ZIPPED_LIST_BYTES + 1)
        .read_to_string(text)
        .map_err(ZipReadError::Io)?;
    if read as u64 > MAX_ZIPPED_LIST_BYTES {
        return Err(ZipReadError::TooLarge(None));
    }
    Ok(())
}

enum ZipReadError {
    TooLarge(Option<u64>),
    Io(std::io::Error),
}

/// The error for a list past the cap: its declared size, or None when it inflated past the cap
/// whatever it declared.
fn too_large(name: &str, declared: Option<u64>) -> String {
    match declared {
        Some(size) => format!(
            "{name} inflates to {size} bytes, more than the {MAX_ZIPPED_LIST_BYTES} bytes \
             (8 MiB) Ninsho reads from an archive"
        ),
        None => format!(
            "{name} inflates to more than the {MAX_ZIPPED_LIST_BYTES} bytes (8 MiB) Ninsho \
             reads from an archive (more than it declares: a ZIP bomb?)"
        ),
    }
}

/// The text of the archive's first file whose name `pick`s, decrypted with the password when
/// it is encrypted (ZipCrypto), and at most [`MAX_ZIPPED_LIST_BYTES`] of it. Errors are named
/// `id`; `missing` says that no file was picked.
fn read_zipped(
    id: FormatId,
    input: &Input,
    password: Option<&str>,
    pick: impl Fn(&str) -> bool,
    missing: &str,
) -> Result<zeroize::Zeroizing<String>, FormatError> {
    let mut zip = open_zip(input.bytes).map_err(|e| FormatError::NotThisFormat(id, e))?;
    let index = (0..zip.len())
        .find(|&i| zip.name_for_index(i).is_some_and(&pick))
        .ok_or_else(|| FormatError::NotThisFormat(id, missing.into()))?;
    let name = zip.name_for_index(index).unwrap_or_default().to_owned();
    let (encrypted, size) = zip
        .by_index_raw(index)
        .map(|f| (f.encrypted(), f.size()))
        .map_err(|e| FormatError::Damaged(id, e.to_string()))?;
    // The size the archive declares, refused before anything is inflated.
    if size > MAX_ZIPPED_LIST_BYTES {
        return Err(FormatError::Unsupported(id, too_large(&name, Some(size))));
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    if encrypted {
        let password = password.ok_or(FormatError::PasswordRequired(id))?;
        let mut file = zip
            .by_index_decrypt(index, password.as_bytes())
            .map_err(|e| match e {
                zip::result::ZipError::InvalidPassword => FormatError::WrongPassword(id),
                other => FormatError::Damaged(id, other.to_string()),
            })?;
        // ZipCrypto's password check is one byte: a wrong password can pass it and then fail
        // the CRC or produce garbage.
        read_capped(&mut file, size, &mut text).map_err(|e| match e {
            ZipReadError::TooLarge(size) => FormatError::Unsupported(id, too_large(&name, size)),
            ZipReadError::Io(_) => FormatError::WrongPassword(id),
        })?;
    } else {
        let mut file = zip
            .by_index(index)
            .map_err(|e| FormatError::Damaged(id, e.to_string()))?;
        read_capped(&mut file, size, &mut text).map_err(|e| match e {
            ZipReadError::TooLarge(size) => FormatError::Unsupported(id, too_large(&name, size)),
            ZipReadError::Io(e) => FormatError::Damaged(id, e.to_string()),
        })?;
    }
    Ok(text)
}

/// Authenticator Plus: a ZIP encrypted with the backup password, holding `Accounts.txt`.
pub struct AuthenticatorPlus;

impl Importer for AuthenticatorPlus {
    fn detect(&self, input: &Input) -> u8 {
        let Some(zip) = zip_of(input) else {
            return 0;
        };
        if zip.file_names().any(is_accounts_txt) {
            2
        } else {
            1
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let text = read_zipped(
            Self::ID,
            input,
            password,
            |n| n.ends_with("Accounts.txt"),
            "the archive holds no Accounts.txt",
        )?;
        Ok(read_list(&text, |_| {}))
    }
}
