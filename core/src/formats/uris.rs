//! Lists of `otpauth://` URIs, one per line: what Ente Auth, KeePassXC and many others export
//! in plain text; WinAuth's export (same shape, different labels); and Authenticator Plus's
//! password-protected ZIP, which holds such a list.

use std::io::Read;

use super::common::{Collector, uri_account};
use super::{FormatError, Imported, Importer, Input, Registered};

fn uri_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn is_uri_line(line: &str) -> bool {
    let lower = line.get(..12).unwrap_or(line).to_ascii_lowercase();
    lower.starts_with("otpauth://") || lower.starts_with("steam://") || lower.starts_with("motp://")
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

fn read_list(text: &str, mut adjust: impl FnMut(&mut crate::otp::Account)) -> Imported {
    let mut out = Collector::default();
    for (i, line) in uri_lines(text) {
        out.push(
            || format!("line {}", i + 1),
            uri_account(line).map(|mut a| {
                adjust(&mut a);
                a
            }),
        );
    }
    out.done()
}

/// A plain list of otpauth URIs.
pub struct Uris;

impl Importer for Uris {
    fn detect(&self, input: &Input) -> u8 {
        if looks_like_uri_list(input) { 2 } else { 0 }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let text = input.text().ok_or(FormatError::NotThisFormat(
            Self::ID,
            "it is not text".into(),
        ))?;
        if !looks_like_uri_list(input) {
            return Err(FormatError::NotThisFormat(
                Self::ID,
                "it holds no otpauth:// lines".into(),
            ));
        }
        Ok(read_list(text, |_| {}))
    }
}

/// WinAuth's export: a URI list whose labels carry the account in the issuer's place; WinAuth
/// itself names every account "WinAuth". Same shape as a plain list, so only chosen by name.
pub struct WinAuth;

impl Importer for WinAuth {
    fn detect(&self, _: &Input) -> u8 {
        0
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let text = input.text().ok_or(FormatError::NotThisFormat(
            Self::ID,
            "it is not text".into(),
        ))?;
        if !looks_like_uri_list(input) {
            return Err(FormatError::NotThisFormat(
                Self::ID,
                "it holds no otpauth:// lines".into(),
            ));
        }
        Ok(read_list(text, |a| {
            a.issuer = Some(std::mem::take(&mut a.name)).filter(|n| !n.is_empty());
            a.name = "WinAuth".into();
        }))
    }
}

/// Authenticator Plus: a ZIP encrypted with the backup password, holding `Accounts.txt`.
pub struct AuthenticatorPlus;

impl Importer for AuthenticatorPlus {
    fn detect(&self, input: &Input) -> u8 {
        if !input.bytes.starts_with(b"PK\x03\x04") {
            return 0;
        }
        let Ok(zip) = zip::ZipArchive::new(std::io::Cursor::new(input.bytes)) else {
            return 0;
        };
        if zip
            .file_names()
            .any(|n| n.eq_ignore_ascii_case("Accounts.txt") || n.ends_with("/Accounts.txt"))
        {
            2
        } else {
            1
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let id = Self::ID;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(input.bytes)).map_err(|e| {
            FormatError::NotThisFormat(id, format!("it is not a ZIP archive ({e})"))
        })?;
        let index = (0..zip.len())
            .find(|&i| {
                zip.name_for_index(i)
                    .is_some_and(|n| n.ends_with("Accounts.txt"))
            })
            .ok_or_else(|| {
                FormatError::NotThisFormat(id, "the archive holds no Accounts.txt".into())
            })?;
        let encrypted = zip
            .by_index_raw(index)
            .map(|f| f.encrypted())
            .unwrap_or(true);
        let mut text = zeroize::Zeroizing::new(String::new());
        if encrypted {
            let password = password.ok_or(FormatError::PasswordRequired(id))?;
            let mut file =
                zip.by_index_decrypt(index, password.as_bytes())
                    .map_err(|e| match e {
                        zip::result::ZipError::InvalidPassword => FormatError::WrongPassword(id),
                        other => FormatError::Damaged(id, other.to_string()),
                    })?;
            // ZipCrypto's password check is one byte: a wrong password can pass it and then fail
            // the CRC or produce garbage.
            file.read_to_string(&mut text)
                .map_err(|_| FormatError::WrongPassword(id))?;
        } else {
            let mut file = zip
                .by_index(index)
                .map_err(|e| FormatError::Damaged(id, e.to_string()))?;
            file.read_to_string(&mut text)
                .map_err(|e| FormatError::Damaged(id, e.to_string()))?;
        }
        Ok(read_list(&text, |_| {}))
    }
}
