//! Vault operations and their failure paths, on keyring-core's mock store.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::otp::{Algorithm, OtpType, ParamError, Secret};

/// The mock store, with switches that make it fail like a locked keychain.
struct Flaky {
    inner: KeyringStore,
    locked: AtomicBool,
    fail_delete: AtomicBool,
    fail_set_after: std::sync::atomic::AtomicUsize,
    /// Writes to this one item fail (a call that timed out and never ran).
    fail_set_of: std::sync::Mutex<Option<String>>,
}

impl Flaky {
    fn new() -> Arc<Self> {
        Arc::new(Flaky {
            inner: KeyringStore::mock(),
            locked: AtomicBool::new(false),
            fail_delete: AtomicBool::new(false),
            fail_set_after: std::sync::atomic::AtomicUsize::new(usize::MAX),
            fail_set_of: std::sync::Mutex::new(None),
        })
    }

    fn locked_error() -> KeychainError {
        KeychainError::Unavailable(KeychainState::Locked {
            detail: "test".into(),
        })
    }

    fn check(&self) -> Result<(), KeychainError> {
        if self.locked.load(Ordering::SeqCst) {
            Err(Self::locked_error())
        } else {
            Ok(())
        }
    }
}

impl SecretStore for Flaky {
    fn state(&self, probe: Option<&str>) -> KeychainState {
        match self.check() {
            Ok(()) => self.inner.state(probe),
            Err(e) => e.state().cloned().unwrap_or(KeychainState::Available),
        }
    }
    fn set(&self, user: &str, data: &[u8]) -> Result<(), KeychainError> {
        self.check()?;
        if self.fail_set_of.lock().unwrap().as_deref() == Some(user) {
            return Err(Self::locked_error());
        }
        let left = self.fail_set_after.load(Ordering::SeqCst);
        if left == 0 {
            return Err(Self::locked_error());
        }
        if left != usize::MAX {
            self.fail_set_after.store(left - 1, Ordering::SeqCst);
        }
        self.inner.set(user, data)
    }
    fn get(&self, user: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError> {
        self.check()?;
        self.inner.get(user)
    }
    fn delete(&self, user: &str) -> Result<(), KeychainError> {
        self.check()?;
        if self.fail_delete.load(Ordering::SeqCst) {
            return Err(Self::locked_error());
        }
        self.inner.delete(user)
    }
    fn list(&self, prefix: &str) -> Result<Option<Vec<String>>, KeychainError> {
        self.check()?;
        self.inner.list(prefix)
    }
    fn get_all(&self) -> Result<Option<Vec<Zeroizing<Vec<u8>>>>, KeychainError> {
        self.check()?;
        self.inner.get_all()
    }
}

fn account(issuer: &str, name: &str, key: &[u8]) -> Account {
    Account::new(
        Some(issuer),
        name,
        OtpParams::totp(Algorithm::Sha1, 6, 30),
        Secret::from_bytes(key).unwrap(),
    )
}

fn setup() -> (tempfile::TempDir, Arc<Flaky>, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let store = Flaky::new();
    let vault = Vault::open(dir.path(), store.clone()).unwrap();
    (dir, store, vault)
}

fn reopen(dir: &tempfile::TempDir, store: &Arc<Flaky>) -> Vault {
    Vault::open(dir.path(), store.clone()).unwrap()
}

fn file_text(dir: &tempfile::TempDir) -> String {
    std::fs::read_to_string(dir.path().join(FILE)).unwrap()
}

#[test]
fn add_list_codes_and_nothing_secret_on_disk() {
    let (dir, store, mut vault) = setup();
    let key = b"12345678901234567890";
    let id = vault.add(&account("GitHub", "alice", key), false).unwrap();
    vault
        .add(&account("GitLab", "bob", b"another key 123"), false)
        .unwrap();

    let mut vault = reopen(&dir, &store);
    let list = vault.accounts();
    assert_eq!(
        list.iter().map(|a| a.label()).collect::<Vec<_>>(),
        ["GitHub (alice)", "GitLab (bob)"]
    );
    let codes = vault.codes(59).unwrap();
    // RFC 6238 SHA1 seed at T=59, 6-digit view of 94287082.
    assert_eq!(codes[0].current.as_ref().unwrap().value, "287082");
    assert_eq!(codes[0].id, id);

    let text = file_text(&dir);
    let b32 = Secret::from_bytes(key).unwrap().to_base32();
    assert!(
        !text.contains(b32.as_str()) && !text.contains("1234567890"),
        "secret in the metadata file"
    );
    // The keychain item holds the key under <vault id>/<account id>.
    let item = store
        .inner
        .get(&format!("{}/{}", vault.vault_id(), id))
        .unwrap()
        .unwrap();
    assert_eq!(Item::decode(&item).unwrap().secret.as_bytes(), key);
}

#[test]
fn an_motp_or_yandex_pin_lives_only_in_the_keychain_item() {
    use crate::otp::Pin;
    let (dir, store, mut vault) = setup();
    let motp = Account::new(
        Some("Campus VPN"),
        "mika",
        OtpParams::motp(),
        Secret::from_bytes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]).unwrap(),
    );
    // Without its PIN the account is refused, and nothing is written.
    assert!(matches!(
        vault.add(&motp, false),
        Err(VaultError::InvalidAccount(ParamError::PinRequired(
            OtpType::Motp
        )))
    ));
    assert!(vault.accounts().is_empty());
    let pin = "739146";
    let id = vault
        .add(&motp.clone().with_pin(Some(Pin::new(pin).unwrap())), false)
        .unwrap();

    let mut vault = reopen(&dir, &store);
    // tests/fixtures/otp/pin_kinds.py: key 0123456789abcdef, a PIN of 1234 at 10^9 s is
    // "5ed2dc"; with this PIN the code differs, and is the same after a reopen.
    let code = vault.code(id, 1_000_000_000).unwrap();
    assert_eq!(code.value.len(), 6);
    assert_ne!(code.value, "5ed2dc");
    assert_eq!(code.valid_until, Some(1_000_000_010));
    assert_eq!(vault.account(id).unwrap().pin.unwrap().as_str(), pin);
    assert!(
        !file_text(&dir).contains(pin),
        "the PIN in the metadata file"
    );
    let item = store
        .inner
        .get(&format!("{}/{}", vault.vault_id(), id))
        .unwrap()
        .unwrap();
    let item = Item::decode(&item).unwrap();
    assert_eq!(item.pin.as_ref().map(Pin::as_str), Some(pin));
    assert!(!format!("{item:?} {:?}", vault.account(id).unwrap()).contains(pin));
    vault.set_pin(id, Some(Pin::new("1234").unwrap())).unwrap();
    assert_eq!(vault.code(id, 1_000_000_000).unwrap().value, "5ed2dc");
}

#[test]
fn duplicates_by_secret_and_by_label() {
    let (_dir, _store, mut vault) = setup();
    vault
        .add(&account("GitHub", "alice", b"key-one-1234"), false)
        .unwrap();
    let same_secret = vault
        .add(&account("Other", "x", b"key-one-1234"), false)
        .unwrap_err();
    assert!(
        matches!(&same_secret, VaultError::Duplicate(d) if d.same_secret),
        "{same_secret}"
    );
    assert!(
        same_secret
            .to_string()
            .contains("GitHub (alice) already has this secret")
    );
    let same_label = vault
        .add(&account("github", "ALICE", b"key-two-1234"), false)
        .unwrap_err();
    assert!(matches!(&same_label, VaultError::Duplicate(d) if !d.same_secret));
    vault
        .add(&account("github", "ALICE", b"key-two-1234"), true)
        .unwrap();
    // Within one batch too.
    let results = vault
        .add_many(
            &[
                account("Batch", "a", b"batch-key-1"),
                account("Batch", "a", b"batch-key-2"),
            ],
            false,
        )
        .unwrap();
    assert!(results[0].is_ok() && matches!(results[1], Err(VaultError::Duplicate(_))));
    assert_eq!(vault.accounts().len(), 3);
}

