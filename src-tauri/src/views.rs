//! Everything that crosses the IPC boundary, and nothing else. TypeScript twins of these types
//! are generated into ui/src/lib/bindings by ts-rs (`cargo test -p ninsho` writes them).
//!
//! No type here has a field for a secret: scans and imports return previews and an opaque
//! token, codes are computed here and sent as text. The only exceptions are explicit user
//! actions to reveal something ([`TransferQr`], recovery codes).

use serde::Serialize;
use ts_rs::TS;

use ninsho_core::app::keychain::KeychainStatus;
use ninsho_core::app::manual::ManualField;
use ninsho_core::app::settings::{Lang, Settings};
use ninsho_core::follow::Origin;
use ninsho_core::otp::{Account, Code, OtpType};
use ninsho_core::scan::OtherKindCode;
use ninsho_core::vault::{
    AccountCodes, AccountMeta, ItemProblem, KeychainState, Notice, NoticeKind,
};

use crate::error::AppError;

/// Whether the keychain can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KeychainView {
    pub state: KeychainStatus,
    /// What the person should do (English; the UI shows its own translation by `state`).
    pub advice: String,
    /// The system's own words, for the curious.
    pub detail: Option<String>,
}

impl From<&KeychainState> for KeychainView {
    fn from(state: &KeychainState) -> Self {
        KeychainView {
            state: state.status(),
            advice: state.advice().to_owned(),
            detail: state.detail().map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    /// `null` when the vault could not be opened (then `vault_error` says why).
    pub keychain: Option<KeychainView>,
    pub vault_path: String,
    pub account_count: u32,
    /// Things the person should know about how the vault was opened (a damaged file set aside,
    /// a list rebuilt from the keyring).
    pub notices: Vec<NoticeView>,
    /// Accounts found in the keyring but not in the list, offered back.
    pub orphans: Vec<OrphanView>,
    /// Set when the vault could not be opened at all.
    pub vault_error: Option<AppError>,
    /// Why the quick-pick shortcut could not be registered (another program holds it, or it
    /// is not a shortcut); `null` when it works or none is set.
    pub pick_shortcut_error: Option<String>,
    /// Whether the desktop shows tray icons (where it does not, closing the window quits).
    pub tray_shown: bool,
    /// The encrypted mode; `null` when the vault could not be opened.
    pub lock: Option<ninsho_core::vault::LockStatus>,
}

/// Something the person should know about how the vault was opened.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NoticeView {
    pub kind: NoticeKind,
    /// English, complete.
    pub message: String,
    pub count: Option<u32>,
    /// The file or the system's words it names.
    pub detail: Option<String>,
}

impl From<&Notice> for NoticeView {
    fn from(n: &Notice) -> Self {
        NoticeView {
            kind: n.kind(),
            message: n.to_string(),
            count: n.count().map(|c| c as u32),
            detail: n.detail(),
        }
    }
}

/// An account found in the keyring but not in the list.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrphanView {
    pub id: String,
    pub label: String,
}

/// An account as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    pub id: String,
    pub issuer: Option<String>,
    pub name: String,
    /// The name as the list shows it (without a leading "Issuer:" that repeats the issuer).
    pub shown_name: String,
    /// "Issuer (name)", as every dialog, the palette and the tray name the account.
    pub label: String,
    pub kind: OtpType,
    pub digits: u8,
    /// Seconds per code (time-based codes).
    pub period: Option<u32>,
    pub pinned: bool,
    pub group: Option<String>,
    /// The icon the account shows, as `data:image/png;base64,…` (a PNG Ninsho drew: no
    /// markup reaches the page): its own, else an installed icon pack's match (see
    /// `icon_pack`); `null`: the issuer's bundled logo or a letter.
    pub icon: Option<String>,
    /// The icon pack whose icon `icon` is (`null`: the account's own icon, or none).
    pub icon_pack: Option<String>,
    /// The followed backup folder it came from (and whether its backup still holds it).
    pub source: Option<Origin>,
    /// The sites the browser bridge fills its code on.
    pub domains: Vec<SiteView>,
}

/// A site an account is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SiteView {
    /// As a person reads it (an IDN in its own script).
    pub name: String,
    /// Only this exact host, not the whole site it is on.
    pub host_only: bool,
}

impl AccountView {
    /// The view with the icon it shows: its own, else the best match of the installed packs.
    pub fn shown(a: &AccountMeta, shelf: &ninsho_core::icon::pack::Shelf) -> AccountView {
        let view = AccountView::from(a);
        if view.icon.is_some() {
            return view;
        }
        let Some(best) = a.issuer.as_deref().and_then(|i| shelf.best_for(i)) else {
            return view;
        };
        match shelf.icon(best.pack, best.number) {
            Ok(icon) => AccountView {
                icon: Some(icon.data_url()),
                icon_pack: Some(best.pack_name),
                ..view
            },
            Err(_) => view,
        }
    }
}

/// An installed icon pack.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IconPackView {
    pub uuid: String,
    pub name: String,
    pub version: i32,
    pub icons: u32,
}

