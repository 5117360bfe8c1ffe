//! `import` (backups of other authenticators) and `export` (open formats).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::LazyLock;

use clap::ValueEnum;
use clap::builder::PossibleValue;
use ninsho_core::app::export::{self, ExportFailure, ExportFormat};
use ninsho_core::app::read::{ReadError, read_bounded};
use ninsho_core::formats::{self, FormatError, FormatId};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::Failure;
use crate::json::{self, AccountJson};

/// `--format` of `import`: the apps core's registry knows, named as it names them.
#[derive(Debug, Clone, Copy)]
pub struct ImportFormat(pub FormatId);

impl ValueEnum for ImportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: LazyLock<Vec<ImportFormat>> =
            LazyLock::new(|| FormatId::ALL.into_iter().map(ImportFormat).collect());
        &ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.title()))
    }
}

/// `--format` of `export`: core's export formats.
#[derive(Debug, Clone, Copy)]
pub struct OutputFormat(pub ExportFormat);

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: LazyLock<Vec<OutputFormat>> =
            LazyLock::new(|| ExportFormat::ALL.into_iter().map(OutputFormat).collect());
        &ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let value = PossibleValue::new(self.0.name());
        Some(if self.0.is_encrypted() {
            value.help("encrypted with a password")
        } else {
            value.help("unencrypted")
        })
    }
}

impl std::fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Reads a password from a file (first line), or asks on the terminal.
pub(crate) fn password(
    file: Option<&Path>,
    prompt: &str,
    confirm: bool,
) -> Result<Option<Zeroizing<String>>, Failure> {
    if let Some(path) = file {
        let text = crate::read_text_file(path)?;
        let first = text.lines().next().unwrap_or("").to_owned();
        return Ok(Some(Zeroizing::new(first)));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(prompt).map_err(|e| Failure::input(e.to_string()))?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat the password: ")
                .map_err(|e| Failure::input(e.to_string()))?,
        );
        if *again != *first {
            return Err(Failure::input(
                "the two passwords differ; nothing was written",
            ));
        }
    }
    Ok(Some(first))
}

#[derive(Serialize)]
struct ImportReport<'a> {
    format: &'static str,
    accounts: Vec<AccountJson<'a>>,
    errors: Vec<formats::EntryError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    added: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<Vec<String>>,
    /// Of `skipped`, those that repeat an earlier entry of the same backup (the rest were
    /// already in the vault).
    #[serde(skip_serializing_if = "Option::is_none")]
    repeated: Option<Vec<String>>,
}

pub struct ImportArgs<'a> {
    pub file: &'a Path,
    pub format: Option<FormatId>,
    pub password_file: Option<&'a Path>,
    pub dry_run: bool,
    pub json: bool,
    pub show_secret: bool,
    pub yes: bool,
    pub force: bool,
}

