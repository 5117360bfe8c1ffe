//! Settings: how the app looks, how long a copied code stays on the clipboard.

use ninsho_core::app::settings::Settings;
use tauri::State;

use super::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    Ok(state.settings())
}

#[tauri::command]
pub async fn set_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings> {
    state.save_settings(settings)
}
