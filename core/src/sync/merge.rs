//! The merge, as a pure function: what this device's vault must do so that it holds, for every
//! account, the newest version any device has written, and what this device's file says.
//!
//! Each account has a sync id, the same on every device: a keyed hash of its secret (so the
//! same account added on two devices at once is one account), or for a deliberate second copy
//! with the same secret, a keyed hash of the secret and the copy's local id. Per id:
//!
//! - **Last writer wins**: the version with the largest [`Stamp`] (hybrid clock, then device
//!   id) is the account's state everywhere. A deletion is a version without a body (a
//!   tombstone) and wins over older versions like any other.
//! - **HOTP counters** are merged apart from the rest: the largest counter any device has
//!   written is taken, whichever version wins, so a code used on one device is never shown
//!   again on another.
//! - **Local changes** are found by comparing each account with the digest recorded when it
//!   was last published or applied: a different digest is a change made here, stamped now. A
//!   local account that is already in the folder (added on two devices, or added here just
//!   before a crash) takes the folder's version instead of being stamped.
//! - **Accounts whose keychain item cannot be read** are neither published nor deleted: one
//!   broken item never becomes a deletion on every device.
//! - **Tombstones** are kept for good. They are small (an id and a stamp), and any time limit
//!   lets an old copy of a device file (a cloud folder's version history, Syncthing's
//!   `.stversions`) or a device that was away longer bring a deleted account back.
//!
//! The same files in any order, late, twice, or as a sync engine's conflict copies give the
//! same result: merging is idempotent and commutative (property-tested below).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::clock::{Hlc, Stamp};
use crate::otp::{Algorithm, OtpType};

/// Everything a device knows of an account, secret included. Lives only in memory and,
/// encrypted, in device files.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    #[serde(default)]
    pub issuer: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub otp_type: OtpType,
    pub algorithm: Algorithm,
    pub digits: u8,
    #[serde(default)]
    pub period: Option<u32>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub pinned: bool,
    #[serde(default)]
    pub icon: Option<String>,
    /// Absent when there are none, so a body without sites digests as before.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::site::binding::lenient"
    )]
    pub domains: Vec<crate::site::Binding>,
    /// Base32.
    pub secret: Zeroizing<String>,
    /// An mOTP or Yandex account's PIN; absent otherwise, so other bodies digest as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Zeroizing<String>>,
    #[serde(default)]
    pub recovery: Vec<Zeroizing<String>>,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("type", &self.otp_type)
            .field("recovery", &self.recovery.len())
            .finish_non_exhaustive()
    }
}

/// One account in a device file: its newest version this device knows, and the largest
/// HOTP counter it knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub stamp: Stamp,
    #[serde(default)]
    pub counter: u64,
    /// `None`: deleted (a tombstone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
}

/// What `sync.json` remembers of an account: which local account it is, the version this
/// device holds, and a keyed digest of that version's body (never the body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracked {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Uuid>,
    pub stamp: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(default)]
    pub counter: u64,
}

/// An account of this device's vault, as the merge sees it.
#[derive(Debug, Clone)]
pub struct Local {
    pub id: Uuid,
    pub body: Body,
    pub counter: u64,
}

/// The keyed hashes the merge needs (keyed with the sync key, so `sync.json` and the
/// folder's ids reveal nothing of a secret).
pub trait Keys {
    /// The body without its HOTP counter, hashed.
    fn digest(&self, body: &Body) -> String;
    /// The sync id of an account with this secret.
    fn id(&self, body: &Body) -> String;
    /// The sync id of a second copy of an account with the same secret.
    fn copy_id(&self, body: &Body, local: Uuid) -> String;
}

/// A version to bring into the vault.
#[derive(Debug, Clone)]
pub struct Apply {
    pub id: String,
    pub stamp: Stamp,
    pub body: Body,
    pub counter: u64,
}

