//! The vault's side of a merge: the accounts as the merge sees them, and the plan's changes
//! made in the vault (each recorded in the sync state once made).

use std::collections::HashSet;

use uuid::Uuid;
use zeroize::Zeroizing;

use super::SyncReport;
use super::keys::SyncKeys;
use super::merge::{self, Body, Local};
use super::state::State;
use crate::otp::{Account, OtpParams, OtpType, Pin, Secret};
use crate::vault::{AccountEdit, AccountMeta, Notice, Vault, VaultError};
use crate::watched::report::{Changed, Skipped};

/// The vault's accounts as the merge sees them, and those whose item cannot be read.
pub(super) fn locals(vault: &mut Vault) -> (Vec<Local>, HashSet<Uuid>) {
    let mut out = Vec::new();
    let mut unreadable = HashSet::new();
    for meta in vault.accounts() {
        let read = vault
            .account(meta.id)
            .and_then(|a| Ok((a, vault.recovery_codes(meta.id)?)));
        match read {
            Ok((account, recovery)) => out.push(Local {
                id: meta.id,
                body: body_of(&meta, &account, recovery),
                counter: meta.counter.unwrap_or(0),
            }),
            Err(_) => {
                unreadable.insert(meta.id);
            }
        }
    }
    (out, unreadable)
}

fn body_of(meta: &AccountMeta, account: &Account, recovery: Vec<Zeroizing<String>>) -> Body {
    Body {
        issuer: meta.issuer.clone(),
        name: meta.name.clone(),
        otp_type: meta.otp_type,
        algorithm: meta.algorithm,
        digits: meta.digits,
        period: meta.period,
        group: meta.group.clone(),
        pinned: meta.pinned,
        icon: meta.icon.clone(),
        domains: meta.domains.clone(),
        secret: account.secret.to_base32(),
        pin: account
            .pin
            .as_ref()
            .map(|p| Zeroizing::new(p.as_str().to_owned())),
        recovery,
    }
}

fn params_of(body: &Body, counter: u64) -> OtpParams {
    OtpParams {
        otp_type: body.otp_type,
        algorithm: body.algorithm,
        digits: body.digits,
        period: body.period.unwrap_or(crate::otp::DEFAULT_PERIOD),
        counter: if body.otp_type == OtpType::Hotp {
            counter
        } else {
            0
        },
    }
}

pub(super) fn account_of(body: &Body, counter: u64) -> Result<Account, String> {
    // Never the decoder's own words: they can quote a character of the secret, and this
    // reason reaches the window and the terminal.
    let secret = Secret::from_base32(&body.secret)
        .map_err(|_| "its secret in the sync file cannot be read".to_string())?;
    let params = params_of(body, counter);
    params.validate().map_err(|e| e.to_string())?;
    let pin = match &body.pin {
        Some(p) => Some(Pin::new(p).map_err(|_| "its PIN in the sync file cannot be read")?),
        None => None,
    };
    Ok(Account {
        issuer: body.issuer.clone(),
        name: body.name.clone(),
        params,
        secret,
        pin,
    })
}

/// Brings one version's description (labels, group, pin, icon, sites, recovery codes) into local
/// account `id`.
fn describe(
    vault: &mut Vault,
    id: Uuid,
    body: &Body,
    counter: u64,
) -> Result<AccountMeta, VaultError> {
    let edit = AccountEdit {
        issuer: Some(body.issuer.clone()),
        name: Some(body.name.clone()),
        group: Some(body.group.clone()),
        icon: Some(body.icon.clone()),
        params: Some(params_of(body, counter)),
        domains: Some(body.domains.clone()),
    };
    let meta = vault.edit(id, &edit)?;
    if meta.pinned != body.pinned {
        vault.set_pinned(id, body.pinned)?;
    }
    let pin = match &body.pin {
        Some(p) => Some(Pin::new(p).map_err(|_| VaultError::ItemDamaged {
            id,
            label: meta.label(),
        })?),
        None => None,
    };
    if vault.account(id)?.pin != pin {
        vault.set_pin(id, pin)?;
    }
    let have = vault.recovery_codes(id)?;
    if have
        .iter()
        .map(|c| c.as_str())
        .ne(body.recovery.iter().map(|c| c.as_str()))
    {
        let codes: Vec<String> = body.recovery.iter().map(|c| c.to_string()).collect();
        vault.set_recovery_codes(id, &codes)?;
    }
    vault.get(id).cloned()
}

fn changed(meta: &AccountMeta) -> Changed {
    Changed {
        id: meta.id,
        label: meta.label(),
    }
}

