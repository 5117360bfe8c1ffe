//! What applying a backup changes: a pure function of what was applied before, the backup's
//! entries and the vault's accounts as they are now, so every rule is tested without a
//! keychain.
//!
//! The rules:
//! - An entry is recognised by the backup's own id with the same secret, else by its secret
//!   and labels, else by its secret alone (a rename in a format without ids).
//! - A new entry is added. An entry whose labels or parameters changed updates its account,
//!   unless the person edited that account in Ninsho: then Ninsho's version is kept.
//! - An entry whose icon changed in the backup gives its account the new icon (or takes it
//!   away), unless the person changed the account's icon in Ninsho: then theirs is kept.
//! - A HOTP counter only moves forward: the larger of the backup's and the vault's.
//! - An entry missing from the backup is never deleted: its account is marked removed (the
//!   person keeps or deletes it). An entry that comes back is unmarked.
//! - An account the person deleted in Ninsho is not added again while its entry stays in
//!   the backup.

use uuid::Uuid;

use super::keys::Fingerprint;
use super::state::Tracked;
use crate::otp::{Account, OtpType};

/// A backup entry with its fingerprints.
pub struct Entry<'a> {
    pub id: Option<&'a str>,
    pub account: &'a Account,
    pub matcher: Fingerprint,
    pub secret: Fingerprint,
    pub remote: Fingerprint,
    pub labels: Fingerprint,
    /// The icon the backup carries for it (kept form), given to it when it is added.
    pub icon: Option<&'a str>,
}

impl Entry<'_> {
    fn icon_print(&self) -> Fingerprint {
        super::keys::icon(self.icon)
    }
}

/// An account of the vault as it is now.
pub struct Local {
    pub labels: Fingerprint,
    pub counter: Option<u64>,
    /// Its icon (see `keys::icon`).
    pub icon: Fingerprint,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The tracked entries after the change (new ones are added by the caller).
    pub keep: Vec<Tracked>,
    /// Entries to add, by index.
    pub add: Vec<usize>,
    /// Accounts to update from an entry (labels and parameters).
    pub update: Vec<(Uuid, usize)>,
    /// Accounts to give the entry's icon (or none), by index.
    pub icons: Vec<(Uuid, usize)>,
    /// HOTP counters to move forward.
    pub counters: Vec<(Uuid, u64)>,
    /// Accounts marked removed by this backup.
    pub removed: Vec<Uuid>,
    /// Accounts marked removed before whose entry is back.
    pub returned: Vec<Uuid>,
    /// Accounts changed in the backup that keep the person's edits.
    pub kept_local: Vec<Uuid>,
}

/// Whether a tracked entry is this backup entry, by one rule.
type Recognises = dyn Fn(&Tracked, &Entry) -> bool;

