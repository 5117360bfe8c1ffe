//! The vault commands: add, list, code, show, rm, edit, pin, recovery, status.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ninsho_core::app::{add, codes};
use ninsho_core::otp::{self, Account, OtpType, Pin};
use ninsho_core::scan::{self, Content};
use ninsho_core::uri::{self, migration};
use ninsho_core::vault::{AccountEdit, AccountMeta, KeychainState, Orphan, Vault};
use serde::Serialize;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::json::{self, CodeJson, VaultAccountJson};
use crate::{Failure, read_stdin};

/// The vault, unlocked if it is locked (the password from `--vault-password-file` or the
/// terminal): for the commands that need a secret.
pub(crate) fn open() -> Result<Vault, Failure> {
    let mut vault = open_locked()?;
    crate::lock::unlock(&mut vault)?;
    Ok(vault)
}

/// The vault as it opens, locked or not: for what needs no secret (listing, status).
pub(crate) fn open_locked() -> Result<Vault, Failure> {
    let vault = Vault::open_default()?;
    for notice in vault.notices() {
        say_err!("ninsho-cli: note: {notice}");
    }
    Ok(vault)
}

/// The data folder (where the vault and the icon packs live).
pub(crate) fn data_dir() -> Result<std::path::PathBuf, Failure> {
    Ok(ninsho_core::vault::default_dir()?)
}

/// The one account a query names; several matches are listed and refused.
pub(crate) fn one(vault: &Vault, query: &str) -> Result<AccountMeta, Failure> {
    let mut matches = vault.find(query);
    match matches.len() {
        0 => Err(Failure::input(format!(
            "no account matches '{query}' (see `ninsho-cli list`)"
        ))),
        1 => Ok(matches.remove(0)),
        n => {
            let lines: Vec<String> = matches
                .iter()
                .map(|a| format!("  {}  {}", &a.id.to_string()[..8], a.label()))
                .collect();
            Err(Failure::input(format!(
                "'{query}' matches {n} accounts; name one by its id:\n{}",
                lines.join("\n")
            )))
        }
    }
}

pub(crate) fn confirm(question: &str, yes: bool) -> Result<bool, Failure> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "{question} Pass --yes to confirm when not running interactively."
        )));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// Everything `add` found in its sources.
#[derive(Default)]
struct Found {
    accounts: Vec<Account>,
    problems: Vec<String>,
}

fn collect(sources: &[String]) -> Found {
    let mut found = Found::default();
    let mut batches = migration::BatchCollector::new();
    for source in sources {
        let text = if source == "-" {
            match read_stdin("the URI") {
                Ok(t) => t,
                Err(f) => {
                    found.problems.push(f.message);
                    continue;
                }
            }
        } else {
            Zeroizing::new(source.clone())
        };
        let trimmed = text.trim();
        if trimmed.contains("://") {
            match scan::classify(trimmed) {
                Content::Account(a) => found.accounts.push(a),
                Content::GoogleExport(part) => {
                    add_part(&mut found, &mut batches, part, "the export URI")
                }
                Content::BrokenAccount(e) => {
                    found.problems.push(format!("invalid otpauth URI: {e}"))
                }
                Content::BrokenGoogleExport(e) => {
                    found.problems.push(format!("invalid Google export: {e}"))
                }
                Content::Other(kind) => found.problems.push(kind.describe()),
            }
            continue;
        }
        let path = PathBuf::from(trimmed);
        match scan::scan_file(&path) {
            Err(e) => found.problems.push(e.to_string()),
            Ok(payloads) if payloads.is_empty() => found.problems.push(format!(
                "{}: no QR code found (zoom in so the code is larger, and include the whole code)",
                path.display()
            )),
            Ok(payloads) => {
                for p in payloads {
                    match p.content {
                        Content::Account(a) => found.accounts.push(a),
                        Content::GoogleExport(part) => {
                            add_part(&mut found, &mut batches, part, &path.display().to_string())
                        }
                        Content::BrokenAccount(e) => found.problems.push(format!(
                            "{}: a login code that cannot be used: {e}",
                            path.display()
                        )),
                        Content::BrokenGoogleExport(e) => found.problems.push(format!(
                            "{}: a Google export that cannot be used: {e}",
                            path.display()
                        )),
                        Content::Other(kind) => {
                            found
                                .problems
                                .push(format!("{}: {}", path.display(), kind.describe()))
                        }
                    }
                }
            }
        }
    }
    for progress in batches.progress() {
        if !progress.is_complete() {
            found.problems.push(format!("Google Authenticator export: {progress}; the accounts of the missing codes are not added"));
        }
    }
    found
}