impl From<&ninsho_core::icon::pack::InstalledPack> for IconPackView {
    fn from(p: &ninsho_core::icon::pack::InstalledPack) -> Self {
        IconPackView {
            uuid: p.uuid.to_string(),
            name: p.name.clone(),
            version: p.version,
            icons: u32::try_from(p.icons).unwrap_or(u32::MAX),
        }
    }
}

/// What importing an icon pack did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IconPackImport {
    pub pack: IconPackView,
    /// The version it replaced, when the same pack was installed before.
    pub replaced: Option<i32>,
    /// Icons left out, each with why.
    pub left_out: Vec<LeftOutIcon>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LeftOutIcon {
    pub file: String,
    pub why: String,
}

/// An icon the packs suggest for an account (the edit dialog's picker).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IconSuggestion {
    pub pack: String,
    pub pack_name: String,
    pub number: u32,
    pub name: String,
    pub category: Option<String>,
    /// The icon as Ninsho drew it at import (`data:image/png;base64,…`).
    pub image: String,
}

impl From<&AccountMeta> for AccountView {
    fn from(a: &AccountMeta) -> Self {
        AccountView {
            id: a.id.to_string(),
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            shown_name: ninsho_core::otp::shown_name(a.issuer.as_deref(), &a.name).to_owned(),
            label: a.label(),
            kind: a.otp_type,
            digits: a.digits,
            period: a.params().period_opt(),
            pinned: a.pinned,
            group: a.group.clone(),
            icon: a
                .icon
                .as_deref()
                .and_then(ninsho_core::icon::AccountIcon::from_field)
                .map(|i| i.data_url()),
            icon_pack: None,
            source: None,
            domains: a
                .domains
                .iter()
                .map(|b| SiteView {
                    name: b.shown(),
                    host_only: !b.is_site(),
                })
                .collect(),
        }
    }
}

/// The settings as the windows get them, with the language to show them in: Rust resolves
/// `System` once (see `AppState::lang`), so the window speaks what the tray and dialogs speak.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SettingsView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub settings: Settings,
    pub lang: Lang,
}

/// The codes of one account for the current period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CodeView {
    pub id: String,
    /// The code, no spaces. `null` for HOTP (produced on request).
    pub code: Option<String>,
    /// The code as people read it: `123 456`.
    pub grouped: Option<String>,
    /// The next period's code, grouped; `null` unless the settings show it.
    pub next: Option<String>,
    /// Unix milliseconds; the UI draws the countdown from these without asking again.
    #[ts(type = "number | null")]
    pub valid_from_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub valid_until_ms: Option<u64>,
    /// Why there is no code: the account's keychain item is missing or damaged.
    pub problem: Option<ItemProblem>,
}