fn failed(body: &Body, reason: String) -> Skipped {
    let label = match &body.issuer {
        Some(i) if !body.name.is_empty() => format!("{i} ({})", body.name),
        Some(i) => i.clone(),
        None => body.name.clone(),
    };
    Skipped {
        file: label,
        reason,
    }
}

/// Makes the plan's changes in the vault, recording each in the state once made.
pub(super) fn apply(
    vault: &mut Vault,
    state: &mut State,
    plan: &merge::Plan,
    keys: &SyncKeys,
    report: &mut SyncReport,
) {
    for a in &plan.add {
        let added = account_of(&a.body, a.counter).and_then(|account| {
            let id = vault.add(&account, true).map_err(|e| e.to_string())?;
            describe(vault, id, &a.body, a.counter).map_err(|e| e.to_string())
        });
        match added {
            Ok(meta) => {
                merge::record_add(&mut state.entries, a, meta.id, keys);
                report.added.push(changed(&meta));
            }
            Err(reason) => report.failed.push(failed(&a.body, reason)),
        }
    }
    for (id, a) in &plan.update {
        let same_secret = vault
            .account(*id)
            .is_ok_and(|have| Secret::from_base32(&a.body.secret).is_ok_and(|s| s == have.secret));
        let result = if same_secret {
            let counter = a
                .counter
                .max(vault.get(*id).ok().and_then(|m| m.counter).unwrap_or(0));
            describe(vault, *id, &a.body, counter).map_err(|e| e.to_string())
        } else {
            // Never happens with ids derived from secrets; if it does, the newer one replaces it.
            account_of(&a.body, a.counter).and_then(|account| {
                let new = vault.add(&account, true).map_err(|e| e.to_string())?;
                let meta = describe(vault, new, &a.body, a.counter).map_err(|e| e.to_string())?;
                vault.delete(*id).map_err(|e| e.to_string())?;
                Ok(meta)
            })
        };
        match result {
            Ok(meta) => {
                merge::record_add(&mut state.entries, a, meta.id, keys);
                report.updated.push(changed(&meta));
            }
            Err(reason) => report.failed.push(failed(&a.body, reason)),
        }
    }
    for (id, sync_id, stamp) in &plan.delete {
        let label = vault.get(*id).map(|m| m.label()).unwrap_or_default();
        match vault.delete(*id) {
            Ok(_) | Err(VaultError::NotFound(_)) => {
                merge::record_delete(&mut state.entries, sync_id, *stamp);
                report.deleted.push(Changed { id: *id, label });
            }
            Err(e) => report.failed.push(Skipped {
                file: label,
                reason: e.to_string(),
            }),
        }
    }
    for (id, sync_id, counter) in &plan.counters {
        let Ok(meta) = vault.get(*id).cloned() else {
            continue;
        };
        let mut params = meta.params();
        if params.counter < *counter {
            params.counter = *counter;
            let edit = AccountEdit {
                params: Some(params),
                ..AccountEdit::default()
            };
            if let Err(e) = vault.edit(*id, &edit) {
                report.failed.push(Skipped {
                    file: meta.label(),
                    reason: e.to_string(),
                });
                continue;
            }
            report.counters += 1;
        }
        merge::record_counter(&mut state.entries, sync_id, *counter);
    }
}

/// Adds to `unreadable` the tracked accounts gone from the vault whose keychain item is still
/// there (`vault.json` loaded from its backup, an older copy restored, or edited by another
/// program): their absence is a local incident, never published as a deletion. While the
/// vault says it was restored from its backup or rebuilt, no deletion is stamped at all; when
/// the keychain cannot be searched, none either.
pub(super) fn held_deletions(
    vault: &mut Vault,
    state: &State,
    here: &[Local],
    unreadable: &mut HashSet<Uuid>,
) {
    let present: HashSet<Uuid> = here
        .iter()
        .map(|l| l.id)
        .chain(unreadable.iter().copied())
        .collect();
    let gone: Vec<Uuid> = state
        .entries
        .values()
        .filter_map(|t| t.local)
        .filter(|id| !present.contains(id))
        .collect();
    if gone.is_empty() {
        return;
    }
    let restored = vault.notices().iter().any(|n| {
        matches!(
            n,
            Notice::RestoredFromBackup { .. }
                | Notice::RestoredMissingFile
                | Notice::Rebuilt { .. }
        )
    });
    if restored {
        unreadable.extend(gone);
        return;
    }
    match vault.orphans() {
        Ok(orphans) => {
            let items: HashSet<Uuid> = orphans.iter().map(|o| o.id).collect();
            unreadable.extend(gone.into_iter().filter(|id| items.contains(id)));
        }
        Err(_) => unreadable.extend(gone),
    }
}
