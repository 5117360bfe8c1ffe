//! What the running app holds: the open vault, what waits behind tokens (scans until they are
//! confirmed, encrypted backups until their password is typed), the Google export parts seen
//! this session, the clipboard guard, the reveal guard and the settings. What one module alone
//! uses it keeps as its own managed state (`syncing::Merges`, `pick::ShortcutSlot`), so this
//! module depends on no other part of the shell.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

use ninsho_core::app::settings::{Lang, Settings};
use ninsho_core::formats::FormatId;
use ninsho_core::otp::Account;
use ninsho_core::site::Binding;
use ninsho_core::uri::migration::BatchCollector;
use ninsho_core::vault::{self, KeyringStore, Vault};
use ninsho_core::watched::watch::Watcher;
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::tokens::TokenStore;
use crate::views::SettingsView;

/// Previews and locked backups older than this are forgotten (their secrets with them).
const TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

/// Accounts found by a scan, waiting for the person to confirm. Never sent to the UI.
pub struct PendingImport {
    pub accounts: Vec<Account>,
    /// What each account is bound to when added, in the same order: the sites a backup named
    /// for it (`None`, or no entry for a scan: bound as any new account).
    pub domains: Vec<Option<Vec<Binding>>>,
    /// The icon each account came with (an Aegis backup's), kept form; empty for a scan.
    pub icons: Vec<Option<String>>,
    /// The image file they came from, for the offer to move it to the trash.
    pub source: Option<PathBuf>,
}

/// An encrypted backup's bytes, waiting for the password. Never sent to the UI.
pub struct LockedBackup {
    pub bytes: Zeroizing<Vec<u8>>,
    pub format: FormatId,
    pub path: PathBuf,
}

pub struct AppState {
    pub dir: PathBuf,
    pub vault: Mutex<Result<Vault, AppError>>,
    pub imports: TokenStore<PendingImport>,
    pub backups: TokenStore<LockedBackup>,
    /// Google export codes scanned this session, across scans.
    pub batches: Mutex<BatchCollector>,
    /// Bumped on every copy, so an older copy's clear timer leaves a newer code alone.
    pub clipboard_generation: AtomicU64,
    /// The last code Ninsho put on the clipboard while it may still be there (cleared on
    /// quit if the clipboard still holds it).
    pub clipboard_code: Mutex<Option<Zeroizing<String>>>,
    /// A reveal's confirmation dialog is open (one at a time).
    pub revealing: AtomicBool,
    /// When the person last declined a native dialog (see `confirm::ask`).
    pub declined_at: Mutex<Option<Instant>>,
    pub settings: Mutex<Settings>,
    /// A folder chosen to follow, waiting for its backups' password. Never sent to the UI.
    pub follow_pending: TokenStore<PathBuf>,
    /// Watches the followed folders (see `following`).
    pub watcher: Mutex<Option<Watcher>>,
    /// A folder chosen for sync, waiting for its passphrase. Never sent to the UI.
    pub sync_pending: TokenStore<PathBuf>,
    /// When a person last asked something of Ninsho (see `locking`).
    pub idle: ninsho_core::app::autolock::Idle,
    /// The installed icon packs, read when first needed and again after an import or removal.
    pub icon_shelf: Mutex<Option<std::sync::Arc<ninsho_core::icon::pack::Shelf>>>,
}

/// Opens the vault as the window shows it: with system sign-in on, Ninsho starts locked (an
/// encrypted vault always does: its key is not in memory yet).
fn open_vault(dir: &Path) -> Result<Vault, AppError> {
    let mut vault = Vault::open(dir, std::sync::Arc::new(KeyringStore::platform()))?;
    vault.lock();
    Ok(vault)
}

impl AppState {
    pub fn new() -> Self {
        let dir = vault::default_dir().unwrap_or_else(|_| PathBuf::from("."));
        AppState {
            vault: Mutex::new(open_vault(&dir)),
            imports: TokenStore::new(TOKEN_TTL, "This preview has expired; scan the code again."),
            backups: TokenStore::new(TOKEN_TTL, "This backup is no longer open; choose it again."),
            batches: Mutex::new(BatchCollector::new()),
            clipboard_generation: AtomicU64::new(0),
            clipboard_code: Mutex::new(None),
            revealing: AtomicBool::new(false),
            declined_at: Mutex::new(None),
            settings: Mutex::new(Settings::load(&dir)),
            follow_pending: TokenStore::new(
                TOKEN_TTL,
                "This folder is no longer waiting; choose it again.",
            ),
            watcher: Mutex::new(None),
            idle: ninsho_core::app::autolock::Idle::from_env(),
            sync_pending: TokenStore::new(
                TOKEN_TTL,
                "This folder is no longer waiting; choose it again.",
            ),
            icon_shelf: Mutex::new(None),
            dir,
        }
    }

    /// The installed icon packs (read from the data folder once, then kept).
    pub fn icon_shelf(&self) -> std::sync::Arc<ninsho_core::icon::pack::Shelf> {
        let mut slot = self.icon_shelf.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| {
            std::sync::Arc::new(ninsho_core::icon::pack::Shelf::load(&self.dir))
        })
        .clone()
    }

    /// Forgets the icon packs read, after one was imported or removed.
    pub fn icon_packs_changed(&self) {
        *self.icon_shelf.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Runs `f` with the open vault (re-reading it first: the CLI may have changed it), for
    /// something a person asked: it counts as use for the idle lock.
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.idle.touch();
        self.with_vault_quiet(f)
    }

    /// [`AppState::with_vault`] for what runs by itself (a sync merge, a followed folder, the
    /// tray rebuilding its menu, the idle lock): not use.
    pub fn with_vault_quiet<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut slot = self.vault.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_err() {
            *slot = open_vault(&self.dir);
        }
        match slot.as_mut() {
            Ok(vault) => {
                vault.refresh()?;
                f(vault)
            }
            Err(e) => Err(e.clone()),
        }
    }

    /// Opens the vault again (after the keychain was unlocked or a damaged file was fixed).
    pub fn reopen(&self) {
        let mut slot = self.vault.lock().unwrap_or_else(|p| p.into_inner());
        *slot = open_vault(&self.dir);
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The language everything is shown in: the window (through [`SettingsView`]), the tray
    /// and the native dialogs. `System` is the environment's locale, read here only.
    pub fn lang(&self) -> Lang {
        self.settings().language.resolve(|k| std::env::var(k).ok())
    }

    /// The settings with the language they are shown in, as the windows get them.
    pub fn settings_view(&self) -> SettingsView {
        SettingsView {
            lang: self.lang(),
            settings: self.settings(),
        }
    }

    pub fn save_settings(&self, settings: Settings) -> Result<Settings, AppError> {
        let saved = settings.save(&self.dir)?;
        *self.settings.lock().unwrap_or_else(|p| p.into_inner()) = saved.clone();
        Ok(saved)
    }
}

/// How a sync merge borrows the app's vault: only for its middle, under the vault's lock.
impl ninsho_core::sync::VaultAccess for AppState {
    fn lend<T>(&self, f: impl FnOnce(&mut Vault) -> T) -> Option<T> {
        self.with_vault_quiet(|v| Ok(f(v))).ok()
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
