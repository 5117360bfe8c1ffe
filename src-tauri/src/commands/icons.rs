//! An account's icon: its own (from a file, a paste, or an icon pack's suggestion) or none,
//! and the Aegis icon packs installed in the data folder. Every image is drawn in Rust
//! (`ninsho_core::icon`): the page gets PNG data URLs only, and nothing is ever fetched.

use ninsho_core::app::icon::{self as account_icon, IconFileError};
use ninsho_core::icon::pack;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;

use super::Result;
use crate::changes::changed;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::views::{AccountView, IconPackImport, IconPackView, IconSuggestion, LeftOutIcon};

/// The image files an account's own icon may come from.
const ICON_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "svg"];
/// Most suggestions the picker shows (a short issuer can match hundreds of a big pack's icons).
const MAX_SUGGESTIONS: usize = 48;

/// A file the person picks in the system's chooser (the UI gets no file access).
fn pick_file<R: Runtime>(
    app: &AppHandle<R>,
    kind: &str,
    extensions: &[&str],
) -> Option<std::path::PathBuf> {
    app.dialog()
        .file()
        .add_filter(kind, extensions)
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
}

fn installed(state: &AppState) -> Vec<IconPackView> {
    state
        .icon_shelf()
        .installed()
        .iter()
        .map(IconPackView::from)
        .collect()
}

fn after_icon<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    meta: &ninsho_core::vault::AccountMeta,
) -> AccountView {
    changed(app);
    AccountView::shown(meta, &state.icon_shelf())
}

/// Asks for an image file (in Rust: the UI gets no file access) and makes it the account's
/// own icon, drawn as a small PNG. `None`: the chooser was closed.
#[tauri::command]
pub async fn choose_account_icon<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<Option<AccountView>> {
    let Some(path) = pick_file(&app, "Images", ICON_EXTENSIONS) else {
        return Ok(None);
    };
    let icon = account_icon::icon_from_file(&path)?;
    let meta = state.with_vault(|v| Ok(account_icon::set_icon(v, id, Some(&icon))?))?;
    Ok(Some(after_icon(&app, &state, &meta)))
}

/// Makes the image on the clipboard (an image, an SVG, or an image file copied in a file
/// manager) the account's own icon.
#[tauri::command]
pub async fn paste_account_icon<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<AccountView> {
    let icon = crate::clipboard::pasted_icon(&app)?;
    let meta = state.with_vault(|v| Ok(account_icon::set_icon(v, id, Some(&icon))?))?;
    Ok(after_icon(&app, &state, &meta))
}

/// Takes the account's own icon away: a pack's match, the issuer's logo or its letter shows.
#[tauri::command]
pub async fn remove_account_icon<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<AccountView> {
    let meta = state.with_vault(|v| Ok(account_icon::set_icon(v, id, None)?))?;
    Ok(after_icon(&app, &state, &meta))
}

/// The icons the installed packs suggest for `issuer` (as typed in the edit dialog), Aegis's
/// order: the same issuer, then issuers containing it, then issuers it contains.
#[tauri::command]
pub async fn icon_suggestions(
    state: State<'_, AppState>,
    issuer: String,
) -> Result<Vec<IconSuggestion>> {
    let shelf = state.icon_shelf();
    Ok(shelf
        .suggestions(&issuer)
        .into_iter()
        .filter_map(|s| {
            let image = shelf.icon(s.pack, s.number).ok()?.data_url();
            Some(IconSuggestion {
                pack: s.pack.to_string(),
                pack_name: s.pack_name,
                number: u32::try_from(s.number).ok()?,
                name: s.name,
                category: s.category,
                image,
            })
        })
        .take(MAX_SUGGESTIONS)
        .collect())
}

/// Gives the account one of the packs' icons as its own: it travels with the account.
#[tauri::command]
pub async fn choose_pack_icon<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    pack: Uuid,
    number: u32,
) -> Result<AccountView> {
    let shelf = state.icon_shelf();
    let meta = state.with_vault(|v| {
        Ok(account_icon::set_icon_from_pack(
            v,
            &shelf,
            id,
            pack,
            number as usize,
        )?)
    })?;
    Ok(after_icon(&app, &state, &meta))
}

#[tauri::command]
pub async fn icon_packs(state: State<'_, AppState>) -> Result<Vec<IconPackView>> {
    Ok(installed(&state))
}

/// Asks for an Aegis icon pack (a `.zip`) and imports it. `None`: the chooser was closed.
#[tauri::command]
pub async fn import_icon_pack<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<IconPackImport>> {
    let Some(path) = pick_file(&app, "Icon packs", &["zip"]) else {
        return Ok(None);
    };
    let dir = state.dir.clone();
    let imported =
        tauri::async_runtime::spawn_blocking(move || account_icon::import_pack_file(&dir, &path))
            .await
            .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))??;
    state.icon_packs_changed();
    crate::events::emit(&app, crate::events::AppEvent::AccountsChanged, ());
    Ok(Some(IconPackImport {
        pack: IconPackView::from(&imported.pack),
        replaced: imported.replaced,
        left_out: imported
            .left_out
            .into_iter()
            .map(|(file, why)| LeftOutIcon { file, why })
            .collect(),
    }))
}

/// Removes an installed icon pack; icons already given to accounts stay theirs.
#[tauri::command]
pub async fn remove_icon_pack<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    uuid: Uuid,
) -> Result<Vec<IconPackView>> {
    pack::remove(&state.dir, uuid).map_err(IconFileError::Installed)?;
    state.icon_packs_changed();
    crate::events::emit(&app, crate::events::AppEvent::AccountsChanged, ());
    Ok(installed(&state))
}