/// What the vault must do. Each change is recorded in the tracked entries (with
/// [`record_add`] and friends) only once the vault has made it, so a failed one is tried
/// again on the next merge.
#[derive(Debug, Default)]
pub struct Plan {
    pub add: Vec<Apply>,
    pub update: Vec<(Uuid, Apply)>,
    pub delete: Vec<(Uuid, String, Stamp)>,
    /// HOTP counters to move forward: (local account, sync id, counter).
    pub counters: Vec<(Uuid, String, u64)>,
    /// Local changes stamped in this step.
    pub stamped: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty()
            && self.update.is_empty()
            && self.delete.is_empty()
            && self.counters.is_empty()
    }
}

/// The newest version of each account over `files`, and its largest HOTP counter.
fn newest<'a>(files: &[&'a [Entry]]) -> Newest<'a> {
    let mut best: BTreeMap<&str, &Entry> = BTreeMap::new();
    let mut counters: HashMap<&str, u64> = HashMap::new();
    for entry in files.iter().flat_map(|f| f.iter()) {
        let slot = best.entry(entry.id.as_str()).or_insert(entry);
        if entry.stamp > slot.stamp {
            *slot = entry;
        }
        if entry.body.is_some() {
            let c = counters.entry(entry.id.as_str()).or_insert(0);
            *c = (*c).max(entry.counter);
        }
    }
    (best, counters)
}

/// What one merge step reads: this device, its clock's reading, the vault's accounts (and
/// those whose keychain item cannot be read), the entries of every device file read (this
/// device's own included), and the keyed hashes.
pub struct Inputs<'a> {
    pub device: Uuid,
    pub now_ms: u64,
    pub local: &'a [Local],
    pub unreadable: &'a HashSet<Uuid>,
    pub files: &'a [&'a [Entry]],
    pub keys: &'a dyn Keys,
}

/// The newest version of each account in the folder, and its largest HOTP counter.
type Newest<'a> = (BTreeMap<&'a str, &'a Entry>, HashMap<&'a str, u64>);

/// One merge step: stamps this device's changes since the last step into `tracked`, then
/// plans what the vault must do to hold the newest version of every account in the folder.
pub fn step(tracked: &mut BTreeMap<String, Tracked>, clock: &mut Hlc, inputs: &Inputs) -> Plan {
    let newest = newest(inputs.files);
    for entry in newest.0.values() {
        clock.observe(&entry.stamp);
    }
    let mut plan = Plan {
        stamped: stamp_local(tracked, clock, inputs, &newest.0),
        ..Plan::default()
    };
    plan_newer(tracked, inputs, &newest, &mut plan);
    plan
}

