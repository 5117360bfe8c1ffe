//! `ninsho-cli`: Ninsho's engine and vault from a terminal, for people and for scripts.
//!
//! Exit codes: 0 success, 1 bad input or a failed operation (the message on stderr names the
//! problem), 2 usage, 3 the OS keychain cannot be used (missing, locked or refusing).

/// `println!` for text a person reads. Labels, file names and device names come from outside
/// (a QR code, a backup, a shared folder), so whatever would act on the terminal (an escape
/// sequence, a carriage return, a bidi override) is printed as a visible stand-in. JSON output
/// is serde's, which escapes control characters itself.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", ninsho_core::app::text::visible(&format!($($arg)*)))
    };
}

/// [`say!`] on stderr.
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", ninsho_core::app::text::visible(&format!($($arg)*)))
    };
}

mod args;
mod browser;
mod follow;
mod icons;
mod interop;
mod json;
mod lock;
mod scan;
mod sync;
mod tty_agent;
mod vault;

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use ninsho_core::app::codes;
use ninsho_core::app::read::read_bounded;
use ninsho_core::otp::{self, Account};
use ninsho_core::uri::{self, migration};
use ninsho_core::vault::{KeychainState, VaultError};
use zeroize::Zeroizing;

use crate::args::{
    BrowserCommand, Cli, Command, FollowCommand, IconsCommand, LockCommand, SyncCommand,
};

/// A failure: printed on stderr with its exit code.
pub struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    pub fn keychain(state: &KeychainState) -> Self {
        Failure {
            message: state.explanation(),
            code: 3,
        }
    }
}

impl From<VaultError> for Failure {
    fn from(e: VaultError) -> Self {
        match e.keychain_state() {
            Some(state) => Failure::keychain(state),
            None => Failure::input(e.to_string()),
        }
    }
}

impl From<otp::ParamError> for Failure {
    fn from(e: otp::ParamError) -> Self {
        Failure::input(e.to_string())
    }
}

