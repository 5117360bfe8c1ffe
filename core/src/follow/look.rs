//! One look at a followed folder: recognise its newest backup, read it (with the folder's
//! password), plan against what was applied before, and make the plan's changes in the vault.

use std::collections::HashSet;
use std::path::Path;

use uuid::Uuid;

use super::keys::{self, FolderKeys};
use super::state::{Folder, MAX_APPLIED_CONTENTS, MAX_BROKEN, Tracked};
use super::{Changed, FolderState, FollowError, Report, Skipped, files, info, plan};
use crate::app::read::{Links, read_shared};
use crate::formats::{self, FormatError, FormatId, MAX_FILE_BYTES};
use crate::otp::{Account, OtpType, now};
use crate::vault::{AccountEdit, Vault, VaultError};

/// What the newest readable backup of a folder is.
pub(super) struct Recognised {
    pub(super) format: FormatId,
    pub(super) stem: String,
    pub(super) encrypted: bool,
}

/// Recognises the app whose backups `path` holds from its newest readable backup, and checks
/// `password` against it when it is encrypted.
pub(super) fn recognise(path: &Path, password: Option<&str>) -> Result<Recognised, FollowError> {
    let (candidates, _) = files::candidates(path, "", MAX_FILE_BYTES as u64)
        .map_err(|_| FollowError::NotAFolder(path.to_path_buf()))?;
    for c in candidates {
        let Ok(bytes) = read_shared(&c.path, MAX_FILE_BYTES as u64, Links::Follow) else {
            continue;
        };
        let Some(format) = formats::detect(&bytes).first().copied() else {
            continue;
        };
        let encrypted = match formats::import(&bytes, Some(format), None) {
            Ok(_) => false,
            Err(FormatError::PasswordRequired(_)) => true,
            Err(_) => continue,
        };
        if encrypted {
            let password = password.ok_or(FollowError::PasswordRequired(format))?;
            match formats::import(&bytes, Some(format), Some(password)) {
                Ok(_) => {}
                Err(FormatError::WrongPassword(_)) => {
                    return Err(FollowError::WrongPassword(format));
                }
                Err(_) => continue,
            }
        }
        return Ok(Recognised {
            format,
            stem: files::stem_of(&c.name),
            encrypted,
        });
    }
    Err(FollowError::NoBackup(path.to_path_buf()))
}

/// Most files one look reads: the newest that are newer than the applied one. Each may cost a
/// key derivation (Aegis's scrypt), so a folder full of broken or half-synced files costs a
/// bounded time per look, not minutes.
pub(super) const MAX_TRIES: usize = 4;

/// How far ahead of this computer's clock a name's time may be (time zones, a phone's clock a
/// little ahead). A name further ahead is never applied: it would become the high-water mark,
/// and no real backup would ever be newer.
const FUTURE_SLACK_SECS: u64 = 24 * 3600;

/// Looks at one folder: finds its newest complete backup and applies it. The folder's state
/// says what was found; an error is returned only when the vault itself cannot be used.
pub(super) fn look(
    vault: &mut Vault,
    folder: &mut Folder,
    accept_empty: bool,
) -> Result<Report, FollowError> {
    folder.checked = Some(now());
    let mut report = Report::new(info(folder, vault));
    let state = look_inner(vault, folder, accept_empty, &mut report);
    folder.state = match state {
        Ok(s) => s,
        Err(FollowError::Keychain(_)) => FolderState::KeychainUnavailable,
        Err(FollowError::Vault(e)) if e.keychain_state().is_some() => {
            FolderState::KeychainUnavailable
        }
        Err(e) => return Err(e),
    };
    report.folder = info(folder, vault);
    Ok(report)
}

