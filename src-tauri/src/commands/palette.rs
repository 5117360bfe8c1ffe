//! The quick-pick palette's own command (the palette itself is `crate::pick`).

use tauri::{AppHandle, Runtime};

use super::Result;

/// Hides the palette (Escape, or after Enter copied a code).
#[tauri::command]
pub async fn hide_pick<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    crate::pick::hide(&app);
    Ok(())
}
