//! Reveals and losses need the person, not just the webview: before a secret leaves Rust (a
//! transfer QR code, recovery codes, Google export QR codes on screen, an unencrypted export),
//! before anything is deleted (an account, and with it on every computer of a sync folder; an
//! orphaned keychain item; all of an account's recovery codes) and before Ninsho asks another
//! time server than the default, a native dialog raised here asks, naming what would happen.
//! A script in the page that calls those commands gets nothing until a person clicks; on
//! cancel the command answers [`ErrorCode::RevealDeclined`], and the next dialog waits until a
//! few seconds have passed since the cancel (a page cannot wear a person down with dialogs;
//! a person who changes their mind still gets one).
//!
//! The dialog's words live here, in English and Japanese, chosen from the settings' language
//! (`System` → the locale of the environment, see [`AppState::lang`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ninsho_core::app::settings::Lang;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// What a person is asked to let Ninsho show or do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// Deleting an account (its secret, here and on every computer it syncs with).
    DeleteAccount { label: String },
    /// Deleting a keychain item no account lists.
    DeleteOrphan { label: String },
    /// Removing every recovery code of an account.
    ClearRecoveryCodes { label: String },
    /// Asking another time server than the default for the time.
    ClockServer { server: String },
    /// A new passphrase for the sync folder: every other computer must join again.
    NewSyncPassphrase { folder: String },
    /// One account's otpauth QR code, for a phone.
    TransferQr { label: String },
    /// One account's recovery codes.
    RecoveryCodes { label: String },
    /// Google Authenticator export QR codes holding `accounts` accounts, on screen.
    GoogleQr { accounts: usize },
    /// An export file anyone can read, holding `accounts` accounts.
    PlainExport { accounts: usize },
    /// Pairing a browser's extension: from then on it may ask for codes (for bound sites only).
    PairBrowser { browser: String, code: String },
    /// The first time an account's code goes to a site through the browser.
    BrowserFill { label: String, site: String },
    /// Turning the encrypted mode off: the secrets go back into the keychain unencrypted.
    LockOff,
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

