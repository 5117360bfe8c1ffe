//! Every way in (screen, clipboard image or text, image file, dropped files, the form) ends
//! here: what was found becomes one [`ScanPreview`], and the accounts wait in Rust behind a
//! token until the person confirms.

use std::path::{Path, PathBuf};

use ninsho_core::otp::Account;
use ninsho_core::scan::{self, Content, OtherKind};
use ninsho_core::uri::migration::Added;

use crate::error::AppError;
use crate::state::AppState;
use crate::views::{BatchView, PreviewItem, ScanNote, ScanPreview};

fn other_kind(kind: &OtherKind) -> (&'static str, Option<String>) {
    match kind {
        OtherKind::WebLink { host } => ("web_link", Some(host.clone()).filter(|h| !h.is_empty())),
        OtherKind::Wifi { network } => ("wifi", network.clone()),
        OtherKind::Email => ("email", None),
        OtherKind::Phone => ("phone", None),
        OtherKind::Sms => ("sms", None),
        OtherKind::Contact => ("contact", None),
        OtherKind::Location => ("location", None),
        OtherKind::Calendar => ("calendar", None),
        OtherKind::Text => ("text", None),
    }
}

fn note(code: &str, message: String) -> ScanNote {
    ScanNote {
        code: code.to_owned(),
        message,
        what: None,
        detail: None,
    }
}

/// Builds the preview of what a source yielded.
pub fn preview(
    state: &AppState,
    contents: Vec<Content>,
    source: &str,
    file: Option<PathBuf>,
) -> ScanPreview {
    let codes_found = contents.len() as u32;
    let mut accounts: Vec<Account> = Vec::new();
    let mut notes = Vec::new();
    let mut touched_batches = Vec::new();
    if contents.is_empty() && source != "text" {
        notes.push(note(
            "no_qr",
            "No QR code was found. Zoom in so the code is larger, and make sure the whole code is visible.".into(),
        ));
    }
    for content in contents {
        match content {
            Content::Account(a) => accounts.push(a),
            Content::GoogleExport(part) => {
                for r in &part.rejected {
                    notes.push(note(
                        "rejected_entry",
                        format!("{} ({}): {}", r.name, r.index + 1, r.error),
                    ));
                }
                touched_batches.push((part.batch_id, part.batch_size));
                let mut batches = state.batches.lock().unwrap_or_else(|p| p.into_inner());
                if batches.add(part.clone()) == Added::New {
                    accounts.extend(part.accounts);
                } else {
                    notes.push(note(
                        "already_scanned",
                        format!(
                            "QR code {} of {} of this export was already scanned.",
                            part.batch_index + 1,
                            part.batch_size
                        ),
                    ));
                }
            }
            Content::BrokenAccount(e) => notes.push(note(
                "broken_code",
                format!("This login QR code cannot be used: {e}"),
            )),
            Content::BrokenGoogleExport(e) => notes.push(note(
                "broken_export",
                format!("This Google Authenticator export cannot be used: {e}"),
            )),
            Content::Other(kind) => {
                let (what, detail) = other_kind(&kind);
                notes.push(ScanNote {
                    code: "not_login".into(),
                    message: kind.describe(),
                    what: Some(what.into()),
                    detail,
                });
            }
        }
    }
    let batches: Vec<BatchView> = {
        let collector = state.batches.lock().unwrap_or_else(|p| p.into_inner());
        collector
            .progress()
            .into_iter()
            .filter(|p| {
                p.total > 1
                    && touched_batches
                        .iter()
                        .any(|(id, size)| *id == p.batch_id && *size as usize == p.total)
            })
            .map(|p| BatchView {
                scanned: p.scanned as u32,
                total: p.total as u32,
                missing: p.missing.iter().map(|i| (*i + 1) as u32).collect(),
            })
            .collect()
    };
    let mut preview = finish(state, accounts, source, file);
    preview.notes = notes;
    preview.batches = batches;
    preview.codes_found = codes_found;
    preview
}

/// The preview of `accounts` (duplicates flagged), which wait behind its token.
pub fn finish(
    state: &AppState,
    accounts: Vec<Account>,
    source: &str,
    file: Option<PathBuf>,
) -> ScanPreview {
    let items = items_with_duplicates(state, &accounts);
    let file_name = file
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let token = (!accounts.is_empty() || file.is_some()).then(|| state.stash(accounts, file));
    ScanPreview {
        token,
        source: source.into(),
        items,
        notes: Vec::new(),
        batches: Vec::new(),
        file_name,
        codes_found: 0,
        format: None,
    }
}

fn items_with_duplicates(state: &AppState, accounts: &[Account]) -> Vec<PreviewItem> {
    accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            // Without a usable keychain duplicates cannot be checked; confirming will say why.
            let duplicate_of = state
                .with_vault(|v| Ok(v.find_duplicate(a).ok().flatten()))
                .ok()
                .flatten()
                .map(|d| d.existing_label);
            PreviewItem {
                index: i as u32,
                issuer: a.issuer.clone(),
                name: a.name.clone(),
                kind: a.params.otp_type.as_str().into(),
                digits: a.params.digits,
                period: a.params.period_opt(),
                duplicate_of,
            }
        })
        .collect()
}

/// What an image holds.
pub fn scan_path(path: &Path) -> Result<Vec<Content>, AppError> {
    Ok(scan::scan_file(path)?
        .into_iter()
        .map(|p| p.content)
        .collect())
}

/// What pasted or dropped text holds: one or more URIs, one per line.
pub fn scan_text(text: &str) -> Vec<Content> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(500)
        .map(scan::classify)
        .collect()
}