fn add_part(
    found: &mut Found,
    batches: &mut migration::BatchCollector,
    part: migration::MigrationPart,
    from: &str,
) {
    for r in &part.rejected {
        found.problems.push(format!(
            "{from}: account {} ({}) skipped: {}",
            r.index + 1,
            r.name,
            r.error
        ));
    }
    if batches.add(&part) == migration::Added::New {
        found.accounts.extend(part.accounts);
    }
}

#[derive(Serialize)]
struct AddJson<'a> {
    added: Vec<VaultAccountJson<'a>>,
    skipped: Vec<SkippedJson>,
    errors: Vec<String>,
}

#[derive(Serialize)]
struct SkippedJson {
    issuer: Option<String>,
    name: String,
    reason: String,
}

/// Gives each mOTP or Yandex account whose source held no PIN the one in `pin_file`, or the
/// one typed at a terminal. Without either, the account is left without, and adding it says
/// it needs its PIN.
fn give_pins(accounts: &mut [Account], pin_file: Option<&Path>) -> Result<(), Failure> {
    let from_file = match pin_file {
        Some(path) => Some(
            crate::interop::password(Some(path), "", false)?
                .unwrap_or_else(|| Zeroizing::new(String::new())),
        ),
        None => None,
    };
    for account in accounts
        .iter_mut()
        .filter(|a| a.params.otp_type.needs_pin() && a.pin.is_none())
    {
        let typed = match &from_file {
            Some(pin) => Some(pin.clone()),
            None => {
                crate::interop::password(None, &format!("PIN of {}: ", account.label()), false)?
            }
        };
        if let Some(text) = typed {
            let pin = Pin::new(&text).map_err(|e| Failure::input(e.to_string()))?;
            account.pin = Some(pin);
        }
    }
    Ok(())
}