pub(super) fn look_inner(
    vault: &mut Vault,
    folder: &mut Folder,
    accept_empty: bool,
    report: &mut Report,
) -> Result<FolderState, FollowError> {
    if !folder.path.is_dir() {
        return Ok(FolderState::Missing);
    }
    let Ok((candidates, too_large)) =
        files::candidates(&folder.path, &folder.stem, MAX_FILE_BYTES as u64)
    else {
        return Ok(FolderState::Missing);
    };
    for name in too_large {
        report.skipped.push(Skipped {
            file: name,
            reason: "larger than any backup Ninsho reads".into(),
        });
    }
    let store = vault.store();
    let keys = match FolderKeys::load(store.as_ref(), folder.id)? {
        Some(k) => k,
        None if folder.encrypted => return Ok(FolderState::NeedsPassword),
        None => {
            // The item was lost: new keys, and the entries are recognised again from the
            // vault (the duplicate rule adopts the accounts that are already there).
            let k = FolderKeys::new(None).ok_or(FollowError::Random)?;
            k.save(store.as_ref(), folder.id)?;
            folder.entries.clear();
            k
        }
    };
    if folder.encrypted && keys.password.is_none() {
        return Ok(FolderState::NeedsPassword);
    }
    let horizon = files::stamp_at(now().saturating_add(FUTURE_SLACK_SECS));
    let suspicious = |stamp: Option<u64>| stamp.is_some_and(|s| s > horizon);
    // A backup applied before this rule, named in the far future, is no high-water mark.
    let high_water = folder.applied.clone().filter(|a| !suspicious(a.stamp));
    let mut wrong_password = false;
    let mut tried = 0;
    for c in candidates {
        if suspicious(c.stamp) {
            report.skipped.push(Skipped {
                file: c.name.clone(),
                reason: "named for a time more than a day ahead of this computer's clock: not \
                    applied (a phone's wrong clock, or a file planted in the folder)"
                    .into(),
            });
            continue;
        }
        if let Some(applied) = &high_water
            && c.order() <= applied.order()
        {
            break; // nothing newer than what is applied
        }
        if folder.broken.contains(&c.identity()) {
            report.skipped.push(Skipped {
                file: c.name.clone(),
                reason: "could not be used when it was read, and has not changed since".into(),
            });
            continue;
        }
        if tried == MAX_TRIES {
            report.skipped.push(Skipped {
                file: c.name.clone(),
                reason: format!(
                    "not read: the {MAX_TRIES} newer files could not be used; older ones are \
                     looked at once those are complete or removed"
                ),
            });
            break;
        }
        tried += 1;
        let bytes = match read_shared(&c.path, MAX_FILE_BYTES as u64, Links::Follow) {
            Ok(b) => b,
            Err(e) => {
                report.skipped.push(Skipped {
                    file: c.name.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let content = keys.content(&bytes);
        if folder.applied_contents.last() == Some(&content) {
            // A copy of the backup applied last (a conflict copy, the same backup again):
            // nothing to change, and it is the newest now.
            folder.applied = Some(c.identity());
            return Ok(FolderState::Ok);
        }
        if folder.applied_contents.contains(&content) {
            report.skipped.push(Skipped {
                file: c.name.clone(),
                reason: "the same content as a backup applied before: not applied again (an \
                    older backup under a newer name)"
                    .into(),
            });
            continue;
        }
        let import = match formats::import(&bytes, Some(folder.format), keys.password.as_deref()) {
            Ok(i) => i,
            Err(FormatError::PasswordRequired(_)) => return Ok(FolderState::NeedsPassword),
            Err(FormatError::WrongPassword(_)) => {
                // The phone's password changed, or a file sealed with another one was put
                // here: older backups are still tried; the folder needs the password unless
                // one of them is applied.
                wrong_password = true;
                remember_broken(folder, &c);
                report.skipped.push(Skipped {
                    file: c.name.clone(),
                    reason: "does not open with this folder's password".into(),
                });
                continue;
            }
            Err(e) => {
                remember_broken(folder, &c);
                report.skipped.push(Skipped {
                    file: c.name.clone(),
                    reason: format!("{e} (incomplete: still being synced?)"),
                });
                continue;
            }
        };
        if folder.encrypted && !import.encrypted {
            // Anyone who can write one file into the folder could have put it there: its
            // accounts would sit next to the real ones and mark those removed.
            report.skipped.push(Skipped {
                file: c.name.clone(),
                reason: "not encrypted, although this folder's backups are: not applied".into(),
            });
            continue;
        }
        let active = folder
            .entries
            .iter()
            .filter(|t| t.removed.is_none() && vault.get(t.account).is_ok())
            .count();
        if import.accounts.is_empty() && active > 0 && !accept_empty {
            return Ok(FolderState::Empty {
                file: c.name.clone(),
                accounts: active,
            });
        }
        if !accept_empty {
            let removed = planned(vault, folder, &keys, &import).1.removed.len();
            if removed > 0 && removed * 2 > active {
                return Ok(FolderState::ManyRemoved {
                    file: c.name.clone(),
                    removed,
                    accounts: active,
                });
            }
        }
        for e in &import.errors {
            report.failed.push(Skipped {
                file: e.entry.clone(),
                reason: e.message.clone(),
            });
        }
        apply(vault, folder, &keys, &import, report)?;
        folder.applied = Some(c.identity());
        folder.applied_contents.push(content);
        let over = folder
            .applied_contents
            .len()
            .saturating_sub(MAX_APPLIED_CONTENTS);
        folder.applied_contents.drain(..over);
        folder.applied_at = Some(now());
        report.file = Some(c.name);
        return Ok(FolderState::Ok);
    }
    Ok(if wrong_password {
        FolderState::NeedsPassword
    } else if folder.applied.is_some() {
        FolderState::Ok
    } else {
        FolderState::NoBackup
    })
}

/// Remembers `c` as unusable until it changes (its name, size or modification time).
fn remember_broken(folder: &mut Folder, c: &files::Candidate) {
    folder.broken.push(c.identity());
    let over = folder.broken.len().saturating_sub(MAX_BROKEN);
    folder.broken.drain(..over);
}

/// What applying `import` would change: its entries as the plan sees them, and the plan (a
/// pure function: asked once to decide whether the person must confirm, once to apply).
fn planned<'a>(
    vault: &Vault,
    folder: &Folder,
    keys: &FolderKeys,
    import: &'a formats::Import,
) -> (Vec<plan::Entry<'a>>, plan::Plan) {
    let entries: Vec<plan::Entry> = import
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| plan::Entry {
            id: import.id(i),
            account: a,
            matcher: keys.matcher(a),
            secret: keys.secret(a),
            remote: keys.remote(a),
            labels: keys::labels_of(a),
            icon: import.icon(i),
        })
        .collect();
    let local = |id: Uuid| {
        vault.get(id).ok().map(|m| plan::Local {
            labels: keys::labels_of_meta(m),
            counter: m.counter,
            icon: keys::icon(m.icon.as_deref()),
        })
    };
    let plan = plan::plan(&folder.entries, &entries, local, now());
    (entries, plan)
}

/// Applies one backup's entries to the vault and to the folder's tracked entries.
pub(super) fn apply(
    vault: &mut Vault,
    folder: &mut Folder,
    keys: &FolderKeys,
    import: &formats::Import,
    report: &mut Report,
) -> Result<(), FollowError> {
    vault.refresh()?;
    let (entries, plan) = planned(vault, folder, keys, import);
    let label = |vault: &Vault, id: Uuid| vault.get(id).map(|m| m.label()).unwrap_or_default();
    let changed = |vault: &Vault, id: Uuid| Changed {
        id,
        label: label(vault, id),
    };
    for (id, i) in &plan.update {
        let a = entries[*i].account;
        let mut params = a.params;
        if params.otp_type == OtpType::Hotp {
            let here = vault.get(*id).ok().and_then(|m| m.counter).unwrap_or(0);
            params.counter = params.counter.max(here);
        }
        let edit = AccountEdit {
            issuer: Some(a.issuer.clone()),
            name: Some(a.name.clone()),
            params: Some(params),
            ..AccountEdit::default()
        };
        match vault.edit(*id, &edit) {
            Ok(m) => report.updated.push(Changed {
                id: *id,
                label: m.label(),
            }),
            Err(e) => report.failed.push(Skipped {
                file: a.label(),
                reason: e.to_string(),
            }),
        }
    }
    for (id, i) in &plan.icons {
        let edit = AccountEdit {
            icon: Some(entries[*i].icon.map(str::to_owned)),
            ..AccountEdit::default()
        };
        match vault.edit(*id, &edit) {
            Ok(m) => {
                if !report.updated.iter().any(|c| c.id == *id) {
                    report.updated.push(Changed {
                        id: *id,
                        label: m.label(),
                    });
                }
            }
            Err(e) => report.failed.push(Skipped {
                file: entries[*i].account.label(),
                reason: e.to_string(),
            }),
        }
    }
    for (id, counter) in &plan.counters {
        let Ok(meta) = vault.get(*id) else { continue };
        let mut params = meta.params();
        if params.counter >= *counter {
            continue; // moved by the update above
        }
        params.counter = *counter;
        let edit = AccountEdit {
            params: Some(params),
            ..AccountEdit::default()
        };
        if let Err(e) = vault.edit(*id, &edit) {
            report.failed.push(Skipped {
                file: label(vault, *id),
                reason: e.to_string(),
            });
        }
    }
    let mut tracked = plan.keep.clone();
    let mut taken: HashSet<Uuid> = tracked.iter().map(|t| t.account).collect();
    let new_entry = |account: Uuid, e: &plan::Entry, local: crate::vault::AccountMeta| Tracked {
        account,
        id: e.id.map(str::to_owned),
        matcher: e.matcher.clone(),
        secret: e.secret.clone(),
        remote: e.remote.clone(),
        local: keys::labels_of_meta(&local),
        removed: None,
        icon: Some(keys::icon(e.icon)),
    };
    let to_add: Vec<Account> = plan
        .add
        .iter()
        .map(|i| entries[*i].account.clone())
        .collect();
    let icons_of = |chosen: &[usize]| -> Vec<Option<String>> {
        chosen
            .iter()
            .map(|i| entries[*i].icon.map(str::to_owned))
            .collect()
    };
    let results = vault.add_many_bound(&to_add, &[], &icons_of(&plan.add), false)?;
    let mut same_label = Vec::new();
    for (result, i) in results.into_iter().zip(&plan.add) {
        let e = &entries[*i];
        match result {
            Ok(id) => {
                if let Ok(m) = vault.get(id) {
                    report.added.push(Changed {
                        id,
                        label: m.label(),
                    });
                    tracked.push(new_entry(id, e, m.clone()));
                    taken.insert(id);
                }
            }
            // Already in the vault (imported by hand before, or added just before a crash):
            // the account is adopted, not added twice.
            Err(VaultError::Duplicate(d)) if d.same_secret => {
                if taken.insert(d.existing)
                    && let Ok(m) = vault.get(d.existing)
                {
                    tracked.push(new_entry(d.existing, e, m.clone()));
                } else {
                    report.failed.push(Skipped {
                        file: e.account.label(),
                        reason: "the backup holds this secret twice; one account is kept".into(),
                    });
                }
            }
            // Another account with the same name: the backup's app has both, so Ninsho does.
            Err(VaultError::Duplicate(_)) => same_label.push(*i),
            Err(err) => report.failed.push(Skipped {
                file: e.account.label(),
                reason: err.to_string(),
            }),
        }
    }
    if !same_label.is_empty() {
        let to_add: Vec<Account> = same_label
            .iter()
            .map(|i| entries[*i].account.clone())
            .collect();
        let added = vault.add_many_bound(&to_add, &[], &icons_of(&same_label), true)?;
        for (result, i) in added.into_iter().zip(&same_label) {
            let e = &entries[*i];
            match result.map(|id| (id, vault.get(id).cloned())) {
                Ok((id, Ok(m))) => {
                    report.added.push(Changed {
                        id,
                        label: m.label(),
                    });
                    tracked.push(new_entry(id, e, m));
                }
                Ok((_, Err(err))) | Err(err) => report.failed.push(Skipped {
                    file: e.account.label(),
                    reason: err.to_string(),
                }),
            }
        }
    }
    report.removed = plan.removed.iter().map(|id| changed(vault, *id)).collect();
    report.returned = plan.returned.iter().map(|id| changed(vault, *id)).collect();
    report.kept_local = plan
        .kept_local
        .iter()
        .map(|id| changed(vault, *id))
        .collect();
    folder.entries = tracked;
    Ok(())
}
