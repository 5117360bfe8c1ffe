//! The desktop around the app, driven as a person drives it: native (GTK) dialogs answered and
//! typed into with xdotool, windows found by title, the whole screen saved, the X clipboard
//! read and filled with xclip.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::poll::{Look, PATIENCE, until};
use crate::{Result, root};

/// Picks `path` in the native (GTK) open dialog titled `title`, as a person would: waits for
/// the dialog, gives it the keyboard focus, types the path (GTK opens its location field at
/// "/") and presses Enter. Needs xdotool.
pub async fn pick_in_file_dialog(title: &str, path: &Path) -> Result {
    type_into_file_dialog(title, path, false).await?;
    // GTK may complete the typed path into a folder's only subfolder, or still be loading the
    // folder when Enter arrives, and then open it instead of choosing: Enter again chooses the
    // folder shown, as a person would press it again.
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if windows_titled(title)?.is_empty() {
            return Ok(());
        }
        xdotool(&["key", "Return"])?;
    }
    let shot = screenshot_screen("file-dialog-stuck")?;
    Err(format!("the dialog {title:?} never closed (see {})", shot.display()).into())
}

/// Saves to `path` in the native (GTK) save dialog titled `title`: the suggested name is
/// replaced by the whole path.
pub async fn save_in_file_dialog(title: &str, path: &Path) -> Result {
    type_into_file_dialog(title, path, true).await
}

/// The ids of the mapped windows whose title matches `title` (an xdotool regular expression).
pub fn windows_titled(title: &str) -> Result<Vec<String>> {
    let found = std::process::Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .map_err(|e| format!("xdotool: {e} (make test-e2e installs it)"))?;
    Ok(String::from_utf8_lossy(&found.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Waits for a native window titled `title` (an xdotool regular expression) and returns its
/// id.
pub async fn wait_for_window(title: &str) -> Result<String> {
    until(
        &format!("a window titled {title:?}"),
        Duration::from_secs(15),
        async || Ok(Look::of(windows_titled(title)?.into_iter().next())),
    )
    .await
}

/// Whether a window titled `title` (an xdotool regular expression) is shown.
pub fn visible(title: &str) -> bool {
    windows_titled(title).is_ok_and(|ids| !ids.is_empty())
}

/// Runs xdotool (typing and keys as a person's keyboard gives them).
/// Asks X window `id` to close, as a window manager's close button does: a `WM_DELETE_WINDOW`
/// client message (xdotool has no such command; libX11 through ctypes, no extra package).
pub fn close_window(id: &str) -> Result {
    const SEND: &str = r#"
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]
class Event(ctypes.Union):
    _fields_ = [("client", ClientMessage), ("pad", ctypes.c_long * 24)]
d = x.XOpenDisplay(None)
if not d:
    sys.exit("cannot open the display")
window = int(sys.argv[1])
e = Event()
e.client.type = 33  # ClientMessage
e.client.window = window
e.client.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
e.client.format = 32
e.client.data[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
e.client.data[1] = 0  # CurrentTime
x.XSendEvent(d, window, 0, 0, ctypes.byref(e))
x.XFlush(d)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SEND, id])
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "closing window {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

pub fn xdotool(args: &[&str]) -> Result {
    let status = std::process::Command::new("xdotool").args(args).status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("xdotool {args:?} failed").into())
    }
}

/// Answers the native message dialog titled `title` from the keyboard, as a person would:
/// `Escape` cancels, `Return` confirms. With `screenshot`, the whole screen is saved first to
/// target/e2e-screens/NAME.png. Returns once the dialog is gone.
pub async fn answer_dialog(title: &str, key: &str, screenshot: Option<&str>) -> Result {
    let window = wait_for_window(title).await?;
    // The dialog maps, then GTK draws it and settles its focus.
    tokio::time::sleep(Duration::from_millis(800)).await;
    xdotool(&["windowfocus", "--sync", &window])?;
    if let Some(name) = screenshot {
        screenshot_screen(name)?;
    }
    xdotool(&["key", key])?;
    until(
        &format!("the dialog {title:?} to close on {key}"),
        PATIENCE,
        async || Ok(Look::when(windows_titled(title)?.is_empty())),
    )
    .await
}

/// Saves the whole X screen (native dialogs included) to target/e2e-screens/NAME.png.
pub fn screenshot_screen(name: &str) -> Result<PathBuf> {
    let dir = root().join("target/e2e-screens");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    let status = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status()
        .map_err(|e| format!("import (ImageMagick): {e}"))?;
    if !status.success() {
        return Err("import -window root failed".into());
    }
    Ok(path)
}

async fn type_into_file_dialog(title: &str, path: &Path, replace: bool) -> Result {
    let window = wait_for_window(title).await?;
    // The dialog maps, then GTK builds its contents; give it a moment before typing.
    tokio::time::sleep(Duration::from_millis(800)).await;
    xdotool(&["windowfocus", "--sync", &window])?;
    if !replace {
        // "/" opens the location field (and leaves the Recent view); typed alone first and
        // then selected, so a "/" GTK was not ready for is typed again with the path.
        xdotool(&["key", "slash"])?;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    xdotool(&["key", "ctrl+a"])?;
    xdotool(&["type", "--delay", "30", &path.display().to_string()])?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // GTK completes a folder's name inline (the completion selected after the typed text, a
    // folder's only subfolder included): Delete drops it, so Enter takes the path as typed.
    xdotool(&["key", "Delete"])?;
    xdotool(&["key", "Return"])?;
    Ok(())
}

/// Reads the X clipboard (None when it holds no text).
pub fn clipboard() -> Option<String> {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Waits until the X clipboard holds text that satisfies `check`.
pub async fn clipboard_until(what: &str, check: impl Fn(&str) -> bool) -> Result<String> {
    until(what, PATIENCE, async || {
        Ok(match clipboard() {
            Some(text) if check(&text) => Look::Done(text),
            other => Look::Not(format!("the clipboard holds {other:?}")),
        })
    })
    .await
}

/// Puts text or a PNG on the X clipboard (xclip keeps serving it in the background).
pub fn set_clipboard(content: ClipboardContent<'_>) {
    let mut command = std::process::Command::new("xclip");
    command
        .args(["-selection", "clipboard"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match content {
        ClipboardContent::Text(text) => {
            let mut child = command.stdin(Stdio::piped()).spawn().expect("xclip");
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write");
            let _ = child.wait();
        }
        ClipboardContent::Png(path) => {
            let status = command
                .args(["-t", "image/png", "-i"])
                .arg(path)
                .status()
                .expect("xclip");
            assert!(status.success());
        }
    }
}

pub enum ClipboardContent<'a> {
    Text(&'a str),
    Png(&'a Path),
}
