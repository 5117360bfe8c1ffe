//! The stable codes of every error a shell reports, one enum for core and both shells.
//!
//! Each of core's error types names its code (`code()` beside the error), so a status that
//! carries a problem (`SyncStatus::problem_code`) and the error the app returns for the same
//! failure cannot drift apart. The desktop app exports the enum to TypeScript as a union:
//! the UI's English and Japanese tables are typed by it, so a code without a translation
//! fails the UI's type check. Codes for what only a desktop can do (the clipboard, the
//! screen) live here too, so the list is written once.

use serde::Serialize;

/// Every error the backend reports to the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The keychain.
    KeychainMissing,
    KeychainLocked,
    KeychainDenied,
    KeychainTooLarge,
    KeychainFailed,
    // The vault.
    Io,
    SaveFailed,
    VaultDamaged,
    VaultNewer,
    VaultBusy,
    NoDataDir,
    NotFound,
    Duplicate,
    InvalidAccount,
    SecretMissing,
    ItemDamaged,
    ItemTooLarge,
    NotHotp,
    // The lock (the encrypted mode).
    VaultLocked,
    LockWrongPassword,
    LockWrongRecoveryKey,
    LockRecoveryKeyMalformed,
    LockTryLater,
    LockPasswordShort,
    LockAlreadyOn,
    LockOff,
    LockDamaged,
    /// System sign-in is off, so it cannot open Ninsho.
    LockSystemOff,
    /// Encrypted and started since the last password: system sign-in has no key to re-open.
    LockNeedsPassword,
    // System sign-in.
    /// polkit cannot be reached (detail: the bus's error).
    SystemAuthNoPolkit,
    SystemAuthNoAction,
    SystemAuthNoAgent,
    /// Windows Hello is not ready, or the platform's sign-in is not built (detail: which).
    SystemAuthNotReady,
    /// The system asked and the answer was no.
    SystemAuthRefused,
    SystemAuthRoot,
    // Images and files.
    ImageFormat,
    ImageTooLarge,
    ImageDamaged,
    FileUnreadable,
    /// An image refused as an account's own icon (detail: why).
    IconRefused,
    /// An icon pack refused (detail: why).
    IconPackRefused,
    /// A paste of an account's icon found no image on the clipboard.
    IconPasteEmpty,
    // The manual-entry form.
    SecretEmpty,
    SecretCharacter,
    SecretLength,
    SecretTooLong,
    NameRequired,
    /// A Yandex key of 26 bytes whose checksum does not match (or of another length).
    SecretChecksum,
    /// An mOTP or Yandex account without its PIN.
    PinRequired,
    PinInvalid,
    // Backups of other apps.
    FormatUnrecognized,
    FormatMismatch,
    PasswordRequired,
    WrongPassword,
    BackupDamaged,
    BackupUnsupported,
    BackupTooLarge,
    // Exports.
    ExportEmpty,
    PasswordEmpty,
    ExportWrite,
    ExportFailed,
    /// A Google QR image file of the export is already there; nothing was written.
    ExportExists,
    Qr,
    // Followed backup folders.
    FollowNotAFolder,
    FollowNoBackup,
    FollowAlready,
    FollowUnknown,
    /// The account is not marked removed in a followed folder's backup (any more).
    FollowNotMarked,
    FollowState,
    FollowStateNewer,
    FollowPasswordTooLong,
    FollowFailed,
    // Sync with a folder.
    SyncFolder,
    SyncAlready,
    SyncAlreadySetUp,
    SyncNotSetUp,
    SyncOff,
    SyncWrongPassphrase,
    SyncPassphraseShort,
    SyncFolderGone,
    SyncKeyMissing,
    SyncFolderDamaged,
    SyncNewer,
    SyncState,
    SyncFailed,
    /// A site to bind an account to that is no site's name (detail: what was typed).
    SiteInvalid,
    // The browser bridge.
    /// The paired browsers' file cannot be read or written, or is damaged.
    BridgeState,
    /// `ninsho-host` is not beside the app (a build without it, a broken install).
    BridgeHostMissing,
    /// The host manifest could not be written (detail: the folder).
    BridgeInstall,
    // The clock check.
    ClockInvalidServer,
    ClockUnreachable,
    ClockBadReply,
    // The desktop.
    Clipboard,
    /// The clipboard holds nothing at all.
    ClipboardEmpty,
    /// Pasted files that are neither an image nor a backup (detail: their names).
    PasteFiles,
    /// Pasted links to files elsewhere, never fetched (detail: scheme and host).
    PasteRemote,
    /// Pasted text that is no login link.
    PasteText,
    /// A pasted image with no QR code.
    PasteNoQr,
    /// Pasted image bytes that cannot be decoded (detail: the decoder's words).
    PasteImageUnreadable,
    /// Pasted HTML with no image Ninsho can read.
    PasteHtml,
    /// More on the clipboard than Ninsho reads (detail: the type).
    PasteTooLarge,
    /// Only types Ninsho does not read (detail: the types).
    PasteOther,
    ScreenCapture,
    ScreenCaptureWayland,
    Trash,
    PreviewExpired,
    SettingsSave,
    /// The person cancelled the native dialog that asks before a secret is shown. Not a
    /// failure: the UI says nothing.
    RevealDeclined,
    /// A request the backend could not take (Tauri's own answer to malformed arguments, which
    /// reaches the UI as plain text).
    InvalidRequest,
}
