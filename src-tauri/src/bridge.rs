//! The browser bridge's end in the app: the per-user socket (a named pipe on Windows) the
//! native host (`ninsho-host`) connects to, one request per connection, answered by core's `Bridge::handle`. The shell
//! only lends the vault and the person: native dialogs for a pairing and for an account's
//! first fill on a site, and a toast in the window after each fill.

use std::io::Write;
use std::time::Duration;

use ninsho_core::bridge::frame::{MAX_IN, MAX_OUT, read_message, write_message};
use ninsho_core::bridge::local::{self, Stream};
use ninsho_core::bridge::protocol::Envelope;
use ninsho_core::bridge::{Bridge, Pairings, Person, Request, Response};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

use crate::confirm::{self, Consent};
use crate::events::{self, AppEvent};
use crate::state::AppState;

/// A code went to a page: the window says which account, and where.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BrowserFilled {
    pub label: String,
    pub site: String,
}

struct Asked<'a, R: Runtime>(&'a AppHandle<R>);

impl<R: Runtime> Person for Asked<'_, R> {
    fn confirm_pairing(&self, browser: &str, code: &str) -> bool {
        confirm::ask(
            self.0,
            &Consent::PairBrowser {
                browser: browser.to_owned(),
                code: code.to_owned(),
            },
        )
        .is_ok()
    }

    fn confirm_fill(&self, account: &str, site: &str) -> bool {
        confirm::ask(
            self.0,
            &Consent::BrowserFill {
                label: account.to_owned(),
                site: site.to_owned(),
            },
        )
        .is_ok()
    }

    fn filled(&self, account: &str, site: &str) {
        events::emit(
            self.0,
            AppEvent::BrowserFilled,
            BrowserFilled {
                label: account.to_owned(),
                site: site.to_owned(),
            },
        );
    }

    fn unlock_requested(&self) {
        if let Some(w) = self.0.get_webview_window(crate::window::MAIN) {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
    }
}

/// Listens for the host, on a thread of its own, for as long as the app runs. Without a
/// private runtime folder, or with another Ninsho already listening, the bridge stays off.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(pairings) = Pairings::open(&state.dir) else {
        return;
    };
    let Ok(listener) = local::listen() else {
        return;
    };
    app.manage(Bridge::new(pairings));
    let app = app.clone();
    std::thread::spawn(move || {
        while let Ok(stream) = listener.accept() {
            let app = app.clone();
            // One thread per connection: a request waiting for the person (a dialog) does
            // not keep the next one, whose dialog then waits its turn in `confirm::ask`.
            std::thread::spawn(move || serve(&app, stream));
        }
    });
}

fn serve<R: Runtime>(app: &AppHandle<R>, mut stream: Stream) {
    if !stream.peer_is_this_user() {
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let answer = match read_message(&mut stream, MAX_IN + 1024) {
        Ok(Some(bytes)) => answer(app, &bytes),
        _ => return,
    };
    let bytes = serde_json::to_vec(&answer).unwrap_or_default();
    let _ = write_message(&mut stream, &bytes, MAX_OUT);
    let _ = stream.flush();
}

fn answer<R: Runtime>(app: &AppHandle<R>, bytes: &[u8]) -> Response {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(bytes) else {
        return Response::Error {
            message: "the request could not be read".into(),
        };
    };
    let Ok(request) = serde_json::from_value::<Request>(envelope.request) else {
        return Response::Error {
            message: "the request is not one Ninsho knows".into(),
        };
    };
    let state = app.state::<AppState>();
    let bridge = app.state::<Bridge>();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    bridge.handle(&envelope.origin, request, &*state, &Asked(app), now_ms)
}
