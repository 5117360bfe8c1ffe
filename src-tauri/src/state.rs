//! What the running app holds: the open vault, scans waiting for confirmation, the clipboard
//! guard and the settings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use ninsho_core::otp::Account;
use ninsho_core::uri::migration::BatchCollector;
use ninsho_core::vault::{self, KeyringStore, Vault};

use crate::error::AppError;
use crate::views::Settings;

/// Previews older than this are forgotten (their secrets with them).
const IMPORT_TTL: Duration = Duration::from_secs(15 * 60);

/// Accounts found by a scan, waiting for the person to confirm. Never sent to the UI.
pub struct PendingImport {
    pub accounts: Vec<Account>,
    /// The image file they came from, for the offer to move it to the trash.
    pub source: Option<PathBuf>,
    created: Instant,
}

pub struct AppState {
    pub dir: PathBuf,
    pub vault: Mutex<Result<Vault, AppError>>,
    imports: Mutex<HashMap<String, PendingImport>>,
    /// Google export codes scanned this session, across scans.
    pub batches: Mutex<BatchCollector>,
    /// Bumped on every copy, so an older copy's clear timer leaves a newer code alone.
    pub clipboard_generation: AtomicU64,
    pub settings: Mutex<Settings>,
}

fn open_vault(dir: &Path) -> Result<Vault, AppError> {
    Vault::open(dir, std::sync::Arc::new(KeyringStore::platform())).map_err(AppError::from)
}

impl AppState {
    pub fn new() -> Self {
        let dir = vault::default_dir().unwrap_or_else(|_| PathBuf::from("."));
        let vault = open_vault(&dir);
        let settings = load_settings(&dir);
        AppState {
            vault: Mutex::new(vault),
            imports: Mutex::new(HashMap::new()),
            batches: Mutex::new(BatchCollector::new()),
            clipboard_generation: AtomicU64::new(0),
            settings: Mutex::new(settings),
            dir,
        }
    }

    /// Runs `f` with the open vault (re-reading it first: the CLI may have changed it).
    pub fn with_vault<T>(
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

    pub fn stash(&self, accounts: Vec<Account>, source: Option<PathBuf>) -> String {
        let token = uuid::Uuid::new_v4().to_string();
        let mut imports = self.imports.lock().unwrap_or_else(|p| p.into_inner());
        imports.retain(|_, p| p.created.elapsed() < IMPORT_TTL);
        imports.insert(
            token.clone(),
            PendingImport {
                accounts,
                source,
                created: Instant::now(),
            },
        );
        token
    }

    pub fn take(&self, token: &str) -> Option<PendingImport> {
        let mut imports = self.imports.lock().unwrap_or_else(|p| p.into_inner());
        imports
            .remove(token)
            .filter(|p| p.created.elapsed() < IMPORT_TTL)
    }

    /// Puts a preview back (its import failed and may be retried).
    pub fn keep_pending(&self, token: &str, pending: PendingImport) {
        let mut imports = self.imports.lock().unwrap_or_else(|p| p.into_inner());
        imports.insert(token.to_owned(), pending);
    }

    /// The file behind a preview, kept after its import so it can still be trashed.
    pub fn source_of(&self, token: &str) -> Option<PathBuf> {
        let imports = self.imports.lock().unwrap_or_else(|p| p.into_inner());
        imports.get(token).and_then(|p| p.source.clone())
    }

    /// Keeps only the file path of a preview (after its accounts were imported).
    pub fn keep_source_only(&self, token: &str, source: Option<PathBuf>) {
        if let Some(source) = source {
            let mut imports = self.imports.lock().unwrap_or_else(|p| p.into_inner());
            imports.insert(
                token.to_owned(),
                PendingImport {
                    accounts: Vec::new(),
                    source: Some(source),
                    created: Instant::now(),
                },
            );
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn save_settings(&self, settings: Settings) -> Result<Settings, AppError> {
        let settings = settings.sanitized();
        let path = self.dir.join("settings.json");
        let text = serde_json::to_vec_pretty(&settings).unwrap_or_default();
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| {
                let temp = self.dir.join("settings.json.tmp");
                std::fs::write(&temp, &text)?;
                std::fs::rename(&temp, &path)
            })
            .map_err(|e| {
                AppError::new(
                    "io",
                    format!("cannot save the settings at {}", path.display()),
                )
                .with_detail(e.to_string())
            })?;
        *self.settings.lock().unwrap_or_else(|p| p.into_inner()) = settings.clone();
        Ok(settings)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

fn load_settings(dir: &Path) -> Settings {
    std::fs::read(dir.join("settings.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
        .map(Settings::sanitized)
        .unwrap_or_default()
}
