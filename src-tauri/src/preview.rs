//! Every way in (screen, clipboard image or text, image file, dropped files, a backup) ends
//! here: what was found becomes one [`ScanPreview`], and the accounts wait in Rust behind a
//! token until the person confirms.

use std::path::{Path, PathBuf};

use ninsho_core::formats;
use ninsho_core::otp::Account;
use ninsho_core::scan::{self, Content};
use ninsho_core::site::Binding;
use ninsho_core::uri::migration::Added;

use crate::error::AppError;
use crate::state::{AppState, PendingImport};
use crate::views::{BatchView, NoteKind, PreviewItem, ScanNote, ScanPreview, Source};

/// Builds the preview of what a source yielded.
pub fn preview(
    state: &AppState,
    contents: Vec<Content>,
    source: Source,
    file: Option<PathBuf>,
) -> ScanPreview {
    let codes_found = contents.len() as u32;
    let mut accounts: Vec<Account> = Vec::new();
    let mut notes = Vec::new();
    let mut touched_batches = Vec::new();
    if contents.is_empty() && source != Source::Text {
        notes.push(ScanNote::new(
            NoteKind::NoQr,
            "No QR code was found. Zoom in so the code is larger, and make sure the whole code is visible.",
        ));
    }
    for content in contents {
        match content {
            Content::Account(a) => accounts.push(a),
            Content::GoogleExport(part) => {
                for r in &part.rejected {
                    notes.push(ScanNote::new(
                        NoteKind::RejectedEntry,
                        format!("{} ({}): {}", r.name, r.index + 1, r.error),
                    ));
                }
                touched_batches.push((part.batch_id, part.batch_size));
                let mut batches = state.batches.lock().unwrap_or_else(|p| p.into_inner());
                if batches.add(&part) == Added::New {
                    accounts.extend(part.accounts);
                } else {
                    notes.push(ScanNote::new(
                        NoteKind::AlreadyScanned,
                        format!(
                            "QR code {} of {} of this export was already scanned.",
                            part.batch_index + 1,
                            part.batch_size
                        ),
                    ));
                }
            }
            Content::BrokenAccount(e) => notes.push(
                ScanNote::new(
                    NoteKind::BrokenCode,
                    format!("This login QR code cannot be used: {e}"),
                )
                .with_detail(e.to_string()),
            ),
            Content::BrokenGoogleExport(e) => notes.push(
                ScanNote::new(
                    NoteKind::BrokenExport,
                    format!("This Google Authenticator export cannot be used: {e}"),
                )
                .with_detail(e.to_string()),
            ),
            Content::Other(kind) => notes.push(ScanNote {
                what: Some(kind.code()),
                detail: kind.detail().map(str::to_owned),
                ..ScanNote::new(NoteKind::NotLogin, kind.describe())
            }),
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
    let mut preview = finish(state, accounts, Carried::default(), source, file);
    preview.notes = notes;
    preview.batches = batches;
    preview.codes_found = codes_found;
    preview
}

/// The preview of an imported backup: per-entry problems become notes.
pub fn backup(state: &AppState, imported: formats::Import, path: PathBuf) -> ScanPreview {
    let format = imported.format;
    let count = imported.accounts.len();
    let carried = Carried {
        domains: imported.all_domains(),
        icons: imported.all_icons(),
    };
    let mut preview = finish(
        state,
        imported.accounts,
        carried,
        Source::Backup,
        Some(path),
    );
    preview.format = Some(format.title().to_owned());
    preview.codes_found = count as u32;
    if count == 0 && imported.errors.is_empty() {
        preview.notes.push(ScanNote::new(
            NoteKind::BackupEmpty,
            format!("This {format} backup holds no account."),
        ));
    }
    for e in &imported.errors {
        preview.notes.push(ScanNote::new(
            NoteKind::RejectedEntry,
            format!("{}: {}", e.entry, e.message),
        ));
    }
    preview
}

/// A preview that holds nothing but notes (a dropped file that could not be read).
pub fn failed(state: &AppState, source: Source, error: AppError) -> ScanPreview {
    let mut preview = finish(state, Vec::new(), Carried::default(), source, None);
    preview.notes.push(ScanNote::unreadable(error));
    preview
}

/// What a backup's accounts carry besides themselves, in their order: the sites each is bound
/// to when added and its icon (see [`PendingImport`]); empty for a scan.
#[derive(Default)]
pub struct Carried {
    pub domains: Vec<Option<Vec<Binding>>>,
    pub icons: Vec<Option<String>>,
}

/// The preview of `accounts` (duplicates flagged), which wait behind its token with what they
/// carry (`carried`).
pub fn finish(
    state: &AppState,
    accounts: Vec<Account>,
    carried: Carried,
    source: Source,
    file: Option<PathBuf>,
) -> ScanPreview {
    let items = items_with_duplicates(state, &accounts);
    let file_name = file
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let token = (!accounts.is_empty() || file.is_some()).then(|| {
        state.imports.put(PendingImport {
            accounts,
            domains: carried.domains,
            icons: carried.icons,
            source: file,
        })
    });
    ScanPreview {
        token,
        source,
        items,
        notes: Vec::new(),
        batches: Vec::new(),
        file_name,
        codes_found: 0,
        format: None,
    }
}

fn items_with_duplicates(state: &AppState, accounts: &[Account]) -> Vec<PreviewItem> {
    let repeats = ninsho_core::vault::repeats(accounts);
    accounts
        .iter()
        .zip(repeats)
        .enumerate()
        .map(|(i, (a, repeats))| {
            // Without a usable keychain duplicates cannot be checked; confirming will say why.
            let duplicate_of = state
                .with_vault(|v| Ok(v.find_duplicate(a).ok().flatten()))
                .ok()
                .flatten()
                .map(|d| d.existing_label);
            PreviewItem {
                repeats: repeats.map(|r| r as u32),
                ..PreviewItem::new(i, a, duplicate_of)
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
