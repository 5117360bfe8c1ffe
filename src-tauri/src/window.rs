//! The main window. It is declared in tauri.conf.json (size, title; `create: false`) and built
//! here, because only the builder takes a navigation guard: the webview never leaves the app's
//! own pages (no link, form, script or redirect takes it to another origin) and opens no other
//! window.

use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, Runtime, Url, WebviewWindowBuilder};

/// The label of the main window (capabilities/main.json grants it Ninsho's commands).
pub const MAIN: &str = "main";

/// Whether the main webview may go to `url`: the app's own pages (`tauri://localhost`, or
/// `http(s)://tauri.localhost` where the system webview needs http), or the dev server while
/// developing.
pub fn allowed(url: &Url, dev_url: Option<&Url>) -> bool {
    let own = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    own || dev_url.is_some_and(|dev| dev.origin() == url.origin())
}

/// Builds the main window from its entry in tauri.conf.json; hidden when Ninsho was started
/// for the quick-pick palette alone (`ninsho --pick`).
pub fn create<R: Runtime>(app: &AppHandle<R>, visible: bool) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        // tauri.conf.json declares it; only a broken build lacks it.
        .ok_or(tauri::Error::WindowNotFound)?;
    let dev_url = if cfg!(dev) {
        app.config().build.dev_url.clone()
    } else {
        None
    };
    let protect = app
        .state::<crate::state::AppState>()
        .settings()
        .protect_windows;
    WebviewWindowBuilder::from_config(app, &config)?
        .visible(visible)
        .content_protected(protect)
        .on_navigation(move |url| allowed(url, dev_url.as_ref()))
        .on_new_window(|_, _| NewWindowResponse::Deny)
        .build()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        for ok in [
            "tauri://localhost",
            "tauri://localhost/index.html#/x",
            "http://tauri.localhost/",
            "https://tauri.localhost/assets/a.js",
        ] {
            assert!(allowed(&url(ok), None), "{ok}");
        }
        for no in [
            "https://example.com/",
            "http://localhost:1420/",
            "tauri://evil.example/",
            "http://tauri.localhost.evil.example/",
            "file:///etc/passwd",
            "data:text/html,<p>hi</p>",
            "javascript:alert(1)",
            "about:blank",
            "ipc://localhost/app_status",
        ] {
            assert!(!allowed(&url(no), None), "{no}");
        }
        let dev = url("http://localhost:1420");
        assert!(allowed(
            &url("http://localhost:1420/index.html"),
            Some(&dev)
        ));
        assert!(!allowed(&url("http://localhost:1421/"), Some(&dev)));
    }
}