/// Stamps this device's changes since the last step (added, edited, deleted here) into
/// `tracked`; returns how many it stamped.
fn stamp_local(
    tracked: &mut BTreeMap<String, Tracked>,
    clock: &mut Hlc,
    inputs: &Inputs,
    best: &BTreeMap<&str, &Entry>,
) -> usize {
    let Inputs {
        device,
        now_ms,
        local,
        unreadable,
        keys,
        ..
    } = *inputs;
    let mut stamped = 0;
    let present: HashSet<Uuid> = local
        .iter()
        .map(|l| l.id)
        .chain(unreadable.iter().copied())
        .collect();
    let mut mapped: HashMap<Uuid, String> = tracked
        .iter()
        .filter_map(|(id, t)| Some((t.local?, id.clone())))
        .collect();
    for l in local {
        let digest = keys.digest(&l.body);
        if let Some(id) = mapped.get(&l.id) {
            let Some(t) = tracked.get_mut(id) else {
                continue;
            };
            if t.digest.as_deref() != Some(digest.as_str()) {
                match best.get(id.as_str()) {
                    // The folder's newest version, applied here before a crash kept the
                    // step from recording it.
                    Some(b)
                        if b.stamp > t.stamp
                            && b.body.as_ref().map(|b| keys.digest(b)).as_ref()
                                == Some(&digest) =>
                    {
                        t.stamp = b.stamp
                    }
                    _ => {
                        t.stamp = clock.tick(now_ms, device);
                        stamped += 1;
                    }
                }
                t.digest = Some(digest);
            }
            t.counter = t.counter.max(l.counter);
            continue;
        }
        let mut id = keys.id(&l.body);
        let taken = tracked
            .get(&id)
            .and_then(|t| t.local)
            .is_some_and(|other| other != l.id && present.contains(&other));
        if taken {
            id = keys.copy_id(&l.body, l.id);
        }
        let prior = tracked.get(&id).map(|t| t.stamp).unwrap_or(Stamp::ZERO);
        let counter = tracked
            .get(&id)
            .map(|t| t.counter)
            .unwrap_or(0)
            .max(l.counter);
        let adopted = match best.get(id.as_str()) {
            // Already in the folder (the same account added on another device, or added
            // here before a crash): the folder's version wins, applied below.
            Some(b) if b.body.is_some() && b.stamp > prior => {
                let same = b.body.as_ref().map(|b| keys.digest(b)).as_ref() == Some(&digest);
                Some(if same { b.stamp } else { prior })
            }
            _ => None,
        };
        let stamp = adopted.unwrap_or_else(|| {
            stamped += 1;
            clock.tick(now_ms, device)
        });
        tracked.insert(
            id.clone(),
            Tracked {
                local: Some(l.id),
                stamp,
                digest: Some(digest),
                counter,
            },
        );
        mapped.insert(l.id, id);
    }
    for t in tracked.values_mut() {
        if let Some(x) = t.local
            && !present.contains(&x)
        {
            // Deleted here.
            t.local = None;
            t.digest = None;
            t.stamp = clock.tick(now_ms, device);
            stamped += 1;
        }
    }
    stamped
}

/// Plans what the vault must do for the folder's versions newer than what this device
/// tracks, and for HOTP counters that moved forward elsewhere.
fn plan_newer(
    tracked: &mut BTreeMap<String, Tracked>,
    inputs: &Inputs,
    (best, counters): &Newest,
    plan: &mut Plan,
) {
    let keys = inputs.keys;
    let unreadable = inputs.unreadable;
    let here: HashMap<Uuid, u64> = inputs.local.iter().map(|l| (l.id, l.counter)).collect();
    for (id, b) in best {
        let cmax = counters.get(id).copied().unwrap_or(0);
        let t = tracked.get(*id);
        let newer = t.is_none_or(|t| b.stamp > t.stamp);
        let local_id = t.and_then(|t| t.local);
        if local_id.is_some_and(|x| unreadable.contains(&x)) {
            continue; // nothing can be applied to an account whose item cannot be read
        }
        let counter = cmax.max(t.map(|t| t.counter).unwrap_or(0));
        if newer {
            match (&b.body, local_id) {
                (None, Some(x)) => plan.delete.push((x, id.to_string(), b.stamp)),
                (None, None) => {
                    tracked.insert(
                        id.to_string(),
                        Tracked {
                            local: None,
                            stamp: b.stamp,
                            digest: None,
                            counter,
                        },
                    );
                }
                (Some(body), Some(x)) => {
                    let apply = Apply {
                        id: id.to_string(),
                        stamp: b.stamp,
                        body: body.clone(),
                        counter,
                    };
                    let t = t.cloned();
                    if t.as_ref().and_then(|t| t.digest.clone()) == Some(keys.digest(body)) {
                        // The same content under a newer stamp: nothing to change here.
                        if let Some(t) = tracked.get_mut(*id) {
                            t.stamp = b.stamp;
                        }
                        if counter > here.get(&x).copied().unwrap_or(0) {
                            plan.counters.push((x, id.to_string(), counter));
                        }
                    } else {
                        plan.update.push((x, apply));
                    }
                }
                (Some(body), None) => plan.add.push(Apply {
                    id: id.to_string(),
                    stamp: b.stamp,
                    body: body.clone(),
                    counter,
                }),
            }
        } else if let Some(x) = local_id
            && counter > here.get(&x).copied().unwrap_or(0)
        {
            plan.counters.push((x, id.to_string(), counter));
        }
    }
}

