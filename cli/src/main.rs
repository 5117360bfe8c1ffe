//! `ninsho-cli`: Ninsho's engine from a terminal, for people and for scripts.
//!
//! Exit codes: 0 success, 1 bad input (the message on stderr names the problem), 2 usage.

mod json;
mod scan;

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ninsho_core::otp::{self, Account, Generator};
use ninsho_core::uri::{self, migration};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "ninsho-cli",
    version,
    about = "Ninsho authenticator from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Print the code of an otpauth:// URI.
    Code {
        /// The otpauth:// or steam:// URI, or - for standard input.
        uri: String,
        /// Unix time (seconds) to compute the code for; default now. Ignored for HOTP.
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
        /// Print the code that follows (next period, or HOTP counter + 1).
        #[arg(long)]
        next: bool,
    },
    /// Find QR codes in image files (PNG, JPEG, WebP, BMP, GIF) and say what they hold.
    Scan {
        /// Image files.
        #[arg(required = true, value_name = "IMAGE")]
        images: Vec<std::path::PathBuf>,
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
}

/// A failure the user can act on: printed on stderr, exit code 1.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse {
            uri,
            json,
            show_secret,
        } => parse(&uri, json, show_secret),
        Command::Code { uri, at, next } => code(&uri, at, next),
        Command::Scan {
            images,
            json,
            raw,
            show_secret,
        } => scan::run(&images, json, raw, show_secret),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("ninsho-cli: {message}");
            ExitCode::from(1)
        }
    }
}

fn read_uri(arg: &str) -> Result<Zeroizing<String>, Failure> {
    if arg != "-" {
        return Ok(Zeroizing::new(arg.to_owned()));
    }
    const LIMIT: u64 = 64 * 1024;
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .take(LIMIT + 1)
        .read_to_string(&mut text)
        .map_err(|e| Failure(format!("cannot read the URI from standard input: {e}")))?;
    if text.len() as u64 > LIMIT {
        return Err(Failure(format!(
            "standard input holds more than {} KiB; an enrollment URI is at most {} bytes",
            LIMIT / 1024,
            uri::MAX_URI_BYTES
        )));
    }
    Ok(text)
}

fn parse_account(arg: &str) -> Result<Account, Failure> {
    let text = read_uri(arg)?;
    if migration::is_migration_uri(&text) {
        return Err(Failure(match migration::parse(&text) {
            Ok(part) => format!(
                "this is a Google Authenticator export holding {} account(s) (QR code {} of {}), \
                 not a single account; `ninsho-cli scan` lists the accounts of its QR image",
                part.accounts.len(),
                part.batch_index + 1,
                part.batch_size
            ),
            Err(e) => format!("this Google Authenticator export cannot be used: {e}"),
        }));
    }
    uri::parse(&text).map_err(|e| Failure(format!("invalid otpauth URI: {e}")))
}

fn parse(arg: &str, as_json: bool, show_secret: bool) -> Result<ExitCode, Failure> {
    let account = parse_account(arg)?;
    let view = json::AccountJson::new(&account, show_secret);
    if as_json {
        json::print(&view);
    } else {
        println!("type:      {}", view.otp_type);
        println!("issuer:    {}", view.issuer.unwrap_or("(none)"));
        println!("name:      {}", view.name);
        println!("algorithm: {}", view.algorithm);
        println!("digits:    {}", view.digits);
        if let Some(period) = view.period {
            println!("period:    {period}");
        }
        if let Some(counter) = view.counter {
            println!("counter:   {counter}");
        }
        if let Some(secret) = &view.secret {
            println!("secret:    {}", secret.as_str());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn code(arg: &str, at: Option<u64>, next: bool) -> Result<ExitCode, Failure> {
    let account = parse_account(arg)?;
    let generator = Generator::new(&account.params, &account.secret)?;
    let time = at.unwrap_or_else(otp::now);
    let code = if next {
        generator.next_code_at(time)
    } else {
        generator.code_at(time)
    };
    println!("{}", code.value);
    Ok(ExitCode::SUCCESS)
}