/// Whether `command` may change the vault: then, on a computer that syncs, the change goes
/// into its sync file right away, as the app does it.
fn changes_vault(command: &Command) -> bool {
    match command {
        Command::Code { target, .. } => !looks_like_uri(target), // a HOTP code moves its counter
        Command::Add { .. }
        | Command::Rm { .. }
        | Command::Edit { .. }
        | Command::Pin { .. }
        | Command::Orphans { .. }
        | Command::Follow { .. } => true,
        Command::Icons { command } => matches!(command, IconsCommand::Use { .. }),
        Command::Recovery { set_file, .. } => set_file.is_some(),
        Command::Import { dry_run, .. } => !dry_run,
        _ => false,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    lock::set_password_file(cli.vault_password_file.clone());
    let changes_vault = changes_vault(&cli.command);
    let result = match cli.command {
        Command::Parse {
            uri,
            json,
            show_secret,
        } => parse(&uri, json, show_secret),
        Command::Code {
            target,
            at,
            next,
            json,
        } => {
            if looks_like_uri(&target) {
                code(&target, at, next, json)
            } else {
                vault::code(&target, at, next, json)
            }
        }
        Command::Scan {
            images,
            json,
            raw,
            show_secret,
        } => scan::run(&images, json, raw, show_secret),
        Command::Add {
            sources,
            yes,
            force,
            json,
            pin_file,
        } => vault::add(&sources, yes, force, json, pin_file.as_deref()),
        Command::List { json } => vault::list(json),
        Command::Show {
            query,
            json,
            show_secret,
        } => vault::show(&query, json, show_secret),
        Command::Rm { query, yes } => vault::remove(&query, yes),
        Command::Edit {
            query,
            issuer,
            name,
            group,
            domains,
            no_domains,
            icon,
            no_icon,
        } => vault::edit(
            &query,
            vault::Edit {
                issuer,
                name,
                group,
                domains,
                no_domains,
                icon: match (icon, no_icon) {
                    (Some(file), _) => Some(Some(file)),
                    (None, true) => Some(None),
                    (None, false) => None,
                },
            },
        ),
        Command::Pin { query, off } => vault::pin(&query, !off),
        Command::Recovery {
            query,
            set_file,
            json,
        } => vault::recovery(&query, set_file.as_deref(), json),
        Command::Import {
            file,
            format,
            password_file,
            dry_run,
            json,
            show_secret,
            yes,
            force,
        } => interop::import(interop::ImportArgs {
            file: &file,
            format: format.map(|f| f.0),
            password_file: password_file.as_deref(),
            dry_run,
            json,
            show_secret,
            yes,
            force,
        }),
        Command::Export {
            output,
            format,
            password_file,
            yes,
        } => interop::export(format.0, &output, password_file.as_deref(), yes),
        Command::Status { json } => vault::status(json),
        Command::Sync { command } => match command {
            SyncCommand::Setup {
                dir,
                passphrase_file,
                name,
                json,
            } => sync::start(
                &dir,
                false,
                passphrase_file.as_deref(),
                name.as_deref(),
                json,
            ),
            SyncCommand::Join {
                dir,
                passphrase_file,
                name,
                json,
            } => sync::start(
                &dir,
                true,
                passphrase_file.as_deref(),
                name.as_deref(),
                json,
            ),
            SyncCommand::Now { json } => sync::now(json),
            SyncCommand::Status { json } => sync::status(json),
            SyncCommand::Leave => sync::leave(),
            SyncCommand::Passphrase {
                passphrase_file,
                json,
            } => sync::change_passphrase(passphrase_file.as_deref(), json),
        },
        Command::Clock { server, json } => clock(&server, json),
        Command::Browser { command } => match command {
            BrowserCommand::Check {
                url,
                frame,
                code,
                json,
            } => browser::check(&url, frame.as_deref(), code, json),
            BrowserCommand::Install { browser, dir } => {
                browser::install(browser.as_deref(), dir.as_deref())
            }
        },
        Command::Follow { command } => match command {
            FollowCommand::Add {
                dir,
                password_file,
                json,
            } => follow::add(&dir, password_file.as_deref(), json),
            FollowCommand::List { json } => follow::list(json),
            FollowCommand::Now {
                dir,
                accept_empty,
                json,
            } => follow::now(dir.as_deref(), accept_empty, json),
            FollowCommand::Password {
                dir,
                password_file,
                json,
            } => follow::password(&dir, password_file.as_deref(), json),
            FollowCommand::Keep { query } => follow::keep(&query),
            FollowCommand::Remove { dir } => follow::remove(&dir),
        },
        Command::Icons { command } => match command {
            IconsCommand::Import { pack, json } => icons::import(&pack, json),
            IconsCommand::List { json } => icons::list(json),
            IconsCommand::Remove { pack } => icons::remove(&pack),
            IconsCommand::Suggest { query, json } => icons::suggest(&query, json),
            IconsCommand::Use { query, number } => icons::choose(&query, number),
        },
        Command::Lock { command } => match command {
            LockCommand::Status { json } => lock::status(json),
            LockCommand::Encrypt { password_file } => lock::encrypt(password_file.as_deref()),
            LockCommand::System => lock::system(),
            LockCommand::Off => lock::off(),
            LockCommand::Password { password_file } => lock::change(password_file.as_deref()),
            LockCommand::Recover {
                recovery_key_file,
                password_file,
            } => lock::recover(recovery_key_file.as_deref(), password_file.as_deref()),
        },
        Command::Orphans {
            restore,
            delete,
            yes,
            json,
        } => vault::orphans(&restore, delete.as_deref(), yes, json),
    };
    if changes_vault && result.is_ok() {
        sync::after_change();
    }
    match result {
        Ok(code) => code,
        Err(Failure { message, code }) => {
            say_err!("ninsho-cli: {message}");
            ExitCode::from(code)
        }
    }
}

/// The most a password, a URI or recovery codes read from standard input or a file may take.
const TEXT_LIMIT: u64 = 64 * 1024;

/// Reads at most 64 KiB from standard input.
pub fn read_stdin(what: &str) -> Result<Zeroizing<String>, Failure> {
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .take(TEXT_LIMIT + 1)
        .read_to_string(&mut text)
        .map_err(|e| Failure::input(format!("cannot read {what} from standard input: {e}")))?;
    if text.len() as u64 > TEXT_LIMIT {
        return Err(Failure::input(format!(
            "standard input holds more than {} KiB; {what} is at most {} bytes",
            TEXT_LIMIT / 1024,
            uri::MAX_URI_BYTES
        )));
    }
    Ok(text)
}

/// Reads a small text file (a password, recovery codes): at most 64 KiB of UTF-8.
pub fn read_text_file(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_bounded(path, TEXT_LIMIT).map_err(|e| Failure::input(e.to_string()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::input(format!("{} is not a text file", path.display())))?;
    Ok(Zeroizing::new(text.to_owned()))
}

fn looks_like_uri(target: &str) -> bool {
    target == "-" || target.contains("://")
}

fn read_uri(arg: &str) -> Result<Zeroizing<String>, Failure> {
    if arg == "-" {
        read_stdin("the URI")
    } else {
        Ok(Zeroizing::new(arg.to_owned()))
    }
}

fn parse_account(arg: &str) -> Result<Account, Failure> {
    let text = read_uri(arg)?;
    if migration::is_migration_uri(&text) {
        return Err(Failure::input(match migration::parse(&text) {
            Ok(part) => format!(
                "this is a Google Authenticator export holding {} account(s) (QR code {} of {}), \
                 not a single account; `ninsho-cli add` imports them and `ninsho-cli scan` lists them",
                part.accounts.len(),
                part.batch_index + 1,
                part.batch_size
            ),
            Err(e) => format!("this Google Authenticator export cannot be used: {e}"),
        }));
    }
    uri::parse(&text).map_err(|e| Failure::input(format!("invalid otpauth URI: {e}")))
}

fn parse(arg: &str, as_json: bool, show_secret: bool) -> Result<ExitCode, Failure> {
    let account = parse_account(arg)?;
    let view = json::AccountJson::new(&account, show_secret);
    if as_json {
        json::print(&view);
    } else {
        json::print_account_text(&view);
    }
    Ok(ExitCode::SUCCESS)
}

fn clock(server: &str, as_json: bool) -> Result<ExitCode, Failure> {
    let check = ninsho_core::clock::check(server, ninsho_core::clock::TIMEOUT)
        .map_err(|e| Failure::input(e.to_string()))?;
    if as_json {
        json::print(&check);
    } else {
        say!("{}", check.describe());
    }
    Ok(if check.wrong {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn code(arg: &str, at: Option<u64>, next: bool, as_json: bool) -> Result<ExitCode, Failure> {
    let account = parse_account(arg)?;
    let code = codes::code_of(&account, next, at.unwrap_or_else(otp::now))?;
    if as_json {
        json::print(&json::CodeJson::new(
            None,
            account.issuer.as_deref(),
            &account.name,
            &code,
        ));
    } else {
        say!("{}", code.value);
    }
    Ok(ExitCode::SUCCESS)
}
