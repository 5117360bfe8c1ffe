//! `ninsho-cli follow`: following a folder another authenticator backs up into (Aegis's
//! automatic backups, synced from a phone).

use std::path::Path;
use std::process::ExitCode;

use ninsho_core::follow::{
    Changed, FolderInfo, FolderState, FollowError, Follows, Report, Resolve,
};
use ninsho_core::otp::{self, OtpType};
use ninsho_core::vault::Vault;

use crate::vault::{one, open};
use crate::{Failure, json};

impl From<FollowError> for Failure {
    fn from(e: FollowError) -> Self {
        match e {
            FollowError::Vault(v) => v.into(),
            FollowError::Keychain(k) => match k.state() {
                Some(state) => Failure::keychain(state),
                None => Failure::input(k.to_string()),
            },
            other => Failure::input(other.to_string()),
        }
    }
}

fn follows(vault: &Vault) -> Result<Follows, Failure> {
    Ok(Follows::open(vault)?)
}

/// The password of a folder's backups: from `--password-file`, or asked on the terminal.
fn ask(password_file: Option<&Path>) -> Result<Option<zeroize::Zeroizing<String>>, Failure> {
    crate::interop::password(password_file, "Password of the backups: ", false)
}

pub fn add(dir: &Path, password_file: Option<&Path>, as_json: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let follows = follows(&vault)?;
    let report = match follows.add(&mut vault, dir, None) {
        Err(FollowError::PasswordRequired(format)) => {
            let password = ask(password_file)?.ok_or_else(|| {
                Failure::input(format!(
                    "the {format} backups in {} are encrypted: give their password with \
                     --password-file, or run this on a terminal",
                    dir.display()
                ))
            })?;
            follows.add(&mut vault, dir, Some(&password))?
        }
        other => other?,
    };
    print_reports(&mut vault, &[report], as_json);
    Ok(ExitCode::SUCCESS)
}

pub fn now(dir: Option<&str>, accept_empty: bool, as_json: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let reports = follows(&vault)?.check(&mut vault, dir, accept_empty)?;
    if reports.is_empty() && !as_json {
        say!("No folder is followed. Follow one with `ninsho-cli follow add DIR`.");
    }
    print_reports(&mut vault, &reports, as_json);
    Ok(exit_for(&reports))
}

pub fn password(
    dir: &str,
    password_file: Option<&Path>,
    as_json: bool,
) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let password = ask(password_file)?.ok_or_else(|| {
        Failure::input("give the password with --password-file, or run this on a terminal")
    })?;
    let report = follows(&vault)?.set_password(&mut vault, dir, &password)?;
    print_reports(&mut vault, std::slice::from_ref(&report), as_json);
    Ok(exit_for(std::slice::from_ref(&report)))
}

pub fn list(as_json: bool) -> Result<ExitCode, Failure> {
    let vault = open()?;
    let folders = follows(&vault)?.folders(&vault)?;
    if as_json {
        json::print(&folders);
        return Ok(ExitCode::SUCCESS);
    }
    if folders.is_empty() {
        say!("No folder is followed. Follow one with `ninsho-cli follow add DIR`.");
    }
    for f in &folders {
        print_folder(f);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn keep(query: &str) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    follows(&vault)?.resolve(&mut vault, meta.id, Resolve::Keep)?;
    say!(
        "kept     {} (an account of this computer now, no longer from the folder)",
        meta.label()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn remove(dir: &str) -> Result<ExitCode, Failure> {
    let vault = open()?;
    let info = follows(&vault)?.remove(&vault, dir)?;
    say!(
        "stopped following {}; its {} account(s) stay in the vault",
        info.path,
        info.accounts
    );
    Ok(ExitCode::SUCCESS)
}

/// 0 when every folder could be looked at; 1 when one needs the person (a password, a
/// confirmation, a missing folder, the keychain).
fn exit_for(reports: &[Report]) -> ExitCode {
    if reports
        .iter()
        .all(|r| matches!(r.folder.state, FolderState::Ok | FolderState::NoBackup))
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_folder(f: &FolderInfo) {
    say!(
        "{}  {} ({}{})",
        &f.id.to_string()[..8],
        f.path,
        f.app,
        if f.encrypted { ", encrypted" } else { "" }
    );
    say!("  state:    {}", f.state.describe());
    if let Some(file) = &f.file {
        say!("  applied:  {file}");
    }
    say!(
        "  accounts: {}{}",
        f.accounts,
        if f.removed > 0 {
            format!(" ({} removed from the backup, kept here)", f.removed)
        } else {
            String::new()
        }
    );
}

fn print_reports(vault: &mut Vault, reports: &[Report], as_json: bool) {
    if as_json {
        json::print(&reports);
        return;
    }
    for r in reports {
        print_folder(&r.folder);
        // When nothing was applied for another reason, the state line says why.
        if r.file.is_none() && r.folder.state == FolderState::Ok {
            say!("  nothing new");
        }
        for a in &r.added {
            // The account's current code, as `code` would print it (a HOTP counter is not
            // moved by looking).
            let code = vault
                .get(a.id)
                .ok()
                .filter(|m| m.otp_type != OtpType::Hotp)
                .map(|m| m.id)
                .and_then(|id| vault.code(id, otp::now()).ok())
                .map(|c| format!("  {}", c.value))
                .unwrap_or_default();
            say!("  added    {}{code}", a.label);
        }
        for Changed { label, .. } in &r.updated {
            say!("  updated  {label}");
        }
        for Changed { label, .. } in &r.kept_local {
            say!("  kept     {label} (edited here; the backup's change is not applied)");
        }
        for Changed { label, .. } in &r.returned {
            say!("  back     {label} (in the backup again)");
        }
        for Changed { label, .. } in &r.removed {
            say!(
                "  removed  {label}: no longer in the backup; kept here \
                 (`ninsho-cli follow keep` keeps it, `ninsho-cli rm` deletes it)"
            );
        }
        for s in &r.skipped {
            say!("  skipped  {}: {}", s.file, s.reason);
        }
        for s in &r.failed {
            say!("  failed   {}: {}", s.file, s.reason);
        }
        if let FolderState::Empty { .. } | FolderState::ManyRemoved { .. } = r.folder.state {
            say!("  (confirm with `ninsho-cli follow now --accept-empty`)");
        }
    }
}
