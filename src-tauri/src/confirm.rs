//! Reveals need the person, not just the webview: before a secret leaves Rust (a transfer QR
//! code, recovery codes, Google export QR codes on screen, an unencrypted export), a native
//! dialog raised here asks, naming what would be shown. A script in the page that calls those
//! commands gets nothing until a person clicks; on cancel the command answers
//! [`ErrorCode::RevealDeclined`].
//!
//! The dialog's words live here, in English and Japanese, chosen from the settings' language
//! (`System` → the locale of the environment, see [`AppState::lang`]).

use std::sync::atomic::{AtomicBool, Ordering};

use ninsho_core::app::settings::Lang;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// What a person is asked to let Ninsho show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reveal {
    /// One account's otpauth QR code, for a phone.
    TransferQr { label: String },
    /// One account's recovery codes.
    RecoveryCodes { label: String },
    /// Google Authenticator export QR codes holding `accounts` accounts, on screen.
    GoogleQr { accounts: usize },
    /// An export file anyone can read, holding `accounts` accounts.
    PlainExport { accounts: usize },
}

/// The longest account label a dialog shows (a label comes from a QR code: anything).
const MAX_LABEL_CHARS: usize = 80;

/// An account label as a dialog may show it: no control characters (GTK takes C strings, a
/// NUL would end them), bounded in length.
fn shown(label: &str) -> String {
    let clean: String = label
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.chars().count() > MAX_LABEL_CHARS {
        let cut: String = clean.chars().take(MAX_LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        clean.to_owned()
    }
}

/// A dialog's words: its title (GTK shows it as the window title and the bold line), the
/// warning, and the two buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub message: String,
    pub confirm: String,
    pub cancel: String,
}

pub fn texts(reveal: &Reveal, lang: Lang) -> Texts {
    let cancel = match lang {
        Lang::En => "Cancel",
        Lang::Ja => "キャンセル",
    };
    let (title, message, confirm) = match (reveal, lang) {
        (Reveal::TransferQr { label }, Lang::En) => (
            format!("Show the QR code of {}?", shown(label)),
            "Anyone who sees this QR code can generate your login codes. Show it only to scan it \
             with your own phone, where nobody can look or take a picture."
                .to_owned(),
            "Show the QR code",
        ),
        (Reveal::TransferQr { label }, Lang::Ja) => (
            format!("{} の QR コードを表示しますか？", shown(label)),
            "この QR コードを見た人は誰でもあなたのログインコードを作れます。誰にも見られず撮影もされない\
             場所で、自分のスマートフォンで読み取るときだけ表示してください。"
                .to_owned(),
            "QR コードを表示",
        ),
        (Reveal::RecoveryCodes { label }, Lang::En) => (
            format!("Show the recovery codes of {}?", shown(label)),
            "Anyone who reads these codes can sign in to this account without your login codes. \
             Show them only where nobody can look."
                .to_owned(),
            "Show the codes",
        ),
        (Reveal::RecoveryCodes { label }, Lang::Ja) => (
            format!("{} のリカバリーコードを表示しますか？", shown(label)),
            "このコードを読んだ人は、ログインコードなしでこのアカウントにサインインできます。\
             誰にも見られない場所でだけ表示してください。"
                .to_owned(),
            "コードを表示",
        ),
        (Reveal::GoogleQr { accounts }, Lang::En) => (
            format!("Show QR codes holding {accounts} account(s)?"),
            "These QR codes hold your secret keys: anyone who sees or photographs them can \
             produce your login codes. Show them only to your own phone."
                .to_owned(),
            "Show QR codes",
        ),
        (Reveal::GoogleQr { accounts }, Lang::Ja) => (
            format!("{accounts} 件のアカウントを含む QR コードを表示しますか？"),
            "この QR コードには秘密鍵が含まれます。見たり撮影したりした人は誰でもログインコードを作れます。\
             自分のスマートフォンにだけ見せてください。"
                .to_owned(),
            "QR コードを表示",
        ),
        (Reveal::PlainExport { accounts }, Lang::En) => (
            format!("Export {accounts} account(s) unencrypted?"),
            "The file will hold your secret keys unencrypted: anyone who gets it can produce your \
             login codes. Keep it offline and delete it when you are done."
                .to_owned(),
            "Export",
        ),
        (Reveal::PlainExport { accounts }, Lang::Ja) => (
            format!("{accounts} 件のアカウントを暗号化せずに書き出しますか？"),
            "このファイルには秘密鍵が暗号化されずに含まれます。手に入れた人は誰でもログインコードを作れます。\
             オフラインで保管し、用が済んだら削除してください。"
                .to_owned(),
            "書き出す",
        ),
    };
    Texts {
        title,
        message,
        confirm: confirm.to_owned(),
        cancel: cancel.to_owned(),
    }
}

fn declined() -> AppError {
    AppError::new(ErrorCode::RevealDeclined, "Nothing was shown.")
}

/// Clears the one-dialog-at-a-time flag when the dialog is answered (or the thread unwinds).
struct Asking<'a>(&'a AtomicBool);

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Asks the person, in a native dialog, whether `reveal` may be shown; `Ok` only when they
/// confirmed. One dialog at a time: a request while one is open is declined at once (a page
/// cannot pile dialogs up). Blocks: call it from an async command, never the main thread.
pub fn ask<R: Runtime>(app: &AppHandle<R>, reveal: &Reveal) -> Result<(), AppError> {
    let state = app.state::<AppState>();
    if state.revealing.swap(true, Ordering::SeqCst) {
        return Err(declined());
    }
    let _asking = Asking(&state.revealing);
    let lang = state.lang();
    let Texts {
        title,
        message,
        confirm,
        cancel,
    } = texts(reveal, lang);
    let confirmed = app
        .dialog()
        .message(message)
        .title(title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(confirm, cancel))
        .blocking_show();
    if confirmed { Ok(()) } else { Err(declined()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialog_names_what_it_shows_in_both_languages() {
        let reveals = [
            Reveal::TransferQr {
                label: "GitHub (mika)".into(),
            },
            Reveal::RecoveryCodes {
                label: "GitHub (mika)".into(),
            },
            Reveal::GoogleQr { accounts: 12 },
            Reveal::PlainExport { accounts: 12 },
        ];
        for reveal in &reveals {
            let named = match reveal {
                Reveal::TransferQr { .. } | Reveal::RecoveryCodes { .. } => "GitHub (mika)",
                Reveal::GoogleQr { .. } | Reveal::PlainExport { .. } => "12",
            };
            let en = texts(reveal, Lang::En);
            let ja = texts(reveal, Lang::Ja);
            for t in [&en, &ja] {
                assert!(t.title.contains(named), "{t:?}");
                assert!(!t.message.is_empty() && !t.confirm.is_empty());
                assert_ne!(t.confirm, t.cancel);
            }
            assert_ne!(en.title, ja.title);
            assert_ne!(en.message, ja.message);
            assert!(en.title.is_ascii(), "{en:?}");
            assert!(!ja.message.is_ascii(), "{ja:?}");
        }
    }

    #[test]
    fn labels_are_shown_without_control_characters_and_bounded() {
        let t = texts(
            &Reveal::TransferQr {
                label: "Evil\0Corp\n(mika)".into(),
            },
            Lang::En,
        );
        assert_eq!(t.title, "Show the QR code of Evil Corp (mika)?");
        let long = "x".repeat(500);
        let t = texts(&Reveal::RecoveryCodes { label: long }, Lang::En);
        assert!(t.title.chars().count() < 120, "{}", t.title);
        assert!(t.title.contains('…'));
    }
}
