//! `import` (backups of other authenticators) and `export` (open formats).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ninsho_core::formats::{self, FormatError, FormatId, export};
use ninsho_core::otp::Account;
use ninsho_core::vault::VaultError;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::Failure;
use crate::json::{self, AccountJson};

/// Reads a password from a file (first line), or asks on the terminal.
fn password(
    file: Option<&Path>,
    prompt: &str,
    confirm: bool,
) -> Result<Option<Zeroizing<String>>, Failure> {
    if let Some(path) = file {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?,
        );
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
}

pub struct ImportArgs<'a> {
    pub file: &'a Path,
    pub format: Option<&'a str>,
    pub password_file: Option<&'a Path>,
    pub dry_run: bool,
    pub json: bool,
    pub show_secret: bool,
    pub yes: bool,
    pub force: bool,
}

pub fn import(args: ImportArgs) -> Result<ExitCode, Failure> {
    let format = match args.format {
        Some(name) => Some(FormatId::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = FormatId::ALL.iter().map(|f| f.name()).collect();
            Failure::input(format!(
                "unknown format '{name}'; one of: {}",
                names.join(", ")
            ))
        })?),
        None => None,
    };
    let meta = std::fs::metadata(args.file)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", args.file.display())))?;
    if meta.len() > formats::MAX_FILE_BYTES as u64 {
        return Err(Failure::input(
            FormatError::TooLarge(meta.len() as usize).to_string(),
        ));
    }
    let bytes = Zeroizing::new(
        std::fs::read(args.file)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", args.file.display())))?,
    );
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
    if !args.dry_run && !imported.accounts.is_empty() {
        if !args.json {
            println!(
                "{} backup: {} account(s)",
                imported.format,
                imported.accounts.len()
            );
            for a in &imported.accounts {
                println!("  {}", a.label());
            }
        }
        if !confirm(
            &format!("Add {} account(s) to the vault?", imported.accounts.len()),
            args.yes,
        )? {
            return Err(Failure::input("nothing imported"));
        }
        let mut vault = crate::vault::open()?;
        let results = vault.add_many(&imported.accounts, args.force)?;
        let mut n = 0;
        let mut dup = Vec::new();
        for (a, r) in imported.accounts.iter().zip(results) {
            match r {
                Ok(_) => n += 1,
                Err(VaultError::Duplicate(_)) => dup.push(a.label()),
                Err(e) => return Err(e.into()),
            }
        }
        added = Some(n);
        skipped = Some(dup);
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
        });
    } else {
        if args.dry_run {
            println!(
                "{} backup: {} account(s) (dry run, nothing added)",
                imported.format,
                imported.accounts.len()
            );
            for a in &imported.accounts {
                println!("  {}", a.label());
            }
        }
        if let Some(n) = added {
            println!("added {n} account(s)");
        }
        for s in skipped.iter().flatten() {
            println!("skipped  {s}: already in the vault (use --force to add it anyway)");
        }
        for e in &imported.errors {
            eprintln!("ninsho-cli: not imported: {}: {}", e.entry, e.message);
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
    format: &str,
    output: &Path,
    password_file: Option<&Path>,
    yes: bool,
) -> Result<ExitCode, Failure> {
    let encrypted = format == "aegis";
    if !["aegis", "aegis-plain", "uris", "google-qr", "html"].contains(&format) {
        return Err(Failure::input(format!(
            "unknown export format '{format}'; one of: aegis, aegis-plain, uris, google-qr, html"
        )));
    }
    if !encrypted
        && !confirm(
            "This export holds your secret keys unencrypted: anyone who gets the file can produce your codes. Write it?",
            yes,
        )?
    {
        return Err(Failure::input("nothing written"));
    }
    let pw = if encrypted {
        let pw = password(password_file, "Password for the export: ", true)?.ok_or_else(|| {
            Failure::input("an encrypted export needs a password: pass --password-file FILE")
        })?;
        if pw.is_empty() {
            return Err(Failure::input(
                "the password is empty; choose one (it protects the file)",
            ));
        }
        Some(pw)
    } else {
        None
    };
    let mut vault = crate::vault::open()?;
    vault.unlock_all()?;
    let accounts: Vec<Account> = vault
        .accounts()
        .iter()
        .map(|m| vault.account(m.id))
        .collect::<Result<_, _>>()?;
    if accounts.is_empty() {
        return Err(Failure::input("the vault is empty: nothing to export"));
    }
    let fail = |e: export::ExportError| Failure::input(e.to_string());
    match format {
        "aegis" => {
            let text = export::aegis_encrypted(
                &accounts,
                pw.as_deref().map(String::as_str).unwrap_or_default(),
            )
            .map_err(fail)?;
            export::write_private(output, text.as_bytes()).map_err(fail)?;
        }
        "aegis-plain" => export::write_private(output, export::aegis_plain(&accounts).as_bytes())
            .map_err(fail)?,
        "uris" => {
            export::write_private(output, export::uri_list(&accounts).as_bytes()).map_err(fail)?
        }
        "html" => export::write_private(
            output,
            export::html(&accounts, "Ninsho backup")
                .map_err(fail)?
                .as_bytes(),
        )
        .map_err(fail)?,
        _ => {
            let export::GoogleQr { images, skipped } =
                export::google_qr(&accounts).map_err(fail)?;
            let paths = qr_paths(output, images.len());
            for (png, path) in images.iter().zip(&paths) {
                export::write_private(path, png).map_err(fail)?;
                println!("wrote {}", path.display());
            }
            for (i, why) in skipped {
                eprintln!("ninsho-cli: not exported: {}: {why}", accounts[i].label());
            }
            return Ok(ExitCode::SUCCESS);
        }
    }
    println!("wrote {} ({} account(s))", output.display(), accounts.len());
    Ok(ExitCode::SUCCESS)
}

/// Where the QR images go: into OUTPUT if it is a folder, else OUTPUT's stem numbered.
fn qr_paths(output: &Path, n: usize) -> Vec<PathBuf> {
    let (dir, stem) = if output.is_dir() {
        (output.to_path_buf(), "ninsho-google-export".to_owned())
    } else {
        let stem = output
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ninsho-google-export".into());
        (
            output.parent().map(Path::to_path_buf).unwrap_or_default(),
            stem,
        )
    };
    (1..=n)
        .map(|i| dir.join(format!("{stem}-{i}-of-{n}.png")))
        .collect()
}