/// Whether adding `second` after `first` is refused as a duplicate, with `first` already in
/// the vault (`batch` false) or earlier in the same batch (`batch` true).
fn refused_after(first: &Account, second: &Account, batch: bool) -> bool {
    let (_dir, _store, mut vault) = setup();
    let results = if batch {
        vault
            .add_many(&[first.clone(), second.clone()], false)
            .unwrap()
    } else {
        vec![vault.add(first, false), vault.add(second, false)]
    };
    assert!(results[0].is_ok());
    match &results[1] {
        Ok(_) => false,
        Err(VaultError::Duplicate(_)) => true,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_batch_and_the_vault_apply_one_duplicate_rule() {
    for &((i1, n1), (i2, n2), same) in duplicates::PAIRS {
        let first = account(i1, n1, b"first-key-123");
        let second = account(i2, n2, b"second-key-45");
        assert_eq!(
            refused_after(&first, &second, false),
            same,
            "{i1}/{n1} in the vault, then {i2}/{n2}"
        );
        assert_eq!(
            refused_after(&first, &second, true),
            same,
            "{i1}/{n1} then {i2}/{n2} in one batch"
        );
    }
}

#[test]
fn unicode_case_is_folded_within_a_batch_and_across_vault_and_batch() {
    let upper = account("ÉCOLE", "ÉLÈVE", b"school-key-1");
    let lower = account("école", "élève", b"school-key-2");
    let (_dir, _store, mut vault) = setup();
    let results = vault
        .add_many(&[upper.clone(), lower.clone()], false)
        .unwrap();
    assert!(
        matches!(&results[1], Err(VaultError::Duplicate(d)) if !d.same_secret),
        "{:?}",
        results[1]
    );
    let results = vault
        .add_many(&[account("Other", "x", b"other-key-1"), lower], false)
        .unwrap();
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(VaultError::Duplicate(_))));
    assert!(
        vault
            .find_duplicate(&account("STRASSE", "é", b"k-3-12345"))
            .unwrap()
            .is_none()
    );
    vault
        .add(&account("Straße", "é", b"k-4-12345"), false)
        .unwrap();
    assert!(matches!(
        vault.add(&account("STRASSE", "É", b"k-5-12345"), false),
        Err(VaultError::Duplicate(_))
    ));
}

#[test]
fn a_batch_refuses_a_secret_it_repeats() {
    let (_dir, _store, mut vault) = setup();
    let results = vault
        .add_many(
            &[
                account("A", "a", b"shared-key-1"),
                account("B", "b", b"shared-key-1"),
            ],
            false,
        )
        .unwrap();
    assert!(results[0].is_ok());
    assert!(
        matches!(&results[1], Err(VaultError::Duplicate(d)) if d.same_secret),
        "{:?}",
        results[1]
    );
    assert_eq!(vault.accounts().len(), 1);
}