pub fn add(
    sources: &[String],
    yes: bool,
    force: bool,
    as_json: bool,
    pin_file: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let mut found = collect(sources);
    give_pins(&mut found.accounts, pin_file)?;
    if found.accounts.is_empty() {
        let detail = if found.problems.is_empty() {
            String::new()
        } else {
            format!(": {}", found.problems.join("; "))
        };
        return Err(Failure::input(format!("no account found{detail}")));
    }
    if !as_json {
        for p in &found.problems {
            say_err!("ninsho-cli: {p}");
        }
        say!("Found {} account(s):", found.accounts.len());
        for a in &found.accounts {
            say!("  {}", a.label());
        }
    }
    if !confirm(
        &format!("Add {} account(s) to the vault?", found.accounts.len()),
        yes,
    )? {
        return Err(Failure::input("nothing added"));
    }
    let mut vault = open()?;
    let report = add::add(&mut vault, &found.accounts, force)?;
    let metas = vault.accounts();
    let added_meta: Vec<&AccountMeta> = report
        .added
        .iter()
        .filter_map(|(_, id)| metas.iter().find(|m| m.id == *id))
        .collect();
    let skipped: Vec<SkippedJson> = report
        .duplicates
        .iter()
        .map(|(i, d)| SkippedJson {
            issuer: found.accounts[*i].issuer.clone(),
            name: found.accounts[*i].name.clone(),
            reason: format!("duplicate: {d} (use --force to add it anyway)"),
        })
        .collect();
    let mut errors = found.problems.clone();
    errors.extend(
        report
            .failed
            .iter()
            .map(|(i, e)| format!("{}: {e}", found.accounts[*i].label())),
    );
    if as_json {
        json::print(&AddJson {
            added: added_meta
                .iter()
                .map(|m| VaultAccountJson::new(m))
                .collect(),
            skipped,
            errors: errors.clone(),
        });
    } else {
        for m in &added_meta {
            say!("added    {}  {}", &m.id.to_string()[..8], m.label());
        }
        for s in &skipped {
            let label = s
                .issuer
                .as_ref()
                .map_or(s.name.clone(), |i| format!("{i} ({})", s.name));
            say!("skipped  {label}: {}", s.reason);
        }
    }
    if let Some(state) = report.keychain_state() {
        return Err(Failure::keychain(state));
    }
    if !report.failed.is_empty() {
        return Err(Failure::input(format!(
            "{} account(s) could not be added",
            report.failed.len()
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads every secret so that accounts whose keychain item is missing or damaged can be named.
/// A keychain that cannot be used at all is said once; the list is shown all the same.
/// Items that no listed account owns are named too (they are never deleted on their own).
fn check_items(vault: &mut Vault) {
    if let Err(e) = vault.unlock_all() {
        say_err!(
            "ninsho-cli: note: the keychain cannot be read now, so accounts are listed unchecked: {e}"
        );
        return;
    }
    if let Ok(orphans) = vault.orphans()
        && !orphans.is_empty()
    {
        let notice = ninsho_core::vault::Notice::Orphans {
            count: orphans.len(),
        };
        say_err!("ninsho-cli: note: {notice} (see `ninsho-cli orphans`)");
    }
}

pub fn list(as_json: bool) -> Result<ExitCode, Failure> {
    // Names are not secret: a locked vault lists them without asking for the password (and
    // cannot say which items are missing or damaged).
    let mut vault = open_locked()?;
    if !vault.is_locked() {
        check_items(&mut vault);
    }
    let accounts = vault.accounts();
    let mut sources = sources(&vault);
    if as_json {
        json::print(
            &accounts
                .iter()
                .map(|a| {
                    VaultAccountJson::new(a)
                        .with_problem(vault.problem(a.id))
                        .with_source(sources.remove(&a.id))
                })
                .collect::<Vec<_>>(),
        );
        return Ok(ExitCode::SUCCESS);
    }
    if accounts.is_empty() {
        say!("The vault is empty. Add an account with `ninsho-cli add <otpauth URI or QR image>`.");
    }
    for a in &accounts {
        let kind = match a.otp_type {
            OtpType::Totp => format!("TOTP {}s", a.params().period),
            OtpType::Hotp => format!("HOTP #{}", a.counter.unwrap_or(0)),
            OtpType::Steam => "Steam".to_owned(),
            OtpType::Motp => "mOTP 10s".to_owned(),
            OtpType::Yandex => "Yandex 30s".to_owned(),
        };
        let problem = vault
            .problem(a.id)
            .map(|p| format!("  ! {}", p.advice()))
            .unwrap_or_default();
        let source = sources.get(&a.id).map(source_text).unwrap_or_default();
        say!(
            "{}  {}{}  [{kind}]{source}{problem}",
            &a.id.to_string()[..8],
            if a.pinned { "★ " } else { "" },
            a.label()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where each account from a followed folder came from. The list is still printed when the
/// followed folders' file cannot be read (said on stderr).
fn sources(vault: &Vault) -> std::collections::HashMap<Uuid, ninsho_core::follow::Origin> {
    match ninsho_core::follow::Follows::open(vault).and_then(|f| f.sources(vault)) {
        Ok(s) => s,
        Err(e) => {
            say_err!("ninsho-cli: note: {e}");
            Default::default()
        }
    }
}

fn source_text(s: &ninsho_core::follow::Origin) -> String {
    let mut text = format!("  (from {}", s.app);
    if s.removed.is_some() {
        text.push_str(", removed from the backup: `follow keep` or `rm`");
    }
    if s.edited_here {
        text.push_str(", edited here");
    }
    text.push(')');
    text
}

pub fn code(query: &str, at: Option<u64>, next: bool, as_json: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    let code = codes::code_to_use(&mut vault, meta.id, next, at.unwrap_or_else(otp::now))?;
    if as_json {
        json::print(&CodeJson::new(
            Some(meta.id.to_string()),
            meta.issuer.as_deref(),
            &meta.name,
            &code,
        ));
    } else {
        say!("{}", code.value);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(query: &str, as_json: bool, show_secret: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    let full = if show_secret {
        Some(vault.account(meta.id)?)
    } else {
        None
    };
    check_items(&mut vault);
    let mut view = VaultAccountJson::new(&meta)
        .with_problem(vault.problem(meta.id))
        .with_source(sources(&vault).remove(&meta.id));
    if let Some(account) = &full {
        view.account.secret = Some(account.secret.to_base32());
        view.uri = Some(uri::format(account));
    }
    if as_json {
        json::print(&view);
        return Ok(ExitCode::SUCCESS);
    }
    say!("id:        {}", view.id);
    json::print_account_text(&view.account);
    if let Some(group) = view.group {
        say!("group:     {group}");
    }
    say!("pinned:    {}", if view.pinned { "yes" } else { "no" });
    say!("sites:     {}", sites_text(&meta.domains));
    if let Some(problem) = view.problem {
        say!("problem:   {}", problem.advice());
    }
    if let Some(source) = &view.source {
        say!("from:      {} backups in {}", source.app, source.path);
        if source.removed.is_some() {
            say!(
                "           no longer in the backup: `ninsho-cli follow keep` keeps it, `ninsho-cli rm` deletes it"
            );
        }
        if source.edited_here {
            say!("           edited here: the backup's changes to its name are not applied");
        }
    }
    if let Some(uri) = &view.uri {
        say!("uri:       {}", uri.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn remove(query: &str, yes: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    if !confirm(
        &format!(
            "Delete {}? Its secret is removed from the keychain.",
            meta.label()
        ),
        yes,
    )? {
        return Err(Failure::input("nothing deleted"));
    }
    let cleared = vault.delete(meta.id)?;
    say!("deleted  {}", meta.label());
    if !cleared {
        say_err!(
            "ninsho-cli: the keychain could not remove the secret now; it is removed the next time the vault opens"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What `ninsho-cli edit` changes.
pub struct Edit {
    pub issuer: Option<String>,
    pub name: Option<String>,
    pub group: Option<String>,
    pub domains: Vec<String>,
    pub no_domains: Vec<String>,
    /// `Some(Some(file))`: the icon drawn from that image; `Some(None)`: no own icon.
    pub icon: Option<Option<PathBuf>>,
}

pub fn edit(query: &str, edit: Edit) -> Result<ExitCode, Failure> {
    let rebinding = !edit.domains.is_empty() || !edit.no_domains.is_empty();
    if edit.issuer.is_none()
        && edit.name.is_none()
        && edit.group.is_none()
        && edit.icon.is_none()
        && !rebinding
    {
        return Err(Failure::input(
            "nothing to change: pass --issuer, --name, --group, --domain, --no-domain, --icon or --no-icon",
        ));
    }
    // The image is read and drawn before the vault is opened: a refused one changes nothing.
    let icon = match &edit.icon {
        Some(Some(file)) => Some(Some(
            ninsho_core::app::icon::icon_from_file(file)
                .map_err(|e| Failure::input(e.to_string()))?,
        )),
        Some(None) => Some(None),
        None => None,
    };
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    let domains = if rebinding {
        Some(
            ninsho_core::site::rebind(&meta.domains, &edit.domains, &edit.no_domains)
                .map_err(|e| Failure::input(e.to_string()))?,
        )
    } else {
        None
    };
    let change = AccountEdit {
        issuer: edit.issuer.map(Some),
        name: edit.name,
        group: edit.group.map(Some),
        domains,
        icon: icon.map(|i| i.map(|i| i.to_field())),
        ..Default::default()
    };
    let after = vault.edit(meta.id, &change)?;
    say!("edited   {}  {}", &after.id.to_string()[..8], after.label());
    if rebinding {
        say!("sites:     {}", sites_text(&after.domains));
    }
    match &edit.icon {
        Some(Some(file)) => say!("icon:      drawn from {}", file.display()),
        Some(None) => say!("icon:      none of its own (the issuer's logo or its letter)"),
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// An account's sites in words: `github.com, login.bank.co.uk (this host only)`.
pub(crate) fn sites_text(domains: &[ninsho_core::site::Binding]) -> String {
    if domains.is_empty() {
        return "none (the browser bridge fills it nowhere)".into();
    }
    domains
        .iter()
        .map(|b| {
            if b.is_site() {
                b.shown()
            } else {
                format!("{} (this host only)", b.shown())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn pin(query: &str, pinned: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    vault.set_pinned(meta.id, pinned)?;
    say!(
        "{}  {}",
        if pinned { "pinned  " } else { "unpinned" },
        meta.label()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn recovery(query: &str, set_file: Option<&Path>, as_json: bool) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    if let Some(path) = set_file {
        let text = if path == Path::new("-") {
            read_stdin("the recovery codes")?
        } else {
            crate::read_text_file(path)?
        };
        let codes: Vec<String> = text.lines().map(str::to_owned).collect();
        vault.set_recovery_codes(meta.id, &codes)?;
        let stored = vault.recovery_codes(meta.id)?.len();
        say!("stored {stored} recovery code(s) for {}", meta.label());
        return Ok(ExitCode::SUCCESS);
    }
    let codes = vault.recovery_codes(meta.id)?;
    if as_json {
        json::print(&codes.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    } else if codes.is_empty() {
        say!(
            "No recovery codes stored for {}. Add them with --set-file FILE (one per line).",
            meta.label()
        );
    } else {
        for c in &codes {
            say!("{}", c.as_str());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct OrphanJson {
    id: String,
    issuer: Option<String>,
    name: String,
    /// False for an item written by an earlier Ninsho, which names no account.
    described: bool,
}

/// The orphans `wanted` names: `all`, or ids and id prefixes (at least 4 characters).
fn pick(orphans: &[Orphan], wanted: &str) -> Result<Vec<Uuid>, Failure> {
    if wanted == "all" {
        return Ok(orphans.iter().map(|o| o.id).collect());
    }
    let matches: Vec<Uuid> = orphans
        .iter()
        .filter(|o| wanted.len() >= 4 && o.id.to_string().starts_with(&wanted.to_lowercase()))
        .map(|o| o.id)
        .collect();
    match matches.len() {
        1 => Ok(matches),
        0 => Err(Failure::input(format!(
            "no account found only in the keychain matches '{wanted}' (see `ninsho-cli orphans`)"
        ))),
        n => Err(Failure::input(format!(
            "'{wanted}' matches {n} of them; give more of the id"
        ))),
    }
}

pub fn orphans(
    restore: &[String],
    delete: Option<&str>,
    yes: bool,
    as_json: bool,
) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let found = vault.orphans()?;
    if !restore.is_empty() {
        let mut ids = Vec::new();
        for wanted in restore {
            ids.extend(pick(&found, wanted)?);
        }
        let n = vault.restore_orphans(&ids)?;
        say!("restored {n} account(s) to the list");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(wanted) = delete {
        let [id] = pick(&found, wanted)?[..] else {
            return Err(Failure::input("name one account to delete"));
        };
        let label = found
            .iter()
            .find(|o| o.id == id)
            .map(Orphan::label)
            .unwrap_or_default();
        if !confirm(
            &format!("Delete {label} from the keychain? Its secret is gone for good."),
            yes,
        )? {
            return Err(Failure::input("nothing deleted"));
        }
        vault.delete_orphan(id)?;
        say!("deleted  {label}");
        return Ok(ExitCode::SUCCESS);
    }
    if as_json {
        json::print(
            &found
                .iter()
                .map(|o| OrphanJson {
                    id: o.id.to_string(),
                    issuer: o.account.as_ref().and_then(|a| a.issuer.clone()),
                    name: o.label(),
                    described: o.account.is_some(),
                })
                .collect::<Vec<_>>(),
        );
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        say!("Every account in the keychain is in the list.");
    }
    for o in &found {
        say!("{}  {}", &o.id.to_string()[..8], o.label());
    }
    if !found.is_empty() {
        say!(
            "Put them back with `ninsho-cli orphans --restore ID|all`, or delete one with `--delete ID`."
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct StatusJson {
    vault: String,
    accounts: usize,
    keychain: KeychainState,
    advice: &'static str,
    notices: Vec<String>,
}

pub fn status(as_json: bool) -> Result<ExitCode, Failure> {
    let vault = open_locked()?;
    let state = vault.keychain_state();
    let report = StatusJson {
        vault: vault.path().display().to_string(),
        accounts: vault.accounts().len(),
        advice: state.advice(),
        keychain: state.clone(),
        notices: vault.notices().iter().map(ToString::to_string).collect(),
    };
    if as_json {
        json::print(&report);
    } else {
        say!("vault:     {}", report.vault);
        say!("accounts:  {}", report.accounts);
        let detail = state
            .detail()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        say!("keychain:  {}{detail}", state.code());
        if !state.is_available() {
            say!("           {}", state.advice());
        }
    }
    Ok(if state.is_available() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