pub fn texts(reveal: &Consent, lang: Lang) -> Texts {
    let cancel = match lang {
        Lang::En => "Cancel",
        Lang::Ja => "キャンセル",
    };
    let (title, message, confirm) = match (reveal, lang) {
        (Consent::DeleteAccount { label }, Lang::En) => (
            format!("Delete {}?", shown(label)),
            "Its secret is deleted from the keyring here, and from every computer this one \
             syncs with. Before you delete it, turn two-factor login off at the site, or make \
             sure you have another way in (recovery codes)."
                .to_owned(),
            "Delete",
        ),
        (Consent::DeleteAccount { label }, Lang::Ja) => (
            format!("{} を削除しますか？", shown(label)),
            "秘密鍵はこのコンピューターのキーリングと、同期しているすべてのコンピューターから削除されます。\
             削除する前に、サイトで二段階認証を無効にするか、別のログイン手段（リカバリーコード）が\
             あることを確認してください。"
                .to_owned(),
            "削除",
        ),
        (Consent::DeleteOrphan { label }, Lang::En) => (
            format!("Delete the keychain item of {}?", shown(label)),
            "No account lists it: it is the last copy of this secret. Once deleted, it cannot be \
             restored."
                .to_owned(),
            "Delete",
        ),
        (Consent::DeleteOrphan { label }, Lang::Ja) => (
            format!("{} のキーチェーン項目を削除しますか？", shown(label)),
            "どのアカウントにも載っていない、この秘密鍵の最後のコピーです。削除すると元に戻せません。"
                .to_owned(),
            "削除",
        ),
        (Consent::ClearRecoveryCodes { label }, Lang::En) => (
            format!("Remove every recovery code of {}?", shown(label)),
            "They are removed from this computer, and from every computer this one syncs with."
                .to_owned(),
            "Remove",
        ),
        (Consent::ClearRecoveryCodes { label }, Lang::Ja) => (
            format!("{} のリカバリーコードをすべて削除しますか？", shown(label)),
            "このコンピューターと、同期しているすべてのコンピューターから削除されます。".to_owned(),
            "削除",
        ),
        (Consent::NewSyncPassphrase { folder }, Lang::En) => (
            format!("Give {} a new passphrase?", shown(folder)),
            "The folder gets a new key. Every other computer stops syncing until it leaves and \
             joins again with the new passphrase; one you do not tell it to can no longer read \
             or write what the folder holds."
                .to_owned(),
            "Change the passphrase",
        ),
        (Consent::NewSyncPassphrase { folder }, Lang::Ja) => (
            format!("{} に新しいパスフレーズを設定しますか？", shown(folder)),
            "フォルダの鍵が新しくなります。ほかのコンピューターは、同期をやめて新しいパスフレーズで\
             参加し直すまで同期しません。伝えなかったコンピューターは、フォルダの内容を読むことも\
             書くこともできなくなります。"
                .to_owned(),
            "パスフレーズを変更",
        ),
        (Consent::ClockServer { server }, Lang::En) => (
            format!("Ask {} for the time?", shown(server)),
            "Ninsho will send that server a time request when you check the clock, and once a \
             week if you turned that on. Use only a server you trust."
                .to_owned(),
            "Use this server",
        ),
        (Consent::ClockServer { server }, Lang::Ja) => (
            format!("{} に時刻を問い合わせますか？", shown(server)),
            "時刻を確かめるとき（オンにしていれば週に一度も）、このサーバーに問い合わせます。\
             信頼できるサーバーだけを使ってください。"
                .to_owned(),
            "このサーバーを使う",
        ),
        (Consent::TransferQr { label }, Lang::En) => (
            format!("Show the QR code of {}?", shown(label)),
            "Anyone who sees this QR code can generate your login codes. Show it only to scan it \
             with your own phone, where nobody can look or take a picture."
                .to_owned(),
            "Show the QR code",
        ),
        (Consent::TransferQr { label }, Lang::Ja) => (
            format!("{} の QR コードを表示しますか？", shown(label)),
            "この QR コードを見た人は誰でもあなたのログインコードを作れます。誰にも見られず撮影もされない\
             場所で、自分のスマートフォンで読み取るときだけ表示してください。"
                .to_owned(),
            "QR コードを表示",
        ),
        (Consent::RecoveryCodes { label }, Lang::En) => (
            format!("Show the recovery codes of {}?", shown(label)),
            "Anyone who reads these codes can sign in to this account without your login codes. \
             Show them only where nobody can look."
                .to_owned(),
            "Show the codes",
        ),
        (Consent::RecoveryCodes { label }, Lang::Ja) => (
            format!("{} のリカバリーコードを表示しますか？", shown(label)),
            "このコードを読んだ人は、ログインコードなしでこのアカウントにサインインできます。\
             誰にも見られない場所でだけ表示してください。"
                .to_owned(),
            "コードを表示",
        ),
        (Consent::GoogleQr { accounts }, Lang::En) => (
            format!("Show QR codes holding {accounts} account(s)?"),
            "These QR codes hold your secret keys: anyone who sees or photographs them can \
             produce your login codes. Show them only to your own phone."
                .to_owned(),
            "Show QR codes",
        ),
        (Consent::GoogleQr { accounts }, Lang::Ja) => (
            format!("{accounts} 件のアカウントを含む QR コードを表示しますか？"),
            "この QR コードには秘密鍵が含まれます。見たり撮影したりした人は誰でもログインコードを作れます。\
             自分のスマートフォンにだけ見せてください。"
                .to_owned(),
            "QR コードを表示",
        ),
        (Consent::PlainExport { accounts }, Lang::En) => (
            format!("Export {accounts} account(s) unencrypted?"),
            "The file will hold your secret keys unencrypted: anyone who gets it can produce your \
             login codes. Keep it offline and delete it when you are done."
                .to_owned(),
            "Export",
        ),
        (Consent::PlainExport { accounts }, Lang::Ja) => (
            format!("{accounts} 件のアカウントを暗号化せずに書き出しますか？"),
            "このファイルには秘密鍵が暗号化されずに含まれます。手に入れた人は誰でもログインコードを作れます。\
             オフラインで保管し、用が済んだら削除してください。"
                .to_owned(),
            "書き出す",
        ),
        (Consent::LockOff, Lang::En) => (
            "Stop encrypting the secrets?".to_owned(),
            "Every secret is written into your keychain unencrypted again: any program running \
             as you can then read them, and Ninsho no longer asks for the password."
                .to_owned(),
            "Stop encrypting",
        ),
        (Consent::LockOff, Lang::Ja) => (
            "秘密鍵の暗号化をやめますか？".to_owned(),
            "すべての秘密鍵が暗号化されずにキーチェーンへ書き戻されます。あなたとして動く\
             どのプログラムも読めるようになり、Ninsho はパスワードを求めなくなります。"
                .to_owned(),
            "暗号化をやめる",
        ),
        (Consent::PairBrowser { browser, code }, Lang::En) => (
            format!("Pair Ninsho's extension in {}?", shown(browser)),
            format!(
                "Pair only if you just asked for it in the browser and it shows the code {}. \
                 Once paired, the extension may ask for an account's code on the sites the \
                 account is bound to, and only there.",
                shown(code)
            ),
            "Pair",
        ),
        (Consent::PairBrowser { browser, code }, Lang::Ja) => (
            format!("{} の Ninsho 拡張機能とペアリングしますか？", shown(browser)),
            format!(
                "ブラウザーでペアリングを求めたばかりで、コード {} が表示されている場合だけペアリングしてください。\
                 ペアリング後、拡張機能はアカウントに結び付けたサイトでだけ、そのコードを求められます。",
                shown(code)
            ),
            "ペアリング",
        ),
        (Consent::BrowserFill { label, site }, Lang::En) => (
            format!("Fill the code of {} on {}?", shown(label), shown(site)),
            "This is the first time the browser asks for this account's code on this site. \
             Ninsho will fill it there from now on without asking."
                .to_owned(),
            "Fill",
        ),
        (Consent::BrowserFill { label, site }, Lang::Ja) => (
            format!("{} のコードを {} に入力しますか？", shown(label), shown(site)),
            "このサイトでこのアカウントのコードが求められたのは初めてです。\
             今後はこのサイトでは確認せずに入力します。"
                .to_owned(),
            "入力",
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
    AppError::new(ErrorCode::RevealDeclined, "Nothing was done.")
}

/// How long after a cancel the next dialog waits.
const COOLDOWN: Duration = Duration::from_secs(3);

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
pub fn ask<R: Runtime>(app: &AppHandle<R>, reveal: &Consent) -> Result<(), AppError> {
    let state = app.state::<AppState>();
    let declined_at = *state.declined_at.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(wait) = declined_at.and_then(|t| COOLDOWN.checked_sub(t.elapsed())) {
        std::thread::sleep(wait);
    }
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
    if confirmed {
        Ok(())
    } else {
        *state.declined_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        Err(declined())
    }
}

/// Shows the recovery key once, in a native dialog (it never reaches the webview). Blocks
/// until the person closes it.
pub fn show_recovery_key<R: Runtime>(app: &AppHandle<R>, key: &str) {
    let lang = app.state::<AppState>().lang();
    let (title, message) = match lang {
        Lang::En => (
            "Your recovery key",
            format!(
                "{key}\n\nWrite it down or print it, and keep it apart from this computer. It is \
                 shown this once. If you forget the password, it sets a new one (Forgot the \
                 password? on the lock screen). Without the password or this key, nobody can read \
                 the secrets, Ninsho included."
            ),
        ),
        Lang::Ja => (
            "回復キー",
            format!(
                "{key}\n\n書き留めるか印刷して、このコンピューターとは別の場所に保管してください。\
                 表示はこの一度だけです。パスワードを忘れたときは、このキーで新しいパスワードを\
                 設定できます（ロック画面の「パスワードを忘れた場合」）。パスワードもこのキーも\
                 なければ、Ninsho を含め誰も秘密鍵を読めません。"
            ),
        ),
    };
    let _ = app
        .dialog()
        .message(message)
        .title(title)
        .kind(MessageDialogKind::Info)
        .buttons(MessageDialogButtons::Ok)
        .blocking_show();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialog_names_what_it_shows_in_both_languages() {
        let reveals = [
            Consent::TransferQr {
                label: "GitHub (mika)".into(),
            },
            Consent::RecoveryCodes {
                label: "GitHub (mika)".into(),
            },
            Consent::GoogleQr { accounts: 12 },
            Consent::PlainExport { accounts: 12 },
            Consent::DeleteAccount {
                label: "GitHub (mika)".into(),
            },
            Consent::DeleteOrphan {
                label: "GitHub (mika)".into(),
            },
            Consent::ClearRecoveryCodes {
                label: "GitHub (mika)".into(),
            },
            Consent::ClockServer {
                server: "time.example.org".into(),
            },
            Consent::NewSyncPassphrase {
                folder: "/home/mika/Sync".into(),
            },
            Consent::PairBrowser {
                browser: "Chromium".into(),
                code: "482915".into(),
            },
            Consent::LockOff,
            Consent::BrowserFill {
                label: "GitHub (mika)".into(),
                site: "github.com".into(),
            },
        ];
        for reveal in &reveals {
            let named = match reveal {
                Consent::TransferQr { label }
                | Consent::RecoveryCodes { label }
                | Consent::DeleteAccount { label }
                | Consent::DeleteOrphan { label }
                | Consent::ClearRecoveryCodes { label } => label.as_str(),
                Consent::GoogleQr { .. } | Consent::PlainExport { .. } => "12",
                Consent::ClockServer { server } => server.as_str(),
                Consent::NewSyncPassphrase { folder } => folder.as_str(),
                Consent::PairBrowser { browser, .. } => browser.as_str(),
                Consent::BrowserFill { site, .. } => site.as_str(),
                Consent::LockOff => "",
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
            &Consent::TransferQr {
                label: "Evil\0Corp\n(mika)".into(),
            },
            Lang::En,
        );
        assert_eq!(t.title, "Show the QR code of Evil Corp (mika)?");
        let long = "x".repeat(500);
        let t = texts(&Consent::RecoveryCodes { label: long }, Lang::En);
        assert!(t.title.chars().count() < 120, "{}", t.title);
        assert!(t.title.contains('…'));
    }
}