pub fn import(args: ImportArgs) -> Result<ExitCode, Failure> {
    let format = args.format;
    let bytes = read_bounded(args.file, formats::MAX_FILE_BYTES as u64).map_err(|e| match e {
        ReadError::TooLarge { .. } => {
            Failure::input(format!("{e}: no authenticator backup is that large"))
        }
        other => Failure::input(other.to_string()),
    })?;
    let mut pw = match args.password_file {
        Some(_) => password(args.password_file, "", false)?,
        None => None,
    };
    let result = loop {
        match formats::import(&bytes, format, pw.as_deref().map(String::as_str)) {
            Err(FormatError::PasswordRequired(f)) if pw.is_none() => {
                match password(None, &format!("Password of this {f} backup: "), false)? {
                    Some(p) => pw = Some(p),
                    None => {
                        return Err(Failure::input(format!(
                            "this {f} backup is encrypted: pass its password with --password-file FILE"
                        )));
                    }
                }
            }
            other => break other,
        }
    };
    let imported = result.map_err(|e| Failure::input(e.to_string()))?;
    let mut added = None;
    let mut skipped = None;
    let mut repeated = None;
    if !args.dry_run && !imported.accounts.is_empty() {
        if !args.json {
            say!(
                "{} backup: {} account(s)",
                imported.format,
                imported.accounts.len()
            );
            for a in &imported.accounts {
                say!("  {}", a.label());
            }
        }
        if !confirm(
            &format!("Add {} account(s) to the vault?", imported.accounts.len()),
            args.yes,
        )? {
            return Err(Failure::input("nothing imported"));
        }
        let mut vault = crate::vault::open()?;
        let report = ninsho_core::app::add::add_bound(
            &mut vault,
            &imported.accounts,
            &imported.all_domains(),
            &imported.all_icons(),
            args.force,
        )?;
        // Each skipped account with whether it repeats an earlier entry of this backup.
        let why: Vec<(String, bool)> = report
            .duplicates
            .iter()
            .map(|(i, d)| (imported.accounts[*i].label(), report.repeats_earlier(d)))
            .collect();
        if let Some((_, e)) = report.failed.into_iter().next() {
            return Err(e.into());
        }
        added = Some(report.added.len());
        skipped = Some(why.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>());
        repeated = Some(why);
    }
    if args.json {
        json::print(&ImportReport {
            format: imported.format.name(),
            accounts: imported
                .accounts
                .iter()
                .map(|a| AccountJson::new(a, args.show_secret))
                .collect(),
            errors: imported.errors.clone(),
            added,
            skipped: skipped.clone(),
            repeated: repeated.as_ref().map(|why| {
                why.iter()
                    .filter(|(_, r)| *r)
                    .map(|(l, _)| l.clone())
                    .collect()
            }),
        });
    } else {
        if args.dry_run {
            say!(
                "{} backup: {} account(s) (dry run, nothing added)",
                imported.format,
                imported.accounts.len()
            );
            for a in &imported.accounts {
                say!("  {}", a.label());
            }
        }
        if let Some(n) = added {
            say!("added {n} account(s)");
        }
        for (s, repeats) in repeated.iter().flatten() {
            if *repeats {
                say!("skipped  {s}: repeats an earlier entry of this backup");
            } else {
                say!("skipped  {s}: already in the vault (use --force to add it anyway)");
            }
        }
        for e in &imported.errors {
            say_err!("ninsho-cli: not imported: {}: {}", e.entry, e.message);
        }
    }
    if imported.accounts.is_empty() {
        return Err(Failure::input(format!(
            "no account could be imported from this {} backup",
            imported.format
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn confirm(question: &str, yes: bool) -> Result<bool, Failure> {
    crate::vault::confirm(question, yes)
}

pub fn export(
    format: ExportFormat,
    output: &Path,
    password_file: Option<&Path>,
    yes: bool,
) -> Result<ExitCode, Failure> {
    if !format.is_encrypted()
        && !confirm(
            "This export holds your secret keys unencrypted: anyone who gets the file can produce your codes. Write it?",
            yes,
        )?
    {
        return Err(Failure::input("nothing written"));
    }
    let pw = if format.is_encrypted() {
        let pw = password(password_file, "Password for the export: ", true)?.ok_or_else(|| {
            Failure::input("an encrypted export needs a password: pass --password-file FILE")
        })?;
        Some(pw)
    } else {
        None
    };
    let pw = pw.as_deref().map(String::as_str);
    let fail = |e: ExportFailure| match e {
        ExportFailure::Vault(e) => Failure::from(e),
        other => Failure::input(other.to_string()),
    };
    export::check(format, pw).map_err(fail)?;
    let mut vault = crate::vault::open()?;
    let accounts = export::accounts(&mut vault).map_err(fail)?;
    let done = export::write_set(format, output, &accounts, pw).map_err(fail)?;
    for skipped in &done.skipped {
        say_err!("ninsho-cli: not exported: {skipped}");
    }
    match done.files.as_slice() {
        [file] if format != ExportFormat::GoogleQr => {
            say!("wrote {} ({} account(s))", file.display(), done.exported)
        }
        files => {
            for file in files {
                say!("wrote {}", file.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
