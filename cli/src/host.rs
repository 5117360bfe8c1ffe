//! `ninsho-host`: the native messaging host the browser starts for Ninsho's extension. It
//! decides nothing: it passes each request on to the running app over the user's private
//! socket (starting the app, hidden, when it is not running) with the extension's origin as
//! the *browser* gave it on the command line, and passes the answer back. Both directions are
//! bounded (see `ninsho_core::bridge::frame`); nothing is logged (a code is an answer).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ninsho_core::bridge::frame::{MAX_IN, MAX_OUT, read_message, write_message};
use ninsho_core::bridge::local::{self, Stream};
use ninsho_core::bridge::protocol::Envelope;
use serde_json::{Value, json};

/// How long a request may wait for the app: a pairing or a first fill waits for the person.
const ANSWER_WAIT: Duration = Duration::from_secs(120);
/// How long a started app may take to listen.
const START_WAIT: Duration = Duration::from_secs(15);

/// The extension, as the browser names it: Chromium passes its origin
/// (`chrome-extension://<id>/`) first; Firefox passes the host manifest's path, then the
/// add-on's id.
fn origin(args: &[String]) -> Option<String> {
    match args {
        [first, ..] if first.starts_with("chrome-extension://") => Some(first.clone()),
        [_, id, ..] if !id.is_empty() && !id.starts_with('-') => {
            Some(format!("moz-extension:{id}"))
        }
        _ => None,
    }
}

fn answer(out: &mut impl Write, value: &Value) -> bool {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    write_message(out, &bytes, MAX_OUT).is_ok()
}

fn error(message: &str) -> Value {
    json!({ "type": "error", "message": message })
}

/// The app's binary: `ninsho` beside this one (a package installs both in one folder), else
/// on the PATH.
fn app_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|me| {
            Some(
                me.parent()?
                    .join(format!("ninsho{}", std::env::consts::EXE_SUFFIX)),
            )
        })
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("ninsho"))
}

/// A connection to the running app, starting it hidden when nothing answers.
fn connect() -> Result<Stream, Value> {
    if let Err(e) = local::reachable_here() {
        return Err(json!({ "type": "app_not_running", "message": e.to_string() }));
    }
    if let Ok(s) = local::connect() {
        return Ok(s);
    }
    let started = std::process::Command::new(app_binary())
        .arg("--hidden")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        return Err(
            json!({ "type": "app_not_running", "message": "Ninsho is not running and could not be started" }),
        );
    }
    let since = Instant::now();
    let mut last = None;
    while since.elapsed() < START_WAIT {
        std::thread::sleep(Duration::from_millis(100));
        match local::connect() {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    let why = last.map_or_else(String::new, |e| format!(" ({e})"));
    Err(
        json!({ "type": "app_not_running", "message": format!("Ninsho was started but does not answer{why}") }),
    )
}

/// One request passed on and answered.
fn relay(origin: &str, request: Value) -> Value {
    let mut stream = match connect() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let _ = stream.set_read_timeout(Some(ANSWER_WAIT));
    let envelope = Envelope {
        origin: origin.to_owned(),
        request,
    };
    let bytes = serde_json::to_vec(&envelope).unwrap_or_default();
    if write_message(&mut stream, &bytes, MAX_IN + 1024).is_err() {
        return error("Ninsho closed the connection");
    }
    match read_message(&mut stream, MAX_OUT) {
        Ok(Some(answer)) => serde_json::from_slice(&answer)
            .unwrap_or_else(|_| error("Ninsho's answer could not be read")),
        Ok(None) => error("Ninsho closed the connection"),
        Err(e) => error(&e.to_string()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let (mut input, mut out) = (stdin.lock(), stdout.lock());
    let Some(origin) = origin(&args) else {
        answer(
            &mut out,
            &error("ninsho-host is started by a browser for Ninsho's extension"),
        );
        return ExitCode::from(2);
    };
    loop {
        let message = match read_message(&mut input, MAX_IN) {
            Ok(Some(m)) => m,
            Ok(None) => return ExitCode::SUCCESS,
            // After a bad frame the stream cannot be read on: say so, and stop.
            Err(e) => {
                answer(&mut out, &error(&e.to_string()));
                return ExitCode::from(1);
            }
        };
        let reply = match serde_json::from_slice::<Value>(&message) {
            Ok(request @ Value::Object(_)) => relay(&origin, request),
            _ => error("the request is not a JSON object"),
        };
        if !answer(&mut out, &reply) {
            return ExitCode::from(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_what_the_browser_passed() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            origin(&s(&["chrome-extension://abc/", "--parent-window=0"])).as_deref(),
            Some("chrome-extension://abc/")
        );
        assert_eq!(
            origin(&s(&[
                "/usr/lib/mozilla/native-messaging-hosts/io.ninsho.host.json",
                "fill@ninsho.io"
            ]))
            .as_deref(),
            Some("moz-extension:fill@ninsho.io")
        );
        assert_eq!(origin(&s(&[])), None);
        assert_eq!(origin(&s(&["--help"])), None);
    }
}
