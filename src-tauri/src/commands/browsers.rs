//! Settings → Browsers: the browser profiles paired with Ninsho (unpaired here), and the
//! native messaging host installed for a browser, so that Ninsho's extension can reach Ninsho.

use ninsho_core::bridge::Pairings;
use ninsho_core::bridge::install::{self, Browser};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use uuid::Uuid;

use super::Result;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// A paired browser profile, as the settings list it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PairedView {
    pub id: String,
    /// What the extension said it runs in, as the person confirmed it.
    pub browser: String,
    /// Unix seconds.
    #[ts(type = "number")]
    pub paired: u64,
    #[ts(type = "number | null")]
    pub last_used: Option<u64>,
}

fn pairings(state: &AppState) -> Result<Pairings> {
    Ok(Pairings::open(&state.dir)?)
}

#[tauri::command]
pub async fn paired_browsers(state: State<'_, AppState>) -> Result<Vec<PairedView>> {
    let list = pairings(&state)?.list()?;
    Ok(list
        .into_iter()
        .map(|p| PairedView {
            id: p.id.to_string(),
            browser: p.browser,
            paired: p.paired,
            last_used: p.last_used,
        })
        .collect())
}

/// Unpairs a browser: its extension must pair again (confirmed in Ninsho) before it gets a
/// code. Nothing is lost, so nothing is asked.
#[tauri::command]
pub async fn unpair_browser(state: State<'_, AppState>, id: Uuid) -> Result<()> {
    pairings(&state)?.revoke(id)?;
    Ok(())
}

/// Installs the host for `browser` (`chromium`, `chrome`, `brave`, `edge`, `vivaldi`,
/// `firefox`) for this user; answers the manifest's path.
#[tauri::command]
pub async fn install_browser_host(browser: String) -> Result<String> {
    let b = Browser::from_name(&browser)
        .ok_or_else(|| AppError::new(ErrorCode::InvalidRequest, "no such browser"))?;
    let me = std::env::current_exe().map_err(|e| AppError::sentence(ErrorCode::Io, &e))?;
    let host = install::host_beside(&me).ok_or_else(|| {
        AppError::new(
            ErrorCode::BridgeHostMissing,
            "ninsho-host is not installed beside Ninsho",
        )
    })?;
    let dir = b.default_dir().ok_or_else(|| {
        AppError::new(
            ErrorCode::Io,
            "no home folder is set (HOME, or LOCALAPPDATA on Windows)",
        )
    })?;
    let path = install::install(b, &dir, &host).map_err(|e| {
        AppError::sentence(ErrorCode::BridgeInstall, &e).with_detail(dir.display().to_string())
    })?;
    Ok(path.display().to_string())
}
