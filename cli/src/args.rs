//! The command line `ninsho-cli` takes: every subcommand, its arguments and their help, as
//! clap reads them. What each does is in main.rs and the modules it calls.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use ninsho_core::app::export::ExportFormat;

use crate::interop;

#[derive(Parser)]
#[command(
    name = "ninsho-cli",
    version,
    about = "Ninsho authenticator from the command line",
    after_help = "Exit codes: 0 success, 1 bad input or failed operation, 2 usage, 3 keychain unusable.\n\
                  The vault lives in the platform data folder; NINSHO_DATA_DIR overrides it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When the vault is encrypted with a password (`ninsho-cli lock encrypt`): read that
    /// password from the first line of this file instead of asking on the terminal.
    #[arg(long, global = true, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Parse an otpauth:// URI and print the account it describes.
    ///
    /// Pass `-` to read the URI from standard input, which keeps the secret out of the
    /// process list.
    Parse {
        /// The otpauth:// or steam:// URI, or - for standard input.
        uri: String,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Include the secret (base32) in the output.
        #[arg(long)]
        show_secret: bool,
    },
    /// Print a code: of an account in the vault (by issuer, name or id), or of an otpauth:// URI.
    ///
    /// For a HOTP account of the vault this shows the next code and advances its counter.
    Code {
        /// An account (issuer, name or id), an otpauth:// URI, or - to read a URI from standard input.
        target: String,
        /// Unix time (seconds) to compute the code for; default now. Ignored for HOTP.
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
        /// Print the code that follows (next period; for a URI's HOTP, counter + 1).
        #[arg(long)]
        next: bool,
        /// Print a JSON object with the code and its validity.
        #[arg(long)]
        json: bool,
    },
    /// Find QR codes in image files (PNG, JPEG, WebP, BMP, GIF) and say what they hold.
    Scan {
        /// Image files.
        #[arg(required = true, value_name = "IMAGE")]
        images: Vec<PathBuf>,
        /// Print a JSON array, one object per file.
        #[arg(long, conflicts_with = "raw")]
        json: bool,
        /// Print every decoded payload's exact text, one per line (secrets included).
        #[arg(long)]
        raw: bool,
        /// With --json: include secrets and the payload texts.
        #[arg(long, requires = "json")]
        show_secret: bool,
    },
    /// Add accounts from otpauth:// (and motp://) URIs, Google Authenticator export URIs, or
    /// QR images.
    Add {
        /// URIs and image files; every account found is added.
        #[arg(required = true, value_name = "URI|IMAGE")]
        sources: Vec<String>,
        /// Add without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Add accounts even when they duplicate one in the vault.
        #[arg(long)]
        force: bool,
        /// Print a JSON report.
        #[arg(long)]
        json: bool,
        /// The PIN of mOTP and Yandex accounts whose URI holds none, from the first line of
        /// this file (without it, asked for on a terminal).
        #[arg(long, value_name = "FILE")]
        pin_file: Option<PathBuf>,
    },
    /// List the accounts of the vault.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one account's details.
    Show {
        /// Issuer, name or id.
        query: String,
        #[arg(long)]
        json: bool,
        /// Include the secret (base32) and the otpauth:// URI.
        #[arg(long)]
        show_secret: bool,
    },
    /// Delete an account (its secret is removed from the keychain).
    Rm {
        /// Issuer, name or id.
        query: String,
        /// Delete without asking.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Change an account's issuer, name, group, sites or icon.
    Edit {
        /// Issuer, name or id.
        query: String,
        /// New issuer ("" removes it).
        #[arg(long)]
        issuer: Option<String>,
        /// New account name.
        #[arg(long)]
        name: Option<String>,
        /// New group ("" removes it).
        #[arg(long)]
        group: Option<String>,
        /// Bind the account to a site (github.com: its every page) or to one exact host
        /// (login.bank.co.uk): the browser bridge fills its code there and nowhere else.
        /// Repeat for several.
        #[arg(long = "domain", value_name = "SITE")]
        domains: Vec<String>,
        /// Unbind a site or host. Repeat for several.
        #[arg(long = "no-domain", value_name = "SITE")]
        no_domains: Vec<String>,
        /// Give the account its own icon: a PNG, JPEG or SVG file (at most 1 MB; an SVG may
        /// not hold scripts or load anything). It is drawn as a 64-pixel PNG and synced.
        #[arg(long, value_name = "FILE", conflicts_with = "no_icon")]
        icon: Option<PathBuf>,
        /// Take the account's own icon away (the issuer's logo or its letter shows again).
        #[arg(long)]
        no_icon: bool,
    },
    /// Pin an account to the top of the list (or unpin it).
    Pin {
        /// Issuer, name or id.
        query: String,
        /// Unpin instead.
        #[arg(long)]
        off: bool,
    },
    /// Show an account's recovery (backup) codes, or replace them.
    Recovery {
        /// Issuer, name or id.
        query: String,
        /// Replace the codes with the lines of this file (- for standard input).
        #[arg(long, value_name = "FILE")]
        set_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Import a backup written by another authenticator (see --format for the apps).
    ///
    /// The format is recognized from the content; --format names it when a file is ambiguous.
    /// Encrypted backups ask for their password on the terminal, or read it from --password-file.
    Import {
        /// The backup file.
        file: PathBuf,
        /// The app that wrote the file, when its content alone does not tell.
        #[arg(long)]
        format: Option<interop::ImportFormat>,
        /// Read the backup's password from the first line of this file.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Show what would be imported; add nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print a JSON report.
        #[arg(long)]
        json: bool,
        /// With --json: include the secrets.
        #[arg(long, requires = "json")]
        show_secret: bool,
        /// Add without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Add accounts even when they duplicate one in the vault.
        #[arg(long)]
        force: bool,
    },
    /// Export every account: an encrypted Aegis vault (the default), or an open, unencrypted
    /// format after a warning.
    Export {
        /// Where to write. For google-qr, a folder or a name that numbered PNG files derive from.
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
        /// What to write.
        #[arg(long, default_value_t = interop::OutputFormat(ExportFormat::Aegis))]
        format: interop::OutputFormat,
        /// Read the export password from the first line of this file (encrypted formats only).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Write an unencrypted export without asking.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Accounts found in the keychain but not in the list (after an older vault.json was
    /// restored, say): list them, put them back, or delete them.
    Orphans {
        /// Put these back in the list (ids or id prefixes as listed, or `all`).
        #[arg(long, value_name = "ID", num_args = 1.., conflicts_with = "delete")]
        restore: Vec<String>,
        /// Delete this one's keychain item for good.
        #[arg(long, value_name = "ID")]
        delete: Option<String>,
        /// Delete without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Follow a folder another authenticator backs up into (Aegis's automatic backups,
    /// synced from a phone): its newest backup's accounts are added and kept up to date.
    Follow {
        #[command(subcommand)]
        command: FollowCommand,
    },
    /// Keep the same accounts on every computer through a folder your sync engine shares
    /// (Syncthing, Nextcloud, Dropbox, a network share). Each computer writes one encrypted
    /// file there; no server of ours is involved.
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
    },
    /// Check this computer's clock against a time server (one SNTP request; the only network
    /// access Ninsho makes). A clock more than 15 s off makes sites refuse codes.
    ///
    /// Exit code 0 when the clock is right, 1 when it is off (what to do is printed) or the
    /// server cannot be reached.
    Clock {
        /// The time server (host or address, optionally :port).
        #[arg(long, default_value = ninsho_core::clock::DEFAULT_SERVER)]
        server: String,
        #[arg(long)]
        json: bool,
    },
    /// The browser bridge: which account's code a page would get, and why a page gets none.
    Browser {
        #[command(subcommand)]
        command: BrowserCommand,
    },
    /// Where the vault is, how many accounts it holds, and whether the keychain can be used.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Encrypt every secret with a password, or see, change or turn off that lock.
    Lock {
        #[command(subcommand)]
        command: LockCommand,
    },
    /// Aegis icon packs: import one (a pack.json zip, such as aegis-icons), list or remove
    /// them, and give an account one of the icons they suggest. Icons are never fetched.
    Icons {
        #[command(subcommand)]
        command: IconsCommand,
    },
}

#[derive(Subcommand)]
pub enum IconsCommand {
    /// Import an Aegis icon pack (replacing an older version of the same pack). Each icon is
    /// checked and redrawn as a small PNG; one that cannot be is left out and named. Accounts
    /// without their own icon show the best match from then on.
    Import {
        pack: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The installed icon packs.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an icon pack (its uuid, or its name). Icons already given to accounts stay.
    Remove { pack: String },
    /// The icons the packs suggest for an account (Aegis's matching: the same issuer first,
    /// then issuers containing it, then issuers it contains), numbered for `icons use`.
    Suggest {
        /// Issuer, name or id.
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Give an account icon NUMBER of `icons suggest` as its own (it travels with the account).
    Use {
        /// Issuer, name or id.
        query: String,
        number: usize,
    },
}

#[derive(Subcommand)]
pub enum LockCommand {
    /// Whether the secrets are encrypted with a password, whether the vault is locked, and
    /// what that protects against.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Encrypt every secret in the keychain with a new password. Prints a recovery key once.
    Encrypt {
        /// Read the new password from the first line of this file (else asked twice).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Turn on system sign-in: the window, the tray and the palette open with your account
    /// password through polkit (Windows Hello on Windows, Touch ID on macOS) instead of, or
    /// besides, the password. Asks once now, to show it works. Alone it hides codes from a person at your desk; the
    /// secrets stay as readable as the keychain makes them (this command is not gated).
    System,
    /// Turn every lock off: the secrets are written unencrypted into their keychain items again
    /// (asks for the password), and system sign-in is turned off.
    Off,
    /// Change the password (asks for the current one; the recovery key stays the same).
    Password {
        /// Read the new password from the first line of this file (else asked twice).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Forgot the password: unlock with the recovery key and set a new password.
    Recover {
        /// Read the recovery key from the first line of this file (else asked).
        #[arg(long, value_name = "FILE")]
        recovery_key_file: Option<PathBuf>,
        /// Read the new password from the first line of this file (else asked twice).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Start syncing through DIR: it gets a `ninsho-sync` folder, encrypted with a passphrase
    /// you choose (asked twice on the terminal, or read from --passphrase-file), and this
    /// computer's accounts go into it.
    Setup {
        dir: PathBuf,
        /// Read the passphrase from the first line of this file.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// How the other computers list this one (default: its host name).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Join a folder set up on another computer: its accounts are added here, and this
    /// computer's go to the others.
    Join {
        dir: PathBuf,
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Merge now: changes made here go into this computer's file, newer changes from the
    /// others into the vault. Exit code 1 when a change could not be made here.
    Now {
        #[arg(long)]
        json: bool,
    },
    /// The folder, its computers with their last update, and what is wrong, if anything
    /// (exit code 1 then).
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Stop syncing on this computer: its file leaves the folder; every account stays here and
    /// on the other computers.
    Leave,
    /// Give the folder a new passphrase (asked twice, or read from --passphrase-file): a new
    /// key, and every other computer's file goes. Tell the new passphrase to the computers that
    /// stay: each leaves and joins again. One that is not told (a lost laptop, a person who
    /// left) can read and write nothing the folder holds from now on.
    Passphrase {
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum FollowCommand {
    /// Start following a folder: the app is recognised from its newest backup, the backup's
    /// password (asked on the terminal, or read from --password-file) is kept in the keychain,
    /// and its accounts are added.
    Add {
        dir: PathBuf,
        /// Read the backups' password from the first line of this file.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The followed folders and their state.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Apply the newest backup of every followed folder (or of DIR) now.
    ///
    /// New entries are added, changed ones updated; an entry gone from the backup is never
    /// deleted: its account is marked removed (`follow keep` keeps it, `rm` deletes it).
    /// Exit code 1 when a folder needs attention (a password, a confirmation, a missing folder).
    Now {
        /// A followed folder (its path or id); default every one.
        dir: Option<String>,
        /// Apply a newest backup that holds no entries, or that would mark more than half of the
        /// accounts from the folder removed (they are marked, never deleted).
        #[arg(long)]
        accept_empty: bool,
        #[arg(long)]
        json: bool,
    },
    /// Enter a folder's new password (after it was changed in the app that writes the backups).
    Password {
        /// The followed folder (its path or id).
        dir: String,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Keep an account that is no longer in its folder's backup, as an account of this computer.
    Keep {
        /// Issuer, name or id.
        query: String,
    },
    /// Stop following a folder; every account that came from it stays.
    Remove {
        /// The followed folder (its path or id).
        dir: String,
    },
}

#[derive(Subcommand)]
pub enum BrowserCommand {
    /// Say which account(s) the browser bridge would fill on the page at URL (as the browser
    /// reports it), or why it would refuse: another site, a look-alike of a bound site, a
    /// page that is not https. Prints no code unless --code is given.
    ///
    /// Exit code 0 when a code would be filled, 1 when the page is refused.
    Check {
        /// The page's address (the top page, when the field is in a frame).
        url: String,
        /// The address of the frame that holds the field, when it is not the page itself.
        #[arg(long, value_name = "URL")]
        frame: Option<String>,
        /// Also print the code(s) the page would get.
        #[arg(long)]
        code: bool,
        #[arg(long)]
        json: bool,
    },
    /// Let Ninsho's browser extension reach Ninsho: writes the native messaging host manifest
    /// (naming ninsho-host, allowing only Ninsho's extension) for the current user.
    Install {
        /// chromium, chrome, brave, edge, vivaldi or firefox (default: every one of them).
        #[arg(long)]
        browser: Option<String>,
        /// Write the manifest into this folder instead (a browser profile's
        /// NativeMessagingHosts, for a profile started with --user-data-dir).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}
