//! `ninsho-cli sync`: keeping this computer's accounts in step with other computers through a
//! folder a sync engine shares (Syncthing, Nextcloud, Dropbox, a network share).

use std::path::Path;
use std::process::ExitCode;

use ninsho_core::sync::{Sync, SyncError, SyncReport, SyncStatus};

use crate::vault::open;
use crate::{Failure, json};

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Vault(v) => v.into(),
            SyncError::Keychain(k) => match k.state() {
                Some(state) => Failure::keychain(state),
                None => Failure::input(k.to_string()),
            },
            other => Failure::input(other.to_string()),
        }
    }
}

/// The passphrase: from `--passphrase-file`, or asked on the terminal (twice for a new folder).
fn passphrase(file: Option<&Path>, new: bool) -> Result<zeroize::Zeroizing<String>, Failure> {
    crate::interop::password(file, "Sync passphrase: ", new)?.ok_or_else(|| {
        Failure::input("give the sync passphrase with --passphrase-file, or run this on a terminal")
    })
}

/// `sync setup` (a new folder, the passphrase asked twice) or `sync join` (asked once).
pub fn start(
    dir: &Path,
    join: bool,
    passphrase_file: Option<&Path>,
    name: Option<&str>,
    as_json: bool,
) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let sync = Sync::open(&vault)?;
    let pass = passphrase(passphrase_file, !join)?;
    let report = if join {
        sync.join(&mut vault, dir, &pass, name)?
    } else {
        sync.setup(&mut vault, dir, &pass, name)?
    };
    print_report(&report, as_json);
    if !join && !as_json {
        say!(
            "Set up {}: on the other computers, run `ninsho-cli sync join` on the same folder \
             once the sync engine has brought it there.",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `sync passphrase`: a new passphrase (asked twice), a new key; the other computers join again.
pub fn change_passphrase(
    passphrase_file: Option<&Path>,
    as_json: bool,
) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let sync = Sync::open(&vault)?;
    let pass = passphrase(passphrase_file, true)?;
    let report = sync.change_passphrase(&mut vault, &pass)?;
    print_report(&report, as_json);
    if !as_json {
        say!(
            "The folder has a new passphrase. On each computer that stays, run `ninsho-cli sync \
             leave`, then `ninsho-cli sync join` with the new passphrase; the others can no \
             longer read or write it."
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn now(as_json: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let report = Sync::open(&vault)?.now(&mut vault)?;
    print_report(&report, as_json);
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn status(as_json: bool) -> Result<ExitCode, Failure> {
    let vault = open()?;
    let status = Sync::open(&vault)?.status()?;
    if as_json {
        json::print(&status);
    } else {
        match &status {
            None => say!("This computer does not sync with a folder."),
            Some(s) => print_status(s),
        }
    }
    Ok(match status {
        Some(SyncStatus {
            problem: Some(_), ..
        }) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// After a command changed the vault: on a computer that syncs, merges so the change reaches
/// the folder now. A failure is said on stderr and does not fail the command (the change is
/// made; the next merge sends it).
pub fn after_change() {
    let Ok(mut vault) = open() else { return };
    if let Some(Err(e)) = Sync::merge_if_on(&std::cell::RefCell::new(&mut vault)) {
        say_err!("ninsho-cli: the change is made here, but could not be synced yet: {e}");
    }
}

pub fn leave() -> Result<ExitCode, Failure> {
    let vault = open()?;
    let folder = Sync::open(&vault)?.leave()?;
    say!(
        "This computer no longer syncs with {}; its accounts stay here, and the other computers keep theirs.",
        folder.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Unix milliseconds as UTC "YYYY-MM-DD hh:mm".
fn when(ms: u64) -> String {
    let t = ninsho_core::clock::utc(ms / 1000);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

fn print_status(s: &SyncStatus) {
    say!("folder:     {}", s.folder);
    say!("this device: {} ({})", s.name, &s.device.to_string()[..8]);
    match s.last_merge {
        Some(ms) => say!("last merge: {}", when(ms)),
        None => say!("last merge: never"),
    }
    if let Some(problem) = &s.problem {
        say!("problem:    {problem}");
    }
    for d in &s.devices {
        say!(
            "  {}{}  {} accounts, updated {}",
            d.name,
            if d.this_device {
                " (this computer)"
            } else {
                ""
            },
            d.accounts,
            when(d.updated)
        );
    }
    for f in &s.skipped {
        say!("  skipped  {}: {}", f.file, f.reason);
    }
}

fn print_report(r: &SyncReport, as_json: bool) {
    if as_json {
        json::print(r);
        return;
    }
    for c in &r.added {
        say!("added    {}", c.label);
    }
    for c in &r.updated {
        say!("updated  {}", c.label);
    }
    for c in &r.deleted {
        say!("deleted  {}", c.label);
    }
    if r.counters > 0 {
        say!("counters {} HOTP counter(s) moved forward", r.counters);
    }
    if r.sent > 0 {
        say!("sent     {} change(s) made here", r.sent);
    }
    for f in &r.skipped {
        say!("skipped  {}: {}", f.file, f.reason);
    }
    for f in &r.failed {
        say!("failed   {}: {}", f.file, f.reason);
    }
    if !r.changed() && r.sent == 0 && r.skipped.is_empty() && r.failed.is_empty() {
        say!("in step: nothing to merge");
    }
}