pub fn plan(
    tracked: &[Tracked],
    entries: &[Entry],
    local: impl Fn(Uuid) -> Option<Local>,
    now: u64,
) -> Plan {
    let mut out = Plan::default();
    let mut used = vec![false; tracked.len()];
    let mut matched: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    // Ids first for every entry, then secrets with labels, then secrets: an entry recognised
    // by its id is never taken by another entry's weaker match.
    let passes: [&Recognises; 3] = [
        &|t, e| e.id.is_some() && t.id.as_deref() == e.id && t.secret == e.secret,
        &|t, e| t.matcher == e.matcher,
        &|t, e| t.secret == e.secret,
    ];
    matched.resize(entries.len(), None);
    for pass in passes {
        for (i, e) in entries.iter().enumerate() {
            if matched[i].is_some() {
                continue;
            }
            if let Some(t) = (0..tracked.len()).find(|&t| !used[t] && pass(&tracked[t], e)) {
                used[t] = true;
                matched[i] = Some(t);
            }
        }
    }
    for (i, e) in entries.iter().enumerate() {
        let Some(t) = matched[i] else {
            out.add.push(i);
            continue;
        };
        let mut t = tracked[t].clone();
        let Some(now_local) = local(t.account) else {
            // Deleted in Ninsho: remembered, so it is not added again.
            out.keep.push(t);
            continue;
        };
        if t.removed.take().is_some() {
            out.returned.push(t.account);
        }
        if e.account.params.otp_type == OtpType::Hotp
            && e.account.params.counter > now_local.counter.unwrap_or(0)
        {
            out.counters.push((t.account, e.account.params.counter));
        }
        if e.remote != t.remote {
            if now_local.labels == t.local {
                out.update.push((t.account, i));
                t.local = e.labels.clone();
            } else if now_local.labels == e.labels {
                // Already as the backup says (applied before a crash, or edited the same way).
                t.local = e.labels.clone();
            } else {
                out.kept_local.push(t.account);
            }
            t.remote = e.remote.clone();
        }
        let applied = t.icon.clone().unwrap_or_else(|| super::keys::icon(None));
        let carried = e.icon_print();
        if carried != applied {
            if now_local.icon == applied {
                out.icons.push((t.account, i));
            }
            // Changed here too: the person's icon is kept, and this backup's is the one applied.
            t.icon = Some(carried);
        }
        t.id = e.id.map(str::to_owned).or(t.id);
        t.matcher = e.matcher.clone();
        t.secret = e.secret.clone();
        out.keep.push(t);
    }
    for (t, used) in tracked.iter().zip(used) {
        if used {
            continue;
        }
        if local(t.account).is_none() {
            continue; // deleted here and gone from the backup: forgotten
        }
        let mut t = t.clone();
        if t.removed.is_none() {
            t.removed = Some(now);
            out.removed.push(t.account);
        }
        out.keep.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::otp::{Algorithm, OtpParams, Secret};

    fn fp(s: &str) -> Fingerprint {
        Fingerprint(s.to_owned())
    }

    /// An entry whose fingerprints are readable: the secret byte and labels spelled out.
    fn entry<'a>(id: Option<&'a str>, a: &'a Account) -> Entry<'a> {
        let s = format!("{:?}", a.secret.as_bytes());
        let l = format!("{:?}/{}", a.issuer, a.name);
        Entry {
            id,
            account: a,
            matcher: fp(&format!("{s}{l}")),
            secret: fp(&s),
            remote: fp(&format!("{s}{l}")),
            labels: fp(&l),
            icon: None,
        }
    }

    fn account(issuer: &str, name: &str, key: u8) -> Account {
        Account::new(
            Some(issuer),
            name,
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            Secret::from_bytes(&[key; 20]).unwrap(),
        )
    }

    fn tracked(account: Uuid, e: &Entry) -> Tracked {
        Tracked {
            account,
            id: e.id.map(str::to_owned),
            matcher: e.matcher.clone(),
            secret: e.secret.clone(),
            remote: e.remote.clone(),
            local: e.labels.clone(),
            removed: None,
            icon: Some(e.icon_print()),
        }
    }

    #[test]
    fn adds_updates_marks_and_keeps_local_edits() {
        let accounts = [
            account("GitHub", "me", 1),
            account("GitLab", "me", 2),
            account("Mail", "me", 3),
            account("Bank", "me", 4),
        ];
        let ids = [
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        ];
        let before: Vec<Entry> = accounts
            .iter()
            .zip(["a", "b", "c", "d"])
            .map(|(a, id)| entry(Some(id), a))
            .collect();
        let tracked: Vec<Tracked> = ids
            .iter()
            .zip(&before)
            .map(|(u, e)| tracked(*u, e))
            .collect();
        // In the vault: GitLab was renamed in Ninsho; Mail was deleted in Ninsho.
        let mut local: HashMap<Uuid, Local> = HashMap::new();
        for (u, e) in ids.iter().zip(&before) {
            local.insert(
                *u,
                Local {
                    labels: e.labels.clone(),
                    counter: None,
                    icon: super::super::keys::icon(None),
                },
            );
        }
        local.get_mut(&ids[1]).unwrap().labels = fp("renamed here");
        local.remove(&ids[2]);
        // The new backup: GitHub renamed on the phone, GitLab renamed on the phone too, Mail
        // still there, Bank gone, a new entry.
        let github2 = account("GitHub", "work", 1);
        let gitlab2 = account("GitLab", "work", 2);
        let new = account("New", "me", 9);
        let after = vec![
            entry(Some("a"), &github2),
            entry(Some("b"), &gitlab2),
            entry(Some("c"), &accounts[2]),
            entry(Some("e"), &new),
        ];
        let p = plan(
            &tracked,
            &after,
            |u| {
                local.get(&u).map(|l| Local {
                    labels: l.labels.clone(),
                    counter: l.counter,
                    icon: l.icon.clone(),
                })
            },
            100,
        );
        assert_eq!(p.add, [3]);
        assert_eq!(p.update, [(ids[0], 0)]);
        assert_eq!(p.kept_local, [ids[1]]);
        assert_eq!(p.removed, [ids[3]]);
        assert_eq!(p.keep.len(), 4, "Mail is remembered as deleted here");
        let bank = p.keep.iter().find(|t| t.account == ids[3]).unwrap();
        assert_eq!(bank.removed, Some(100));
        // Applied again, nothing more changes, and the mark keeps its time.
        local.get_mut(&ids[0]).unwrap().labels = after[0].labels.clone();
        let again = plan(
            &p.keep,
            &after[..3],
            |u| {
                local.get(&u).map(|l| Local {
                    labels: l.labels.clone(),
                    counter: l.counter,
                    icon: l.icon.clone(),
                })
            },
            200,
        );
        assert!(again.add.is_empty() && again.update.is_empty() && again.removed.is_empty());
        assert_eq!(
            again
                .keep
                .iter()
                .find(|t| t.account == ids[3])
                .unwrap()
                .removed,
            Some(100)
        );
        // Bank comes back.
        let back = plan(
            &p.keep,
            &before,
            |u| {
                local.get(&u).map(|l| Local {
                    labels: l.labels.clone(),
                    counter: l.counter,
                    icon: l.icon.clone(),
                })
            },
            300,
        );
        assert_eq!(back.returned, [ids[3]]);
        assert!(back.add.is_empty());
    }

    #[test]
    fn an_id_with_another_secret_is_another_account() {
        let old = account("GitHub", "me", 1);
        let reset = account("GitHub", "me", 7);
        let u = Uuid::new_v4();
        let e = entry(Some("a"), &old);
        let t = vec![tracked(u, &e)];
        let p = plan(
            &t,
            &[entry(Some("a"), &reset)],
            |_| {
                Some(Local {
                    labels: e.labels.clone(),
                    counter: None,
                    icon: super::super::keys::icon(None),
                })
            },
            5,
        );
        assert_eq!(p.add, [0]);
        assert_eq!(p.removed, [u]);
    }

    #[test]
    fn without_ids_a_rename_is_recognised_by_the_secret() {
        let old = account("GitHub", "me", 1);
        let renamed = account("GitHub", "work", 1);
        let u = Uuid::new_v4();
        let e = entry(None, &old);
        let p = plan(
            &[tracked(u, &e)],
            &[entry(None, &renamed)],
            |_| {
                Some(Local {
                    labels: e.labels.clone(),
                    counter: None,
                    icon: super::super::keys::icon(None),
                })
            },
            5,
        );
        assert_eq!(p.update, [(u, 0)]);
        assert!(p.add.is_empty() && p.removed.is_empty());
    }

    #[test]
    fn hotp_counters_only_move_forward() {
        let mut a = account("Bank", "me", 4);
        a.params = OtpParams::hotp(Algorithm::Sha1, 6, 10);
        let u = Uuid::new_v4();
        let e = entry(Some("a"), &a);
        let t = vec![tracked(u, &e)];
        let at = |counter| {
            plan(
                &t,
                &[entry(Some("a"), &a)],
                |_| {
                    Some(Local {
                        labels: e.labels.clone(),
                        counter: Some(counter),
                        icon: super::super::keys::icon(None),
                    })
                },
                5,
            )
        };
        assert_eq!(at(3).counters, [(u, 10)]);
        assert!(at(10).counters.is_empty());
        assert!(at(25).counters.is_empty(), "never back");
    }

    proptest! {
        /// Whatever backups arrive, in whatever order and however often: every account that
        /// came from the folder and was not deleted in Ninsho is still tracked (nothing lost),
        /// each tracked account once; and applying the same backup twice changes nothing the
        /// second time.
        #[test]
        fn nothing_is_lost_and_applying_twice_is_idempotent(
            backups in prop::collection::vec(prop::collection::vec((0u8..8, 0u8..3), 0..8), 1..6),
        ) {
            let pool: Vec<Vec<Account>> = (0u8..8)
                .map(|k| (0u8..3).map(|n| account("S", &format!("n{n}"), k + 1)).collect())
                .collect();
            let mut tracked: Vec<Tracked> = Vec::new();
            let mut labels: HashMap<Uuid, Fingerprint> = HashMap::new();
            let mut ever: Vec<Uuid> = Vec::new();
            for (round, backup) in backups.iter().enumerate() {
                // One entry per secret, its id following the secret; its name varies.
                let mut seen = std::collections::HashSet::new();
                let chosen: Vec<(String, &Account)> = backup
                    .iter()
                    .filter(|(k, _)| seen.insert(*k))
                    .map(|(k, n)| (format!("id{k}"), &pool[*k as usize][*n as usize]))
                    .collect();
                let entries: Vec<Entry> = chosen
                    .iter()
                    .map(|(id, a)| entry(Some(id.as_str()), a))
                    .collect();
                let local = |u: Uuid| labels.get(&u).map(|l| Local { labels: l.clone(), counter: None, icon: super::super::keys::icon(None) });
                let p = plan(&tracked, &entries, local, round as u64);
                let mut next = p.keep.clone();
                for (u, i) in &p.update {
                    labels.insert(*u, entries[*i].labels.clone());
                }
                for i in &p.add {
                    let u = Uuid::new_v4();
                    labels.insert(u, entries[*i].labels.clone());
                    next.push(tracked_from(u, &entries[*i]));
                    ever.push(u);
                }
                tracked = next;
                for u in &ever {
                    prop_assert_eq!(tracked.iter().filter(|t| t.account == *u).count(), 1);
                }
                let local = |u: Uuid| labels.get(&u).map(|l| Local { labels: l.clone(), counter: None, icon: super::super::keys::icon(None) });
                let q = plan(&tracked, &entries, local, round as u64 + 1);
                prop_assert!(q.add.is_empty() && q.update.is_empty() && q.removed.is_empty());
                prop_assert_eq!(&q.keep.len(), &tracked.len());
            }
        }
    }

    fn tracked_from(u: Uuid, e: &Entry) -> Tracked {
        tracked(u, e)
    }
}