/// The vault added `a` as local account `local`.
pub fn record_add(
    tracked: &mut BTreeMap<String, Tracked>,
    a: &Apply,
    local: Uuid,
    keys: &dyn Keys,
) {
    tracked.insert(
        a.id.clone(),
        Tracked {
            local: Some(local),
            stamp: a.stamp,
            digest: Some(keys.digest(&a.body)),
            counter: a.counter,
        },
    );
}

/// The vault deleted the account of `id` (tombstone `stamp`).
pub fn record_delete(tracked: &mut BTreeMap<String, Tracked>, id: &str, stamp: Stamp) {
    let counter = tracked.get(id).map(|t| t.counter).unwrap_or(0);
    tracked.insert(
        id.to_owned(),
        Tracked {
            local: None,
            stamp,
            digest: None,
            counter,
        },
    );
}

/// The vault moved the HOTP counter of `id` to `counter`.
pub fn record_counter(tracked: &mut BTreeMap<String, Tracked>, id: &str, counter: u64) {
    if let Some(t) = tracked.get_mut(id) {
        t.counter = t.counter.max(counter);
    }
}

/// This device's file: every tracked account whose local copy is exactly the tracked version,
/// with its body, and every tombstone. Sorted by id, so the same state gives the same file.
pub fn publish(
    tracked: &BTreeMap<String, Tracked>,
    local: &[Local],
    keys: &dyn Keys,
) -> Vec<Entry> {
    let by_id: HashMap<Uuid, &Local> = local.iter().map(|l| (l.id, l)).collect();
    tracked
        .iter()
        .filter_map(|(id, t)| match t.local {
            None => Some(Entry {
                id: id.clone(),
                stamp: t.stamp,
                counter: t.counter,
                body: None,
            }),
            Some(x) => {
                let l = by_id.get(&x)?;
                // A change made since the step is published by the next step, stamped.
                (t.digest.as_deref() == Some(keys.digest(&l.body).as_str())).then(|| Entry {
                    id: id.clone(),
                    stamp: t.stamp,
                    counter: t.counter.max(l.counter),
                    body: Some(l.body.clone()),
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    /// Plain hashes: the keyed ones are the engine's; the merge only needs them to be stable.
    struct TestKeys;
    impl Keys for TestKeys {
        fn digest(&self, b: &Body) -> String {
            format!(
                "{:?}|{}|{:?}|{:?}|{}|{}|{:?}|{}",
                b.issuer, b.name, b.group, b.icon, b.pinned, b.digits, b.otp_type, *b.secret
            )
        }
        fn id(&self, b: &Body) -> String {
            format!("id-{}", *b.secret)
        }
        fn copy_id(&self, b: &Body, local: Uuid) -> String {
            format!("id-{}-{local}", *b.secret)
        }
    }

    fn body(secret: &str, name: &str, hotp: bool) -> Body {
        Body {
            issuer: Some("Site".into()),
            name: name.into(),
            otp_type: if hotp { OtpType::Hotp } else { OtpType::Totp },
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: None,
            group: None,
            pinned: false,
            icon: None,
            domains: Vec::new(),
            secret: Zeroizing::new(secret.into()),
            pin: None,
            recovery: Vec::new(),
        }
    }

    /// A simulated device: its vault, its sync state, and its file as last written.
    #[derive(Default)]
    struct Device {
        id: Uuid,
        vault: BTreeMap<Uuid, Local>,
        tracked: BTreeMap<String, Tracked>,
        clock: Hlc,
        file: Vec<Entry>,
    }

    impl Device {
        fn new(n: u128) -> Self {
            Device {
                id: Uuid::from_u128(n),
                ..Device::default()
            }
        }

        fn locals(&self) -> Vec<Local> {
            self.vault.values().cloned().collect()
        }

        /// A merge as the engine does it: step, apply, publish.
        fn sync(&mut self, files: &[Vec<Entry>], now: u64) {
            let locals = self.locals();
            let mut all: Vec<&[Entry]> = files.iter().map(|f| f.as_slice()).collect();
            all.push(&self.file);
            let plan = step(
                &mut self.tracked,
                &mut self.clock,
                &Inputs {
                    device: self.id,
                    now_ms: now,
                    local: &locals,
                    unreadable: &HashSet::new(),
                    files: &all,
                    keys: &TestKeys,
                },
            );
            for a in &plan.add {
                let id = Uuid::new_v4();
                self.vault.insert(
                    id,
                    Local {
                        id,
                        body: a.body.clone(),
                        counter: a.counter,
                    },
                );
                record_add(&mut self.tracked, a, id, &TestKeys);
            }
            for (x, a) in &plan.update {
                if let Some(l) = self.vault.get_mut(x) {
                    l.body = a.body.clone();
                    l.counter = l.counter.max(a.counter);
                }
                record_add(&mut self.tracked, a, *x, &TestKeys);
            }
            for (x, id, stamp) in &plan.delete {
                self.vault.remove(x);
                record_delete(&mut self.tracked, id, *stamp);
            }
            for (x, id, c) in &plan.counters {
                if let Some(l) = self.vault.get_mut(x) {
                    l.counter = l.counter.max(*c);
                }
                record_counter(&mut self.tracked, id, *c);
            }
            self.file = publish(&self.tracked, &self.locals(), &TestKeys);
        }

        /// What a person sees: (secret, name, counter) of every account.
        fn seen(&self) -> BTreeSet<(String, String, u64)> {
            self.vault
                .values()
                .map(|l| ((*l.body.secret).clone(), l.body.name.clone(), l.counter))
                .collect()
        }
    }

    #[test]
    fn an_add_an_edit_and_a_delete_travel_and_a_counter_never_goes_back() {
        let mut a = Device::new(1);
        let mut b = Device::new(2);
        let x = Uuid::new_v4();
        a.vault.insert(
            x,
            Local {
                id: x,
                body: body("AAAA", "me", true),
                counter: 5,
            },
        );
        a.sync(&[], 1_000);
        b.sync(&[a.file.clone()], 2_000);
        assert_eq!(b.seen(), a.seen());
        // B renames it; A uses two codes meanwhile.
        let bx = *b.vault.keys().next().unwrap();
        b.vault.get_mut(&bx).unwrap().body.name = "renamed".into();
        b.sync(&[a.file.clone()], 3_000);
        a.vault.get_mut(&x).unwrap().counter = 7;
        a.sync(&[b.file.clone()], 2_500);
        b.sync(&[a.file.clone()], 4_000);
        assert_eq!(
            a.seen(),
            BTreeSet::from([("AAAA".into(), "renamed".into(), 7)])
        );
        assert_eq!(b.seen(), a.seen());
        // A deletes it: the tombstone wins over B's older version.
        a.vault.clear();
        a.sync(&[b.file.clone()], 5_000);
        b.sync(&[a.file.clone()], 6_000);
        assert!(b.vault.is_empty());
        assert!(b.file.iter().all(|e| e.body.is_none()));
    }

    #[test]
    fn the_same_account_added_on_two_devices_at_once_is_one_account() {
        let mut a = Device::new(1);
        let mut b = Device::new(2);
        let (x, y) = (Uuid::new_v4(), Uuid::new_v4());
        a.vault.insert(
            x,
            Local {
                id: x,
                body: body("SAME", "from a", false),
                counter: 0,
            },
        );
        b.vault.insert(
            y,
            Local {
                id: y,
                body: body("SAME", "from b", false),
                counter: 0,
            },
        );
        a.sync(&[], 1_000);
        b.sync(&[], 1_000);
        a.sync(&[b.file.clone()], 2_000);
        b.sync(&[a.file.clone()], 2_000);
        assert_eq!(a.vault.len(), 1);
        assert_eq!(a.seen(), b.seen());
    }

    #[test]
    fn an_unreadable_account_is_neither_deleted_nor_published() {
        let mut tracked = BTreeMap::new();
        let mut clock = Hlc::default();
        let x = Uuid::new_v4();
        let l = Local {
            id: x,
            body: body("KEEP", "me", false),
            counter: 0,
        };
        let d = Uuid::from_u128(1);
        step(
            &mut tracked,
            &mut clock,
            &Inputs {
                device: d,
                now_ms: 1,
                local: &[l],
                unreadable: &HashSet::new(),
                files: &[],
                keys: &TestKeys,
            },
        );
        let before = tracked.clone();
        let plan = step(
            &mut tracked,
            &mut clock,
            &Inputs {
                device: d,
                now_ms: 2,
                local: &[],
                unreadable: &HashSet::from([x]),
                files: &[],
                keys: &TestKeys,
            },
        );
        assert!(plan.is_empty() && plan.stamped == 0);
        assert_eq!(tracked, before);
        assert!(publish(&tracked, &[], &TestKeys).is_empty());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add {
            dev: usize,
            secret: u8,
            hotp: bool,
        },
        Edit {
            dev: usize,
            pick: usize,
            name: u8,
        },
        Delete {
            dev: usize,
            pick: usize,
        },
        Use {
            dev: usize,
            pick: usize,
        },
        /// `dev` merges what it sees of the folder: each other device's file as it is now,
        /// or (when `late`) as it was some steps ago, and possibly a conflict copy of one.
        Sync {
            dev: usize,
            late: bool,
            conflict: bool,
        },
        /// An adversary who can write to the folder puts back any file ever written (any
        /// device's, this one's included) next to the current ones, and `dev` merges.
        Replay {
            dev: usize,
            from: usize,
            pick: usize,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        let dev = 0..3usize;
        prop_oneof![
            (dev.clone(), 0..6u8, any::<bool>()).prop_map(|(dev, secret, hotp)| Op::Add {
                dev,
                secret,
                hotp
            }),
            (dev.clone(), 0..8usize, 0..4u8).prop_map(|(dev, pick, name)| Op::Edit {
                dev,
                pick,
                name
            }),
            (dev.clone(), 0..8usize).prop_map(|(dev, pick)| Op::Delete { dev, pick }),
            (dev.clone(), 0..8usize).prop_map(|(dev, pick)| Op::Use { dev, pick }),
            (dev.clone(), any::<bool>(), any::<bool>()).prop_map(|(dev, late, conflict)| {
                Op::Sync {
                    dev,
                    late,
                    conflict,
                }
            }),
            (dev, 0..3usize, 0..64usize).prop_map(|(dev, from, pick)| Op::Replay {
                dev,
                from,
                pick
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Devices change accounts and merge files delivered late, twice, out of order, as
        /// conflict copies, or put back by an adversary long after (any file ever written);
        /// once every file reaches every device, all show the same accounts,
        /// no account is lost that no device deleted, and no HOTP counter went back.
        #[test]
        fn devices_converge_whatever_the_delivery(ops in prop::collection::vec(op(), 1..60)) {
            let mut devs: Vec<Device> = (1..=3).map(Device::new).collect();
            let mut history: Vec<Vec<Vec<Entry>>> = vec![Vec::new(); 3];
            let mut deleted: BTreeSet<String> = BTreeSet::new();
            let mut max_counter: BTreeMap<String, u64> = BTreeMap::new();
            let mut now = 1_000u64;
            for op in ops {
                now += 7;
                match op {
                    Op::Add { dev, secret, hotp } => {
                        let s = format!("S{secret}");
                        let d = &mut devs[dev];
                        if d.vault.values().all(|l| *l.body.secret != s) {
                            let id = Uuid::new_v4();
                            d.vault.insert(id, Local { id, body: body(&s, "new", hotp), counter: 0 });
                        }
                    }
                    Op::Edit { dev, pick, name } => {
                        let d = &mut devs[dev];
                        let n = d.vault.len().max(1);
                        if let Some(l) = d.vault.values_mut().nth(pick % n) {
                            l.body.name = format!("name {name}");
                        }
                    }
                    Op::Delete { dev, pick } => {
                        let d = &mut devs[dev];
                        let key = d.vault.keys().nth(pick % d.vault.len().max(1)).copied();
                        if let Some(k) = key && let Some(l) = d.vault.remove(&k) {
                            deleted.insert((*l.body.secret).clone());
                        }
                    }
                    Op::Use { dev, pick } => {
                        let d = &mut devs[dev];
                        let n = d.vault.len().max(1);
                        if let Some(l) = d.vault.values_mut().nth(pick % n)
                            && l.body.otp_type == OtpType::Hotp
                        {
                            l.counter += 1;
                            let m = max_counter.entry((*l.body.secret).clone()).or_insert(0);
                            *m = (*m).max(l.counter);
                        }
                    }
                    Op::Sync { dev, late, conflict } => {
                        let mut files: Vec<Vec<Entry>> = Vec::new();
                        for (o, past) in history.iter().enumerate() {
                            if o == dev { continue; }
                            let pick = if late && past.len() > 1 { &past[past.len() / 2] } else { &devs[o].file };
                            files.push(pick.clone());
                            files.push(pick.clone()); // delivered twice
                            if conflict && let Some(first) = past.first() {
                                files.push(first.clone());
                            }
                        }
                        devs[dev].sync(&files, now);
                        history[dev].push(devs[dev].file.clone());
                    }
                    Op::Replay { dev, from, pick } => {
                        let mut files: Vec<Vec<Entry>> =
                            (0..3).filter(|o| *o != dev).map(|o| devs[o].file.clone()).collect();
                        if !history[from].is_empty() {
                            files.push(history[from][pick % history[from].len()].clone());
                        }
                        devs[dev].sync(&files, now);
                        history[dev].push(devs[dev].file.clone());
                    }
                }
            }
            // Everyone's files reach everyone, a few rounds.
            for _ in 0..3 {
                for dev in 0..3 {
                    now += 7;
                    let files: Vec<Vec<Entry>> =
                        (0..3).filter(|o| *o != dev).map(|o| devs[o].file.clone()).collect();
                    devs[dev].sync(&files, now);
                }
            }
            let seen = devs[0].seen();
            prop_assert_eq!(&devs[1].seen(), &seen);
            prop_assert_eq!(&devs[2].seen(), &seen);
            // Nothing lost that was not deleted; counters at least what was used.
            let secrets: BTreeSet<String> = seen.iter().map(|(s, _, _)| s.clone()).collect();
            for s in history.iter().flatten().flatten().filter_map(|e| e.body.as_ref()).map(|b| (*b.secret).clone()) {
                if !deleted.contains(&s) {
                    prop_assert!(secrets.contains(&s), "{} was lost", s);
                }
            }
            // (A deleted and re-added secret starts a new account, with its own counter.)
            for (s, c) in max_counter.iter().filter(|(s, _)| !deleted.contains(*s)) {
                let hotp = devs[0].vault.values().any(|l| *l.body.secret == *s && l.body.otp_type == OtpType::Hotp);
                if let Some((_, _, have)) = seen.iter().find(|(x, _, _)| x == s).filter(|_| hotp) {
                    prop_assert!(have >= c, "{}'s counter went back: {} < {}", s, have, c);
                }
            }
            // One account per secret: nothing was doubled.
            prop_assert_eq!(secrets.len(), seen.len());
            // And another round changes nothing: the files are final.
            let before: Vec<Vec<Entry>> = devs.iter().map(|d| d.file.clone()).collect();
            for dev in 0..3 {
                let files: Vec<Vec<Entry>> =
                    (0..3).filter(|o| *o != dev).map(|o| devs[o].file.clone()).collect();
                devs[dev].sync(&files, now + 100);
            }
            let after: Vec<Vec<Entry>> = devs.iter().map(|d| d.file.clone()).collect();
            prop_assert_eq!(before, after);
        }
    }
}