#[test]
fn an_account_added_with_its_sources_sites_is_bound_to_them_alone() {
    let (_dir, _store, mut vault) = setup();
    let sites = |names: &[&str]| Binding::parse_all(names).unwrap();
    let listed = |vault: &Vault, id: Uuid| -> Vec<String> {
        vault
            .get(id)
            .unwrap()
            .domains
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let results = vault
        .add_many_bound(
            &[
                account("GitHub", "given", b"k-given-123"),
                account("GitHub", "none", b"k-none-1234"),
                account("GitHub", "emptied", b"k-empty-123"),
                account("GitHub", "past the list", b"k-past-1234"),
            ],
            &[
                Some(sites(&["ghe.example.com", "github.com", "ghe.example.com"])),
                None,
                Some(vec![]),
            ],
            &[],
            false,
        )
        .unwrap();
    let ids: Vec<Uuid> = results.into_iter().map(Result::unwrap).collect();
    // The source's list, each site once, an exact host kept exact.
    assert_eq!(listed(&vault, ids[0]), ["ghe.example.com", "github.com"]);
    assert!(!vault.get(ids[0]).unwrap().domains[0].is_site());
    // Without one, the known issuer's site, as for any new account.
    assert_eq!(listed(&vault, ids[1]), ["github.com"]);
    assert!(listed(&vault, ids[2]).is_empty());
    assert_eq!(listed(&vault, ids[3]), ["github.com"]);
}

#[test]
fn edit_pin_reorder() {
    let (dir, store, mut vault) = setup();
    let a = vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let b = vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    let c = vault.add(&account("C", "c", b"k-c-12345"), false).unwrap();
    let edited = vault
        .edit(
            b,
            &AccountEdit {
                issuer: Some(Some("  Bee ".into())),
                name: Some("bob".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(edited.label(), "Bee (bob)");
    let bad = AccountEdit {
        params: Some(OtpParams::totp(Algorithm::Sha1, 12, 30)),
        ..Default::default()
    };
    assert!(matches!(
        vault.edit(b, &bad),
        Err(VaultError::InvalidAccount(_))
    ));
    assert!(matches!(
        vault.edit(Uuid::new_v4(), &AccountEdit::default()),
        Err(VaultError::NotFound(_))
    ));

    vault.reorder(&[c, a]).unwrap();
    vault.set_pinned(b, true).unwrap();
    let vault = reopen(&dir, &store);
    let order: Vec<Uuid> = vault.accounts().iter().map(|x| x.id).collect();
    assert_eq!(order, [b, c, a]);
    assert_eq!(vault.find("bee").len(), 1);
    assert_eq!(
        vault.find(&b.to_string()[..8]).first().map(|x| x.id),
        Some(b)
    );
    assert!(vault.find("zzz").is_empty());
}

#[test]
fn delete_removes_the_item_or_leaves_a_tombstone() {
    let (dir, store, mut vault) = setup();
    let a = vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let b = vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    let user = |id: Uuid| format!("{}/{}", vault.vault_id(), id);
    let (ua, ub) = (user(a), user(b));
    assert!(vault.delete(a).unwrap());
    assert_eq!(store.inner.get(&ua).unwrap(), None);

    store.fail_delete.store(true, Ordering::SeqCst);
    assert!(
        !vault.delete(b).unwrap(),
        "the keychain refused; the item stays for now"
    );
    assert!(vault.accounts().is_empty());
    assert!(
        file_text(&dir).contains(&b.to_string()),
        "tombstone recorded"
    );
    assert!(store.inner.get(&ub).unwrap().is_some());

    store.fail_delete.store(false, Ordering::SeqCst);
    let vault = reopen(&dir, &store);
    assert!(vault.meta.tombstones.is_empty());
    assert_eq!(store.inner.get(&ub).unwrap(), None);
    assert!(!file_text(&dir).contains(&b.to_string()));
}

#[test]
fn hotp_counter_is_saved_before_the_code() {
    let (dir, store, mut vault) = setup();
    let mut hotp = account("Bank", "h", b"12345678901234567890");
    hotp.params = OtpParams::hotp(Algorithm::Sha1, 6, 0);
    let id = vault.add(&hotp, false).unwrap();
    assert_eq!(vault.hotp_next(id).unwrap().value, "755224");
    assert_eq!(vault.hotp_next(id).unwrap().value, "287082");
    let mut vault = reopen(&dir, &store);
    assert_eq!(vault.get(id).unwrap().counter, Some(2));
    assert_eq!(vault.hotp_next(id).unwrap().value, "359152");
    assert!(vault.codes(0).unwrap()[0].current.is_none());

    // With the keychain locked, nothing advances.
    let mut vault = reopen(&dir, &store);
    store.locked.store(true, Ordering::SeqCst);
    assert!(vault.hotp_next(id).unwrap_err().keychain_state().is_some());
    store.locked.store(false, Ordering::SeqCst);
    assert_eq!(reopen(&dir, &store).get(id).unwrap().counter, Some(3));

    let totp = vault.add(&account("T", "t", b"k-t-12345"), false).unwrap();
    assert!(matches!(
        vault.hotp_next(totp),
        Err(VaultError::NotHotp { .. })
    ));
}

#[test]
fn recovery_codes_live_in_the_keychain_item() {
    let (dir, store, mut vault) = setup();
    let id = vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    vault
        .set_recovery_codes(id, &["  1111-2222 ".into(), "".into(), "3333-4444".into()])
        .unwrap();
    let mut vault = reopen(&dir, &store);
    let codes: Vec<String> = vault
        .recovery_codes(id)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(codes, ["1111-2222", "3333-4444"]);
    assert!(!file_text(&dir).contains("1111-2222"));
    let too_many: Vec<String> = (0..300).map(|i| format!("recovery-code-{i:04}")).collect();
    assert!(matches!(
        vault.set_recovery_codes(id, &too_many),
        Err(VaultError::Item(ItemError::TooLarge { .. }))
    ));
    assert_eq!(
        vault.recovery_codes(id).unwrap().len(),
        2,
        "unchanged after the refusal"
    );
}

#[test]
fn interrupted_adds_complete_or_roll_back_and_orphans_stay_offered() {
    let (dir, store, mut vault) = setup();
    let kept = vault
        .add(&account("Kept", "k", b"k-k-12345"), false)
        .unwrap();
    let vault_id = vault.vault_id();
    // Simulate crashes: one add stopped after its keychain write, one before it.
    let mut meta = Metadata::parse(file_text(&dir).as_bytes()).unwrap();
    let mut written = meta.accounts[0].clone();
    written.id = Uuid::new_v4();
    written.name = "written".into();
    let mut not_written = written.clone();
    not_written.id = Uuid::new_v4();
    meta.pending = vec![written.clone(), not_written.clone()];
    std::fs::write(dir.path().join(FILE), meta.to_bytes()).unwrap();
    let item = |owner: &str| {
        Item::new(
            owner.to_owned(),
            Secret::from_bytes(b"written-key").unwrap(),
            secrets::item_account(&written),
            "test".into(),
        )
        .encode()
        .unwrap()
    };
    let written_user = format!("{vault_id}/{}", written.id);
    store
        .inner
        .set(&written_user, &item(&written_user))
        .unwrap();
    // And an item no account owns (an older crash).
    let orphan = format!("{vault_id}/{}", Uuid::new_v4());
    store.inner.set(&orphan, &item(&orphan)).unwrap();
    // Another vault's items are not ours to touch.
    let foreign = format!("{}/{}", Uuid::new_v4(), Uuid::new_v4());
    store.inner.set(&foreign, &item(&foreign)).unwrap();

    let mut vault = reopen(&dir, &store);
    let ids: Vec<Uuid> = vault.accounts().iter().map(|a| a.id).collect();
    assert_eq!(ids, [kept, written.id]);
    assert!(vault.meta.pending.is_empty());
    // The orphan is never deleted on its own: it is offered back.
    assert!(store.inner.get(&orphan).unwrap().is_some());
    let orphans = vault.orphans().unwrap();
    assert_eq!(orphans.len(), 1);
    assert_eq!(format!("{vault_id}/{}", orphans[0].id), orphan);
    assert!(store.inner.get(&foreign).unwrap().is_some());
    assert_eq!(vault.codes(0).unwrap().len(), 2);
}

#[test]
fn a_failed_keychain_write_lists_nothing() {
    let (dir, store, mut vault) = setup();
    store.fail_set_after.store(1, Ordering::SeqCst);
    let results = vault
        .add_many(
            &[
                account("A", "a", b"k-a-12345"),
                account("B", "b", b"k-b-12345"),
            ],
            false,
        )
        .unwrap();
    assert!(results[0].is_ok());
    assert!(results[1].as_ref().unwrap_err().keychain_state().is_some());
    let vault = reopen(&dir, &store);
    assert_eq!(vault.accounts().len(), 1);
    assert!(vault.meta.pending.is_empty());

    let (_dir, store, mut vault) = setup();
    store.locked.store(true, Ordering::SeqCst);
    let err = vault
        .add(&account("A", "a", b"k-a-12345"), false)
        .unwrap_err();
    assert!(
        matches!(err.keychain_state(), Some(KeychainState::Locked { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("Unlock"), "{err}");
}

#[test]
fn locked_keychain_still_lists_but_never_pretends_codes() {
    let (dir, store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    store.locked.store(true, Ordering::SeqCst);
    let mut vault = reopen(&dir, &store);
    assert_eq!(vault.accounts().len(), 1);
    assert!(matches!(
        vault.keychain_state(),
        KeychainState::Locked { .. }
    ));
    let err = vault.codes(0).unwrap_err();
    assert!(matches!(
        err.keychain_state(),
        Some(KeychainState::Locked { .. })
    ));
    store.locked.store(false, Ordering::SeqCst);
    assert_eq!(
        vault.codes(0).unwrap().len(),
        1,
        "works again once unlocked"
    );
}

#[test]
fn one_missing_or_damaged_item_marks_only_its_account() {
    let (_dir, store, mut vault) = setup();
    let a = vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let b = vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    let user = format!("{}/{}", vault.vault_id(), a);
    vault.cache.clear();
    store.inner.set(&user, b"garbage").unwrap();
    let codes = vault.codes(0).unwrap();
    assert_eq!(codes[0].problem, Some(ItemProblem::Damaged));
    assert!(codes[0].current.is_none());
    assert!(
        codes[1].current.is_some(),
        "the other account keeps its code"
    );
    assert!(matches!(
        vault.code(a, 0),
        Err(VaultError::ItemDamaged { .. })
    ));

    store.inner.delete(&user).unwrap();
    vault.cache.clear();
    let codes = vault.codes(0).unwrap();
    assert_eq!(codes[0].problem, Some(ItemProblem::Missing));
    assert_eq!(vault.problem(a), Some(ItemProblem::Missing));
    assert_eq!(vault.problem(b), None);
    let err = vault.code(a, 0).unwrap_err();
    assert!(matches!(err, VaultError::SecretMissing { .. }));
    assert_eq!(
        err.to_string(),
        "the secret of A (a) is missing from the keychain"
    );
    assert!(vault.code(b, 0).is_ok());
    // Duplicate checks still see the readable accounts.
    let again = vault.add(&account("B", "b", b"k-b-12345"), false);
    assert!(matches!(again, Err(VaultError::Duplicate(_))));
    // The item coming back heals the account.
    let restored = Item::new(
        user.clone(),
        Secret::from_bytes(b"k-a-12345").unwrap(),
        secrets::item_account(vault.get(a).unwrap()),
        vault.folder.clone(),
    );
    store.inner.set(&user, &restored.encode().unwrap()).unwrap();
    assert!(vault.codes(0).unwrap()[0].current.is_some());
    assert_eq!(vault.problem(a), None);
}

#[test]
fn items_are_text_records_and_legacy_binary_items_are_rewritten() {
    let (dir, store, mut vault) = setup();
    let id = vault
        .add(&account("GitHub", "alice", b"12345678901234567890"), false)
        .unwrap();
    let user = format!("{}/{}", vault.vault_id(), id);
    let stored = store.inner.get(&user).unwrap().unwrap();
    let text = std::str::from_utf8(&stored).unwrap();
    assert!(text.starts_with("{\"ninsho\":2,"), "{text}");
    assert!(text.contains("\"issuer\":\"GitHub\""));
    // A vault written by the earlier format: binary items, key and recovery codes only.
    let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
    store
        .inner
        .set(&user, &item::encode_legacy(&user, &secret, &["one", "two"]))
        .unwrap();
    drop(vault);
    let mut vault = reopen(&dir, &store);
    let codes = vault.codes(59).unwrap();
    assert_eq!(codes[0].current.as_ref().unwrap().value, "287082");
    let rewritten = store.inner.get(&user).unwrap().unwrap();
    let item = Item::decode(&rewritten).unwrap();
    assert!(item.is_current(), "the legacy item was rewritten");
    assert_eq!(item.account.unwrap().name, "alice");
    assert_eq!(item.recovery_codes.len(), 2);
    // Edits follow into the item.
    vault
        .edit(
            id,
            &AccountEdit {
                name: Some("alice@example.com".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let item = Item::decode(&store.inner.get(&user).unwrap().unwrap()).unwrap();
    assert_eq!(item.account.unwrap().name, "alice@example.com");
}

#[test]
fn the_keychain_alone_rebuilds_a_lost_vault() {
    let (dir, store, mut vault) = setup();
    let a = vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let gh = vault
        .add(&account("GitHub", "g", b"k-g-12345"), false)
        .unwrap();
    let hotp = Account::new(
        Some("H"),
        "h",
        OtpParams::hotp(Algorithm::Sha1, 6, 5),
        Secret::from_bytes(b"k-h-12345").unwrap(),
    );
    let h = vault.add(&hotp, false).unwrap();
    vault.set_pinned(a, true).unwrap();
    vault.hotp_next(h).unwrap();
    vault.set_recovery_codes(a, &["r-1".into()]).unwrap();
    let vault_id = vault.vault_id();
    drop(vault);
    std::fs::remove_file(dir.path().join(FILE)).unwrap();
    std::fs::remove_file(dir.path().join(BACKUP)).unwrap();

    let mut vault = reopen(&dir, &store);
    assert_eq!(vault.vault_id(), vault_id);
    assert!(vault.notices().contains(&Notice::Rebuilt { accounts: 3 }));
    let list = vault.accounts();
    assert_eq!(
        list.iter().map(|m| m.label()).collect::<Vec<_>>(),
        ["A (a)", "GitHub (g)", "H (h)"]
    );
    // A well-known issuer is bound to its site again, as when it was added.
    let sites: Vec<String> = vault
        .get(gh)
        .unwrap()
        .domains
        .iter()
        .map(|b| b.to_string())
        .collect();
    assert_eq!(sites, ["github.com"]);
    assert!(!list[0].pinned, "pins are reset");
    assert_eq!(list[2].counter, Some(6), "the HOTP counter came back");
    assert!(vault.codes(0).unwrap().iter().all(|c| c.problem.is_none()));
    assert_eq!(vault.recovery_codes(a).unwrap()[0].as_str(), "r-1");
    assert!(dir.path().join(FILE).exists(), "the rebuilt list is saved");
    // Another folder in the same keyring is another vault: it starts empty.
    let other = tempfile::tempdir().unwrap();
    let second = Vault::open(other.path(), store.clone()).unwrap();
    assert!(second.accounts().is_empty());
    assert_ne!(second.vault_id(), vault_id);

    // Both files damaged: the same.
    drop(vault);
    std::fs::write(dir.path().join(FILE), b"{ not json").unwrap();
    std::fs::write(dir.path().join(BACKUP), b"{ not json either").unwrap();
    let vault = reopen(&dir, &store);
    assert_eq!(vault.accounts().len(), 3);
    assert!(vault.notices().contains(&Notice::Rebuilt { accounts: 3 }));
}

#[test]
fn a_vault_lost_while_the_keychain_was_locked_is_rebuilt_before_the_next_add() {
    let (dir, store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let vault_id = vault.vault_id();
    drop(vault);
    std::fs::remove_file(dir.path().join(FILE)).unwrap();
    std::fs::remove_file(dir.path().join(BACKUP)).unwrap();
    store.locked.store(true, Ordering::SeqCst);
    let mut vault = reopen(&dir, &store);
    assert!(
        vault.accounts().is_empty(),
        "nothing to rebuild from while locked"
    );
    store.locked.store(false, Ordering::SeqCst);
    // Reading the list does not touch the keychain; the first add rebuilds, then adds.
    vault.refresh().unwrap();
    assert!(vault.accounts().is_empty());
    vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    assert_eq!(
        vault.vault_id(),
        vault_id,
        "the folder's vault, not a new one"
    );
    let labels: Vec<String> = vault.accounts().iter().map(AccountMeta::label).collect();
    assert_eq!(labels, ["A (a)", "B (b)"]);
    assert!(vault.notices().contains(&Notice::Rebuilt { accounts: 1 }));
}

#[test]
fn a_restored_older_vault_offers_the_newer_accounts_back() {
    let (dir, store, mut vault) = setup();
    vault
        .add(&account("Old", "o", b"k-o-12345"), false)
        .unwrap();
    let older = file_text(&dir);
    let newer = vault
        .add(&account("New", "n", b"k-n-12345"), false)
        .unwrap();
    drop(vault);
    std::fs::write(dir.path().join(FILE), &older).unwrap();
    std::fs::remove_file(dir.path().join(BACKUP)).unwrap();

    let mut vault = reopen(&dir, &store);
    assert_eq!(vault.accounts().len(), 1);
    let orphans = vault.orphans().unwrap();
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].id, newer);
    assert_eq!(orphans[0].label(), "New (n)");
    assert!(
        store
            .inner
            .get(&format!("{}/{newer}", vault.vault_id()))
            .unwrap()
            .is_some(),
        "never deleted on its own"
    );
    assert_eq!(vault.restore_orphans(&[newer]).unwrap(), 1);
    assert_eq!(vault.accounts().len(), 2);
    assert!(vault.code(newer, 0).is_ok());
    assert!(vault.orphans().unwrap().is_empty());

    // Deleting an orphan removes its item; a listed account is not an orphan.
    let id = vault
        .add(&account("Third", "t", b"k-t-12345"), false)
        .unwrap();
    let third = file_text(&dir);
    assert!(matches!(
        vault.delete_orphan(id),
        Err(VaultError::NotFound(_))
    ));
    let meta = Metadata::parse(third.as_bytes()).unwrap();
    let mut without = meta.clone();
    without.accounts.retain(|a| a.id != id);
    std::fs::write(dir.path().join(FILE), without.to_bytes()).unwrap();
    let mut vault = reopen(&dir, &store);
    vault.delete_orphan(id).unwrap();
    assert!(
        store
            .inner
            .get(&format!("{}/{id}", vault.vault_id()))
            .unwrap()
            .is_none()
    );
}

#[test]
fn an_add_settles_only_its_own_journal_entries() {
    let (dir, store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    // An earlier add was interrupted after its keychain write and its reconcile could not run.
    let mut meta = Metadata::parse(file_text(&dir).as_bytes()).unwrap();
    let mut earlier = meta.accounts[0].clone();
    earlier.id = Uuid::new_v4();
    earlier.name = "earlier".into();
    meta.pending = vec![earlier.clone()];
    std::fs::write(dir.path().join(FILE), meta.to_bytes()).unwrap();
    let user = format!("{}/{}", vault.vault_id(), earlier.id);
    let item = Item::new(
        user.clone(),
        Secret::from_bytes(b"k-e-12345").unwrap(),
        secrets::item_account(&earlier),
        vault.folder.clone(),
    );
    store.inner.set(&user, &item.encode().unwrap()).unwrap();
    // A later add (the same handle: no reconcile in between) leaves that entry pending.
    vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    let after = Metadata::parse(file_text(&dir).as_bytes()).unwrap();
    assert_eq!(
        after.pending.iter().map(|p| p.id).collect::<Vec<_>>(),
        [earlier.id]
    );
    // …and the next open completes it.
    let vault = reopen(&dir, &store);
    assert!(vault.accounts().iter().any(|a| a.id == earlier.id));
}

/// A store whose writes time out after taking effect (the worst case: the keychain wrote the
/// item, but its answer came too late).
struct SlowWrites(Arc<Flaky>);

impl SecretStore for SlowWrites {
    fn state(&self, probe: Option<&str>) -> KeychainState {
        self.0.state(probe)
    }
    fn set(&self, user: &str, data: &[u8]) -> Result<(), KeychainError> {
        self.0.set(user, data)?;
        Err(KeychainError::TimedOut(KeychainState::Locked {
            detail: "no answer".into(),
        }))
    }
    fn get(&self, user: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError> {
        self.0.get(user)
    }
    fn delete(&self, user: &str) -> Result<(), KeychainError> {
        self.0.delete(user)
    }
    fn list(&self, prefix: &str) -> Result<Option<Vec<String>>, KeychainError> {
        self.0.list(prefix)
    }
    fn get_all(&self) -> Result<Option<Vec<Zeroizing<Vec<u8>>>>, KeychainError> {
        self.0.get_all()
    }
}

#[test]
fn a_keychain_write_that_timed_out_stays_pending_and_reconciliation_settles_it() {
    let (dir, store, vault) = setup();
    drop(vault);
    let mut slow = Vault::open(dir.path(), Arc::new(SlowWrites(store.clone()))).unwrap();
    let err = slow
        .add(&account("A", "a", b"k-a-12345"), false)
        .unwrap_err();
    assert!(matches!(
        err,
        VaultError::Keychain(KeychainError::TimedOut(_))
    ));
    assert!(slow.accounts().is_empty());
    let meta = Metadata::parse(file_text(&dir).as_bytes()).unwrap();
    assert_eq!(
        meta.pending.len(),
        1,
        "the outcome is unknown: kept pending"
    );
    drop(slow);
    // The item was written after all: the next open lists the account, nothing lost.
    let mut vault = reopen(&dir, &store);
    assert_eq!(vault.accounts().len(), 1);
    assert!(vault.codes(0).unwrap()[0].current.is_some());
}

#[test]
fn damaged_file_is_kept_aside_and_backup_loaded() {
    let (dir, store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    let damaged = b"{\"format\": \"ninsho-vault\", \"sche";
    std::fs::write(dir.path().join(FILE), damaged).unwrap();
    let vault = reopen(&dir, &store);
    // The backup is the file before the last save, where B was still pending; its keychain
    // item exists, so the add completes and both accounts are back.
    assert_eq!(vault.accounts().len(), 2);
    let Some(Notice::RestoredFromBackup { kept_aside, .. }) = vault.notices().first() else {
        panic!("{:?}", vault.notices())
    };
    assert_eq!(
        std::fs::read(kept_aside).unwrap(),
        damaged,
        "the damaged file is kept as it was"
    );
    assert!(vault.notices()[0].to_string().contains("kept at"));

    // No good copy at all: the keychain rebuilds the list, and the damaged copies stay.
    std::fs::write(dir.path().join(FILE), b"garbage").unwrap();
    std::fs::write(dir.path().join(BACKUP), b"garbage too").unwrap();
    let vault = Vault::open(dir.path(), store.clone()).unwrap();
    assert_eq!(vault.accounts().len(), 2);
    assert!(vault.notices().contains(&Notice::Rebuilt { accounts: 2 }));
    assert_eq!(
        std::fs::read(dir.path().join(BACKUP)).unwrap(),
        b"garbage too"
    );

    // …and with nothing in the keychain to rebuild from: an error, nothing overwritten.
    let prefix = format!("{}/", vault.vault_id());
    for user in store.inner.list(&prefix).unwrap().unwrap() {
        store.inner.delete(&user).unwrap();
    }
    drop(vault);
    std::fs::write(dir.path().join(FILE), b"garbage").unwrap();
    let err = Vault::open(dir.path(), store.clone()).unwrap_err();
    assert!(matches!(err, VaultError::Damaged { .. }), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join(BACKUP)).unwrap(),
        b"garbage too"
    );
}

#[test]
fn newer_vault_is_refused_and_untouched() {
    let (dir, store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let text = file_text(&dir).replace("\"schema\": 1", "\"schema\": 9");
    std::fs::write(dir.path().join(FILE), &text).unwrap();
    assert!(matches!(
        Vault::open(dir.path(), store.clone()),
        Err(VaultError::NewerVersion(9))
    ));
    assert_eq!(file_text(&dir), text);
}

#[test]
fn a_backup_that_cannot_be_refreshed_is_reported() {
    let (dir, _store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    // Where the backup is staged, a folder that cannot be removed nor written over.
    let blocker = dir.path().join("vault.json.bak.tmp");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), b"x").unwrap();
    vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    assert!(
        vault
            .notices()
            .iter()
            .any(|n| matches!(n, Notice::BackupNotRefreshed { .. })),
        "{:?}",
        vault.notices()
    );
    // The vault itself was saved.
    assert_eq!(listed_in_file(&dir), 2);
}

fn listed_in_file(dir: &tempfile::TempDir) -> usize {
    Metadata::parse(file_text(dir).as_bytes())
        .unwrap()
        .accounts
        .len()
}

#[test]
fn failed_save_leaves_the_previous_file() {
    let (dir, _store, mut vault) = setup();
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let before = file_text(&dir);
    // A directory where the temporary file should go makes the write fail like a full disk.
    std::fs::create_dir(dir.path().join("vault.json.tmp")).unwrap();
    let err = vault.edit(
        vault.accounts()[0].id,
        &AccountEdit {
            name: Some("z".into()),
            ..Default::default()
        },
    );
    let err = err.unwrap_err();
    assert!(
        err.to_string().contains("previous version is unchanged"),
        "{err}"
    );
    assert_eq!(file_text(&dir), before);
    assert_eq!(vault.accounts()[0].name, "a", "memory follows the disk");
}

#[test]
fn two_handles_see_each_others_changes() {
    let (dir, store, mut first) = setup();
    let mut second = reopen(&dir, &store);
    let a = first.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    let b = second.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    first.refresh().unwrap();
    assert_eq!(first.accounts().len(), 2);
    assert!(matches!(
        second.add(&account("X", "x", b"k-a-12345"), false),
        Err(VaultError::Duplicate(_))
    ));
    second.delete(a).unwrap();
    first.set_pinned(b, true).unwrap();
    assert_eq!(
        first.accounts().iter().map(|x| x.id).collect::<Vec<_>>(),
        [b]
    );
}

#[test]
fn bulk_reads_and_items_under_the_wrong_name() {
    let (dir, store, mut vault) = setup();
    let accounts: Vec<Account> = (0..12)
        .map(|i| account("S", &format!("u{i}"), format!("key-{i}-xx").as_bytes()))
        .collect();
    let ids: Vec<Uuid> = vault
        .add_many(&accounts, false)
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut fresh = reopen(&dir, &store);
    let codes = fresh.codes(0).unwrap();
    assert_eq!(codes.len(), 12);
    assert_eq!(
        fresh.account(ids[3]).unwrap().secret.as_bytes(),
        b"key-3-xx"
    );

    // An item copied under another account's name is refused, not used for the wrong account.
    let user = |id: Uuid| format!("{}/{}", fresh.vault_id(), id);
    let bytes = store.inner.get(&user(ids[0])).unwrap().unwrap();
    store.inner.set(&user(ids[1]), &bytes).unwrap();
    let mut fresh = reopen(&dir, &store);
    assert!(matches!(
        fresh.account(ids[1]),
        Err(VaultError::ItemDamaged { .. })
    ));
    let codes = fresh.codes(0).unwrap();
    let of = |id: Uuid| codes.iter().find(|c| c.id == id).unwrap();
    assert_eq!(of(ids[1]).problem, Some(ItemProblem::Damaged));
    assert!(of(ids[0]).current.is_some() && of(ids[2]).current.is_some());
}

#[cfg(unix)]
#[test]
fn a_link_planted_under_a_temporary_name_is_never_written_through() {
    let (dir, _store, mut vault) = setup();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, b"untouched").unwrap();
    for name in ["vault.json.tmp", "vault.json.bak.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    vault.add(&account("A", "a", b"k-a-12345"), false).unwrap();
    vault.add(&account("B", "b", b"k-b-12345"), false).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"untouched");
    assert_eq!(listed_in_file(&dir), 2);
}

/// The encrypted mode (`lock`): sealing, unlocking, back-off, recovery, and rewrites that are
/// interrupted.
mod encrypted {
    use super::*;
    use crate::vault::lock::LockError;

    const PASSWORD: &str = "correct horse battery";

    fn three(vault: &mut Vault) -> Vec<Uuid> {
        let a = vault
            .add(&account("GitHub", "alice", b"12345678901234567890"), false)
            .unwrap();
        let hotp = Account::new(
            Some("Bank"),
            "bob",
            OtpParams::hotp(Algorithm::Sha1, 6, 5),
            Secret::from_bytes(b"another key 123").unwrap(),
        );
        let b = vault.add(&hotp, false).unwrap();
        let c = vault
            .add(&account("GitLab", "carol", b"third key of them"), false)
            .unwrap();
        vault
            .set_recovery_codes(a, &["aaaa-bbbb".into(), "cccc-dddd".into()])
            .unwrap();
        vec![a, b, c]
    }

    fn items(store: &Flaky) -> Vec<String> {
        store
            .inner
            .get_all()
            .unwrap()
            .unwrap()
            .iter()
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
            .collect()
    }

    fn locked(e: VaultError) -> bool {
        matches!(e, VaultError::Lock(LockError::Locked))
    }

    fn secrets_base32() -> Vec<String> {
        [
            &b"12345678901234567890"[..],
            b"another key 123",
            b"third key of them",
        ]
        .iter()
        .map(|k| Secret::from_bytes(k).unwrap().to_base32().to_string())
        .collect()
    }

    /// Lets the next attempt through at once (as if the delay had passed).
    fn forget_last_failure(dir: &tempfile::TempDir) {
        let path = dir.path().join(FILE);
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        v["lock"]["last_failure"] = serde_json::json!(1);
        std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    }

    #[test]
    fn every_item_is_sealed_and_nothing_secret_moves_until_the_password_is_given() {
        let (dir, store, mut vault) = setup();
        let ids = three(&mut vault);
        let before = vault.codes(59).unwrap();
        let enabled = vault.enable_encryption(PASSWORD).unwrap();
        assert!(enabled.skipped.is_empty());
        assert!(
            !vault.is_locked(),
            "the vault stays open after turning it on"
        );

        // Every item is ciphertext: no key in base32, hex or raw, no recovery code.
        let texts = items(&store);
        assert_eq!(texts.len(), 3);
        for text in &texts {
            assert!(text.starts_with("ninsho-enc-v1:"), "{text}");
            for b32 in secrets_base32() {
                assert!(!text.contains(&b32[..16]), "{text}");
            }
            assert!(!text.contains("3132333435") && !text.contains("1234567890"));
            assert!(!text.contains("aaaa-bbbb") && !text.contains("alice"));
        }
        let file = file_text(&dir);
        assert!(
            file.contains("\"schema\": 2") || file.contains("\"schema\":2"),
            "{file}"
        );
        assert!(!file.contains(enabled.recovery_key.display().as_str()));

        // Reopened: locked; names are listed, nothing secret is given.
        let mut vault = reopen(&dir, &store);
        assert!(vault.is_locked());
        assert_eq!(vault.accounts().len(), 3);
        assert!(locked(vault.codes(59).unwrap_err()));
        assert!(locked(vault.code(ids[0], 59).unwrap_err()));
        assert!(locked(vault.account(ids[0]).unwrap_err()));
        assert!(locked(vault.recovery_codes(ids[0]).unwrap_err()));
        assert!(locked(vault.hotp_next(ids[1]).unwrap_err()));
        assert!(locked(
            vault
                .add(&account("New", "dave", b"a fourth secret!!"), false)
                .unwrap_err()
        ));
        assert!(locked(vault.delete(ids[2]).unwrap_err()));
        assert!(locked(vault.unlock_all().unwrap_err()));
        assert_eq!(vault.accounts().len(), 3, "nothing was deleted");

        // The right password: the same codes as before, recovery codes back.
        vault.unlock(PASSWORD).unwrap();
        let after = vault.codes(59).unwrap();
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(
                b.current.as_ref().map(|c| c.value.clone()),
                a.current.as_ref().map(|c| c.value.clone())
            );
        }
        assert_eq!(after[0].current.as_ref().unwrap().value, "287082");
        assert_eq!(
            vault.recovery_codes(ids[0]).unwrap()[1].as_str(),
            "cccc-dddd"
        );
        // New accounts are sealed too; locking forgets every secret.
        vault
            .add(&account("New", "dave", b"a fourth secret!!"), false)
            .unwrap();
        assert!(
            items(&store)
                .iter()
                .all(|t| t.starts_with("ninsho-enc-v1:"))
        );
        vault.lock();
        assert!(vault.is_locked());
        assert!(locked(vault.code(ids[0], 59).unwrap_err()));
        assert_eq!(vault.lock_status().mode, "password");
    }

    #[test]
    fn wrong_passwords_wait_longer_and_longer_and_never_wipe() {
        let (dir, store, mut vault) = setup();
        three(&mut vault);
        vault.enable_encryption(PASSWORD).unwrap();
        let mut vault = reopen(&dir, &store);
        for _ in 0..backoff_free() {
            assert!(matches!(
                vault.unlock("wrong password!").unwrap_err(),
                VaultError::Lock(LockError::WrongPassword)
            ));
        }
        // From now on an attempt must wait; not even the right password is tried early.
        assert!(matches!(
            vault.unlock(PASSWORD).unwrap_err(),
            VaultError::Lock(LockError::TryLater(1))
        ));
        let status = vault.lock_status();
        assert_eq!((status.failures, status.retry_in), (3, Some(1)));
        forget_last_failure(&dir);
        assert!(matches!(
            vault.unlock("wrong again!!").unwrap_err(),
            VaultError::Lock(LockError::WrongPassword)
        ));
        assert!(matches!(
            vault.unlock(PASSWORD).unwrap_err(),
            VaultError::Lock(LockError::TryLater(2))
        ));
        forget_last_failure(&dir);
        vault.unlock(PASSWORD).unwrap();
        assert_eq!(vault.lock_status().failures, 0);
        assert_eq!(vault.codes(59).unwrap().len(), 3);
        assert_eq!(items(&store).len(), 3, "nothing was wiped");
    }

    fn backoff_free() -> u32 {
        crate::vault::lock::backoff::FREE_ATTEMPTS
    }

    #[test]
    fn the_recovery_key_sets_a_new_password_and_the_old_one_stops_working() {
        let (dir, store, mut vault) = setup();
        three(&mut vault);
        let recovery = vault.enable_encryption(PASSWORD).unwrap().recovery_key;
        let mut vault = reopen(&dir, &store);
        assert!(matches!(
            vault.recover("ABCD-EFGH", "a new password").unwrap_err(),
            VaultError::Lock(LockError::RecoveryKeyMalformed)
        ));
        let other = crate::vault::lock::RecoveryKey::generate().unwrap();
        assert!(matches!(
            vault
                .recover(&other.display(), "a new password")
                .unwrap_err(),
            VaultError::Lock(LockError::WrongRecoveryKey)
        ));
        assert!(matches!(
            vault.recover(&recovery.display(), "short").unwrap_err(),
            VaultError::Lock(LockError::PasswordTooShort)
        ));
        // Typed in lower case with spaces: still the key.
        let typed = recovery.display().to_lowercase().replace('-', " ");
        vault.recover(&typed, "a new password").unwrap();
        assert!(!vault.is_locked());
        let mut vault = reopen(&dir, &store);
        assert!(vault.unlock(PASSWORD).is_err());
        vault.unlock("a new password").unwrap();
        vault.change_password("the third one").unwrap();
        let mut vault = reopen(&dir, &store);
        assert!(vault.unlock("a new password").is_err());
        vault.unlock("the third one").unwrap();
        assert_eq!(
            vault.codes(59).unwrap()[0].current.as_ref().unwrap().value,
            "287082"
        );
    }

    #[test]
    fn turning_it_off_writes_every_item_plain_again() {
        let (dir, store, mut vault) = setup();
        three(&mut vault);
        vault.enable_encryption(PASSWORD).unwrap();
        assert!(matches!(
            vault.enable_encryption(PASSWORD).unwrap_err(),
            VaultError::Lock(LockError::AlreadyOn)
        ));
        let mut vault = reopen(&dir, &store);
        assert!(locked(vault.disable_encryption().unwrap_err()));
        vault.unlock(PASSWORD).unwrap();
        vault.disable_encryption().unwrap();
        assert!(items(&store).iter().all(|t| t.starts_with('{')));
        let file = file_text(&dir);
        assert!(
            !file.contains("\"lock\"") && file.contains("\"schema\": 1"),
            "{file}"
        );
        let mut vault = reopen(&dir, &store);
        assert!(!vault.is_locked());
        assert_eq!(vault.codes(59).unwrap().len(), 3);
        assert!(matches!(
            vault.disable_encryption().unwrap_err(),
            VaultError::Lock(LockError::Off)
        ));
    }

    #[test]
    fn a_rewrite_stopped_at_any_item_leaves_every_account_readable_and_finishes_on_unlock() {
        for stop_after in 0..3 {
            // Turning on, stopped after `stop_after` items.
            let (dir, store, mut vault) = setup();
            three(&mut vault);
            store.fail_set_after.store(stop_after, Ordering::SeqCst);
            assert!(vault.enable_encryption(PASSWORD).is_err());
            store.fail_set_after.store(usize::MAX, Ordering::SeqCst);
            let sealed = items(&store)
                .iter()
                .filter(|t| t.starts_with("ninsho-enc-v1:"))
                .count();
            assert_eq!(sealed, stop_after);
            let mut vault = reopen(&dir, &store);
            assert!(vault.is_locked() && vault.lock_status().rewriting);
            vault.unlock(PASSWORD).unwrap();
            assert!(!vault.lock_status().rewriting);
            assert!(
                items(&store)
                    .iter()
                    .all(|t| t.starts_with("ninsho-enc-v1:"))
            );
            assert_eq!(
                vault.codes(59).unwrap()[0].current.as_ref().unwrap().value,
                "287082"
            );

            // Turning off, stopped the same way.
            store.fail_set_after.store(stop_after, Ordering::SeqCst);
            assert!(vault.disable_encryption().is_err());
            store.fail_set_after.store(usize::MAX, Ordering::SeqCst);
            let mut vault = reopen(&dir, &store);
            assert!(
                vault.is_locked(),
                "a half-opened vault still asks for the password"
            );
            vault.unlock(PASSWORD).unwrap();
            assert_eq!(vault.lock_status().mode, "off");
            assert!(items(&store).iter().all(|t| t.starts_with('{')));
            assert_eq!(vault.codes(59).unwrap().len(), 3);
        }
    }

    #[test]
    fn a_hostile_key_derivation_in_the_vault_file_is_refused_before_allocating() {
        let (dir, store, mut vault) = setup();
        three(&mut vault);
        vault.enable_encryption(PASSWORD).unwrap();
        let path = dir.path().join(FILE);
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        // 8 GiB × 10 passes: minutes and gigabytes if it were run.
        v["lock"]["keys"]["kdf"]["memory_kib"] = serde_json::json!(8u64 * 1024 * 1024);
        v["lock"]["keys"]["kdf"]["iterations"] = serde_json::json!(10);
        std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
        let mut vault = reopen(&dir, &store);
        let started = std::time::Instant::now();
        let err = vault.unlock(PASSWORD).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(
            matches!(err, VaultError::Lock(LockError::Damaged(_))),
            "{err}"
        );
        assert!(err.to_string().contains("8192 MiB"), "{err}");
    }

    #[test]
    fn an_item_sealed_for_another_account_is_damaged_not_used() {
        let (dir, store, mut vault) = setup();
        let ids = three(&mut vault);
        vault.enable_encryption(PASSWORD).unwrap();
        let user = |id: Uuid| format!("{}/{}", vault.vault_id(), id);
        // Bob's sealed item copied over Alice's.
        let bob = store.inner.get(&user(ids[1])).unwrap().unwrap();
        store.inner.set(&user(ids[0]), &bob).unwrap();
        let mut vault = reopen(&dir, &store);
        vault.unlock(PASSWORD).unwrap();
        assert!(matches!(
            vault.code(ids[0], 59).unwrap_err(),
            VaultError::ItemDamaged { .. }
        ));
        assert!(vault.code(ids[2], 59).is_ok());
    }

    #[test]
    fn a_sealed_write_that_lands_after_the_mode_is_off_is_still_read() {
        let (dir, store, mut vault) = setup();
        let ids = three(&mut vault);
        vault.enable_encryption(PASSWORD).unwrap();
        let user = format!("{}/{}", vault.vault_id(), ids[0]);
        let late = store.inner.get(&user).unwrap().unwrap();
        vault.disable_encryption().unwrap();
        // The write that timed out while the mode was on lands now.
        store.inner.set(&user, &late).unwrap();
        let mut vault = reopen(&dir, &store);
        assert_eq!(
            vault.code(ids[0], 59).unwrap().value,
            "287082",
            "opened with the retired key"
        );
        let now = store.inner.get(&user).unwrap().unwrap();
        assert!(now.starts_with(b"{"), "rewritten plain");
        // Turned on again: the retired key leaves the keychain.
        vault.enable_encryption(PASSWORD).unwrap();
        let retired = store
            .inner
            .list(&format!("lock/{}/", vault.vault_id()))
            .unwrap()
            .unwrap_or_default();
        for user in retired {
            assert!(store.inner.get(&user).unwrap().is_none(), "{user} kept");
        }
    }

    /// The crash harness's find: a late write under a retired key, not yet rewritten when the
    /// mode is turned on again (its rewrite timed out), is sealed again under the new key —
    /// never taken as done because it is sealed, while its key is deleted.
    #[test]
    fn an_item_left_under_a_retired_key_is_sealed_again_when_the_mode_comes_back() {
        let (dir, store, mut vault) = setup();
        let ids = three(&mut vault);
        vault.enable_encryption(PASSWORD).unwrap();
        let user = format!("{}/{}", vault.vault_id(), ids[0]);
        let late = store.inner.get(&user).unwrap().unwrap();
        vault.disable_encryption().unwrap();
        store.inner.set(&user, &late).unwrap();
        // Every write to that item fails while the mode is turned on again.
        *store.fail_set_of.lock().unwrap() = Some(user.clone());
        let mut vault = reopen(&dir, &store);
        assert!(
            vault.enable_encryption(PASSWORD).is_err(),
            "the item could not be sealed: the rewrite stays open"
        );
        *store.fail_set_of.lock().unwrap() = None;
        let mut vault = reopen(&dir, &store);
        vault.unlock(PASSWORD).unwrap();
        assert!(!vault.lock_status().rewriting);
        assert_eq!(vault.code(ids[0], 59).unwrap().value, "287082");
        let now = store.inner.get(&user).unwrap().unwrap();
        assert!(
            now.starts_with(b"ninsho-enc-v1:") && *now != *late,
            "sealed anew"
        );
        // Nothing needs the retired key any more: it is gone (the mock store still lists a
        // deleted entry, without a secret), and a fresh process reads every item.
        let retired = store
            .inner
            .list(&format!("lock/{}/", vault.vault_id()))
            .unwrap()
            .unwrap_or_default();
        for user in retired {
            assert!(store.inner.get(&user).unwrap().is_none(), "{user} kept");
        }
        let mut fresh = reopen(&dir, &store);
        fresh.unlock(PASSWORD).unwrap();
        for id in ids {
            assert!(fresh.code(id, 59).is_ok());
        }
    }

    /// System sign-in without a password: a gate. Locked, nothing secret moves (as with the
    /// password mode); only a yes from the system opens it; a new process (the CLI) is not
    /// gated, and says so in its status.
    #[test]
    fn system_sign_in_alone_is_a_gate_that_only_the_systems_yes_opens() {
        use crate::system_auth::{Answer, Confirmed};
        let (dir, store, mut vault) = setup();
        let ids = three(&mut vault);
        let before = vault.codes(59).unwrap();
        // Locking does nothing while no lock is on.
        vault.lock();
        assert!(!vault.is_locked());
        assert!(matches!(
            vault.system_unlock_ready().unwrap_err(),
            VaultError::Lock(LockError::SystemOff)
        ));

        vault.enable_system_unlock(&Confirmed::for_tests()).unwrap();
        let status = vault.lock_status();
        assert_eq!(
            (status.mode.as_str(), status.system, status.locked),
            ("system", true, false)
        );
        let items_before = items(&store);

        vault.lock();
        assert!(vault.is_locked());
        let status = vault.lock_status();
        assert!(status.locked && status.system_ready);
        assert!(locked(vault.codes(59).unwrap_err()));
        assert!(locked(vault.code(ids[0], 59).unwrap_err()));
        assert!(locked(vault.recovery_codes(ids[0]).unwrap_err()));
        assert!(locked(vault.hotp_next(ids[1]).unwrap_err()));
        assert!(locked(vault.delete(ids[2]).unwrap_err()));
        // The password has nothing to open here.
        assert!(matches!(
            vault.unlock("anything at all").unwrap_err(),
            VaultError::Lock(LockError::Off)
        ));
        assert!(vault.is_locked());

        vault.unlock_by_system(Answer::for_tests(None)).unwrap();
        assert!(!vault.is_locked());
        assert_eq!(vault.codes(59).unwrap(), before);
        // A gate changes nothing stored: the items are as they were, plain.
        assert_eq!(items(&store), items_before);

        // Another process opens it ungated, and reads the mode from the file.
        let other = reopen(&dir, &store);
        assert!(!other.is_locked());
        assert_eq!(other.lock_status().mode, "system");

        // Turning it off needs the gate open; then locking does nothing again.
        vault.lock();
        assert!(locked(vault.disable_system_unlock().unwrap_err()));
        vault.unlock_by_system(Answer::for_tests(None)).unwrap();
        vault.disable_system_unlock().unwrap();
        vault.lock();
        assert!(!vault.is_locked());
        assert_eq!(vault.lock_status().mode, "off");
    }

    /// The gate closed in the app, then the CLI turns the encrypted mode on: the app now asks
    /// for the password, and the password opens everything, the gate included.
    #[test]
    fn a_password_unlock_also_opens_a_gate_closed_before_the_mode_was_turned_on() {
        use crate::system_auth::Confirmed;
        let (dir, store, mut vault) = setup();
        three(&mut vault);
        let before = vault.codes(59).unwrap();
        vault.enable_system_unlock(&Confirmed::for_tests()).unwrap();
        vault.lock();
        reopen(&dir, &store).enable_encryption(PASSWORD).unwrap();
        vault.unlock(PASSWORD).unwrap();
        assert!(!vault.is_locked(), "the password opens the gate too");
        assert_eq!(vault.codes(59).unwrap(), before);
    }

    /// With the password mode, system sign-in re-opens only a key that a password unlock put
    /// in memory since the process started: a cold start needs the password.
    #[test]
    fn system_sign_in_reopens_only_what_the_password_opened_in_this_process() {
        use crate::system_auth::{Answer, Confirmed};
        let (dir, store, mut vault) = setup();
        let ids = three(&mut vault);
        let before = vault.codes(59).unwrap();
        vault.enable_encryption(PASSWORD).unwrap();
        vault.enable_system_unlock(&Confirmed::for_tests()).unwrap();
        assert_eq!(vault.lock_status().mode, "password");

        vault.lock();
        assert!(vault.is_locked() && vault.lock_status().system_ready);
        assert!(locked(vault.code(ids[0], 59).unwrap_err()));
        vault.unlock_by_system(Answer::for_tests(None)).unwrap();
        assert_eq!(vault.codes(59).unwrap(), before);

        // A new process (an app restart) holds no key: the password is needed once.
        let mut cold = reopen(&dir, &store);
        assert!(cold.is_locked() && !cold.lock_status().system_ready);
        assert!(matches!(
            cold.unlock_by_system(Answer::for_tests(None)).unwrap_err(),
            VaultError::Lock(LockError::SystemNeedsPassword)
        ));
        assert!(cold.is_locked());
        cold.unlock(PASSWORD).unwrap();
        cold.lock();
        cold.unlock_by_system(Answer::for_tests(None)).unwrap();
        assert_eq!(cold.codes(59).unwrap(), before);

        // With system sign-in off, locking forgets the key for good.
        cold.disable_system_unlock().unwrap();
        cold.lock();
        assert!(!cold.lock_status().system_ready);
        assert!(matches!(
            cold.unlock_by_system(Answer::for_tests(None)).unwrap_err(),
            VaultError::Lock(LockError::SystemOff)
        ));
    }

    /// Where the platform keeps the vault key (the macOS Keychain behind user presence,
    /// Windows Hello), system sign-in opens the encrypted vault after a restart too, with that
    /// key and no other; a platform without the guard falls back to the password.
    #[test]
    fn a_key_the_platform_keeps_opens_the_vault_after_a_restart_and_only_that_key() {
        use crate::system_auth::{Answer, Confirmed, Guarded, Way};
        const GUARD: &str = "test-guard";
        let (dir, store, mut vault) = setup();
        three(&mut vault);
        let before = vault.codes(59).unwrap();
        vault.set_guard_for_tests(Some(GUARD));
        vault.enable_encryption(PASSWORD).unwrap();
        assert!(
            vault.key_to_guard().is_none(),
            "system sign-in is off: nothing is handed over"
        );
        vault.enable_system_unlock(&Confirmed::for_tests()).unwrap();
        let (vault_id, raw, tag) = vault.key_to_guard().unwrap().parts_for_tests();
        assert_eq!(vault_id, vault.vault_id());
        vault
            .record_guarded(Guarded {
                by: GUARD.into(),
                kept: String::new(),
                tag: tag.clone(),
            })
            .unwrap();
        assert!(vault.key_to_guard().is_none(), "kept already");
        assert_eq!(vault.lock_status().system_guard.as_deref(), Some(GUARD));
        // vault.json names the guard and the key's tag, never the key.
        let file = std::fs::read_to_string(dir.path().join("vault.json")).unwrap();
        assert!(file.contains(GUARD) && file.contains(&tag));
        assert!(!file.contains(&base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            raw
        )));

        // A restart: no key in memory, the guard gives it back.
        let mut cold = reopen(&dir, &store);
        cold.set_guard_for_tests(Some(GUARD));
        assert!(cold.is_locked() && cold.lock_status().system_ready);
        assert!(matches!(
            cold.system_unlock_ready().unwrap(),
            Way::Release { vault, .. } if vault == vault_id
        ));
        for wrong in [Answer::for_tests(Some([7; 32])), Answer::for_tests(None)] {
            assert!(matches!(
                cold.unlock_by_system(wrong).unwrap_err(),
                VaultError::Lock(LockError::SystemNeedsPassword)
            ));
            assert!(cold.is_locked());
        }
        cold.unlock_by_system(Answer::for_tests(Some(raw))).unwrap();
        assert_eq!(cold.codes(59).unwrap(), before);

        // A system without that guard: the password, as on Linux.
        let mut elsewhere = reopen(&dir, &store);
        elsewhere.set_guard_for_tests(None);
        assert!(!elsewhere.lock_status().system_ready);
        assert!(matches!(
            elsewhere.system_unlock_ready().unwrap_err(),
            VaultError::Lock(LockError::SystemNeedsPassword)
        ));

        // Turning system sign-in off forgets where the key was kept.
        cold.disable_system_unlock().unwrap();
        let mut after = reopen(&dir, &store);
        after.set_guard_for_tests(Some(GUARD));
        assert_eq!(after.lock_status().system_guard, None);
        assert!(
            !std::fs::read_to_string(dir.path().join("vault.json"))
                .unwrap()
                .contains(GUARD)
        );
    }
}