impl CodeView {
    /// What the window may see of one account's codes: the next one only when it is shown.
    pub fn new(codes: AccountCodes, show_next: bool) -> Self {
        let current = codes.current.as_ref();
        CodeView {
            id: codes.id.to_string(),
            valid_from_ms: current.and_then(|x| x.valid_from).map(|s| s * 1000),
            valid_until_ms: current.and_then(|x| x.valid_until).map(|s| s * 1000),
            grouped: current.map(Code::grouped),
            code: codes.current.map(|x| x.value),
            next: codes.next.filter(|_| show_next).map(|x| x.grouped()),
            problem: codes.problem,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CodesSnapshot {
    /// Rust's clock when the codes were computed (Unix milliseconds).
    #[ts(type = "number")]
    pub now_ms: u64,
    pub codes: Vec<CodeView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CopyResult {
    /// `123 456`: for the toast.
    pub grouped: String,
    /// Seconds until the clipboard is cleared (0: never).
    pub clear_after_seconds: u32,
}

/// One account found by a scan, paste or form, before it is added.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PreviewItem {
    pub index: u32,
    pub issuer: Option<String>,
    pub name: String,
    /// The name as shown (see `AccountView::shown_name`).
    pub shown_name: String,
    pub kind: OtpType,
    pub digits: u8,
    pub period: Option<u32>,
    /// The existing account this one duplicates, if any.
    pub duplicate_of: Option<String>,
    /// The `index` of the earlier item of the same preview this one repeats (same secret, or
    /// same issuer and name): adding both adds only the first.
    pub repeats: Option<u32>,
}

impl PreviewItem {
    pub fn new(index: usize, account: &Account, duplicate_of: Option<String>) -> Self {
        PreviewItem {
            index: index as u32,
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            shown_name: ninsho_core::otp::shown_name(account.issuer.as_deref(), &account.name)
                .to_owned(),
            kind: account.params.otp_type,
            digits: account.params.digits,
            period: account.params.period_opt(),
            duplicate_of,
            repeats: None,
        }
    }
}

/// What a note about a scan is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The image holds no QR code.
    NoQr,
    /// A QR code that is something else (see `what`).
    NotLogin,
    /// A login QR code whose content cannot be used (`detail` says why).
    BrokenCode,
    /// A Google Authenticator export that cannot be used (`detail` says why).
    BrokenExport,
    /// One entry of an export or backup that cannot be used.
    RejectedEntry,
    /// A part of a Google export scanned before.
    AlreadyScanned,
    /// A backup without accounts.
    BackupEmpty,
    /// A file that could not be read (`error` says why).
    Unreadable,
}

/// Something the person should know about what was scanned.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScanNote {
    pub code: NoteKind,
    /// English, complete: what the UI shows when it has no better words.
    pub message: String,
    /// For `not_login`: what the code is.
    pub what: Option<OtherKindCode>,
    /// For `not_login` web links: the host; Wi-Fi: the network name; broken codes: the reason.
    pub detail: Option<String>,
    /// For `unreadable`: the error.
    pub error: Option<AppError>,
}

impl ScanNote {
    pub fn new(code: NoteKind, message: impl Into<String>) -> Self {
        ScanNote {
            code,
            message: message.into(),
            what: None,
            detail: None,
            error: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn unreadable(error: AppError) -> Self {
        ScanNote {
            code: NoteKind::Unreadable,
            message: error.message.clone(),
            what: None,
            detail: error.detail.clone(),
            error: Some(error),
        }
    }
}

/// Where what a preview shows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Screen,
    Clipboard,
    File,
    Drop,
    Text,
    Manual,
    Backup,
}

/// Progress of a Google Authenticator export that spans several QR codes.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BatchView {
    pub scanned: u32,
    pub total: u32,
    /// 1-based numbers of the codes still to scan.
    pub missing: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScanPreview {
    /// Confirms the import (`confirm_import`); `null` when nothing can be imported.
    pub token: Option<String>,
    pub source: Source,
    pub items: Vec<PreviewItem>,
    pub notes: Vec<ScanNote>,
    pub batches: Vec<BatchView>,
    /// The image or backup file read (for the offer to move it to the trash), if one was.
    pub file_name: Option<String>,
    /// QR codes found in the image(s); for a backup, the accounts it yielded.
    pub codes_found: u32,
    /// The app whose backup this is (imports only).
    pub format: Option<String>,
}

/// What opening a backup file gave: its preview, or the need for a password (then
/// `password_token` names the waiting file and `format` the app that wrote it).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupStep {
    pub preview: Option<ScanPreview>,
    pub password_token: Option<String>,
    pub format: Option<String>,
    pub file_name: String,
}

/// A finished export: the files written, how many accounts they hold, and the accounts the
/// format cannot hold (with the reason).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportDone {
    pub files: Vec<String>,
    pub exported: u32,
    pub skipped: Vec<String>,
}

/// Google Authenticator export QR codes to show one by one.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GoogleQrCodes {
    pub svgs: Vec<String>,
    pub exported: u32,
    pub skipped: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ManualPreview {
    /// `null` when the entry is valid.
    pub error: Option<AppError>,
    /// Which field the error is about.
    pub field: Option<ManualField>,
    /// The code the entry produces now (so the person can compare with the site). Never for a
    /// HOTP account: its next code is the one the first copy gives, and showing it here too
    /// would show one code twice.
    pub code: Option<String>,
    pub duplicate_of: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportResult {
    pub added: u32,
    /// Labels of the accounts skipped as already in Ninsho.
    pub skipped: Vec<String>,
    /// Labels of the accounts skipped because they repeat another entry of the same import (a
    /// Google export whose QR codes hold one secret twice).
    pub repeated: Vec<String>,
    pub errors: Vec<AppError>,
}

/// An account as a QR code, for moving it to a phone. Shown only after a confirmation.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TransferQr {
    pub svg: String,
    pub label: String,
    pub hide_after_seconds: u32,
}

impl From<ninsho_core::app::export::Exported> for ExportDone {
    fn from(done: ninsho_core::app::export::Exported) -> Self {
        ExportDone {
            files: done.files.iter().map(|f| f.display().to_string()).collect(),
            exported: done.exported as u32,
            skipped: done.skipped.iter().map(ToString::to_string).collect(),
        }
    }
}

impl From<ninsho_core::app::export::ShownQr> for GoogleQrCodes {
    fn from(qr: ninsho_core::app::export::ShownQr) -> Self {
        GoogleQrCodes {
            exported: qr.exported as u32,
            skipped: qr.skipped.iter().map(ToString::to_string).collect(),
            svgs: qr.svgs,
        }
    }
}

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    /// The IPC types core defines (the command arguments and settings) are written with the
    /// shell's own, so `cargo test -p ninsho` alone brings every binding up to date.
    #[test]
    fn export_the_ipc_types_core_defines() {
        ninsho_core::app::manual::ManualEntry::export_all(&ts_rs::Config::from_env()).unwrap();
        ninsho_core::app::settings::Settings::export_all(&ts_rs::Config::from_env()).unwrap();
        ninsho_core::app::export::ExportFormat::export_all(&ts_rs::Config::from_env()).unwrap();
        ninsho_core::sync::SyncStatus::export_all(&ts_rs::Config::from_env()).unwrap();
        ninsho_core::sync::SyncReport::export_all(&ts_rs::Config::from_env()).unwrap();
    }
}
