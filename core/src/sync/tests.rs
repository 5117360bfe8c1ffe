//! Two vaults (each with its own keychain: keyring-core's mock store) syncing through one
//! plain folder, as two computers do once a sync engine has copied the files.

use std::sync::Arc;

use super::*;
use crate::otp::{Account, Algorithm, OtpParams, OtpType, Secret};
use crate::vault::AccountEdit;
use crate::vault::KeyringStore;
use apply::account_of;

const PASS: &str = "a long sync passphrase";

struct Computer {
    _dir: tempfile::TempDir,
    vault: Vault,
    sync: Sync,
}

fn computer() -> Computer {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
    let sync = Sync::open(&vault).unwrap();
    Computer {
        _dir: dir,
        vault,
        sync,
    }
}

fn totp(issuer: &str, key: u8) -> Account {
    Account::new(
        Some(issuer),
        "me@example.com",
        OtpParams::totp(Algorithm::Sha1, 6, 30),
        Secret::from_bytes(&[key; 20]).unwrap(),
    )
}

fn codes(c: &mut Computer) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = c
        .vault
        .codes(1_800_000_000)
        .unwrap()
        .into_iter()
        .map(|a| {
            let meta = c.vault.get(a.id).unwrap().clone();
            (meta.label(), a.current.map(|x| x.value).unwrap_or_default())
        })
        .collect();
    out.sort();
    out
}

fn folder_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(folder::files_dir(dir)).unwrap() {
        all.extend(std::fs::read(e.unwrap().path()).unwrap());
    }
    all
}

#[test]
fn two_computers_stay_in_step_and_the_folder_reveals_nothing() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    let mut b = computer();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    let mut hotp = totp("Bank", 2);
    hotp.params = OtpParams::hotp(Algorithm::Sha1, 6, 10);
    a.vault.add(&hotp, false).unwrap();
    let gh = a.vault.find("GitHub")[0].id;
    a.vault
        .set_recovery_codes(gh, &["recovery-one".into()])
        .unwrap();

    let report = a
        .sync
        .setup(&mut a.vault, shared.path(), PASS, Some("desk"))
        .unwrap();
    assert!(report.published && report.sent == 2, "{report:?}");
    assert!(matches!(
        b.sync
            .join(&mut b.vault, shared.path(), "not the passphrase", None),
        Err(SyncError::WrongPassphrase)
    ));
    assert!(matches!(
        b.sync.setup(&mut b.vault, shared.path(), PASS, None),
        Err(SyncError::AlreadySetUp(_))
    ));
    // B picks the inner `ninsho-sync` folder: it joins the folder that holds it.
    let inner = folder::files_dir(shared.path());
    assert!(Sync::is_set_up(&inner).unwrap() && Sync::is_set_up(shared.path()).unwrap());
    let report = b
        .sync
        .join(&mut b.vault, &inner, PASS, Some("laptop"))
        .unwrap();
    let joined = std::path::absolute(shared.path()).unwrap();
    assert_eq!(b.sync.folder().unwrap(), Some(joined));
    assert_eq!(report.added.len(), 2, "{report:?}");
    assert_eq!(codes(&mut b), codes(&mut a));
    let bgh = b.vault.find("GitHub")[0].id;
    assert_eq!(*b.vault.recovery_codes(bgh).unwrap()[0], "recovery-one");

    // An edit on B and two HOTP codes used on A meet.
    b.vault
        .edit(
            bgh,
            &AccountEdit {
                name: Some("work".into()),
                group: Some(Some("Dev".into())),
                domains: Some(vec![
                    crate::site::Binding::parse("github.com").unwrap(),
                    crate::site::Binding::parse("ghe.example.com").unwrap(),
                ]),
                ..Default::default()
            },
        )
        .unwrap();
    b.sync.now(&mut b.vault).unwrap();
    let bank = a.vault.find("Bank")[0].id;
    a.vault.hotp_next(bank).unwrap();
    a.vault.hotp_next(bank).unwrap();
    let report = a.sync.now(&mut a.vault).unwrap();
    assert_eq!(report.updated.len(), 1, "{report:?}");
    assert_eq!(a.vault.get(gh).unwrap().label(), "GitHub (work)");
    assert_eq!(a.vault.get(gh).unwrap().group.as_deref(), Some("Dev"));
    // The sites the browser bridge fills it on go with it.
    let sites: Vec<String> = a
        .vault
        .get(gh)
        .unwrap()
        .domains
        .iter()
        .map(|b| b.to_string())
        .collect();
    assert_eq!(sites, ["github.com", "ghe.example.com"]);
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.counters, 1, "{report:?}");
    let bbank = b.vault.find("Bank")[0].id;
    assert_eq!(b.vault.get(bbank).unwrap().counter, Some(12));
    // B's next HOTP code is A's next one, never one A has shown.
    assert_eq!(
        b.vault.hotp_next(bbank).unwrap().value,
        a.vault.hotp_next(bank).unwrap().value
    );

    // A delete on A arrives; B keeps nothing of it.
    a.vault.delete(gh).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.deleted.len(), 1, "{report:?}");
    assert!(b.vault.find("GitHub").is_empty());

    // Nothing merged twice: another round rewrites no file.
    assert!(!a.sync.now(&mut a.vault).unwrap().published);
    assert!(!b.sync.now(&mut b.vault).unwrap().published);

    let status = b.sync.status().unwrap().unwrap();
    let names: Vec<&str> = status.devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["laptop", "desk"]);
    assert!(status.devices[0].this_device && status.problem.is_none());

    // No secret, recovery code, name or issuer is readable anywhere in the folder.
    let bytes = folder_bytes(shared.path());
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    for key in [1u8, 2] {
        let secret = Secret::from_bytes(&[key; 20]).unwrap();
        let hex: String = secret
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!text.contains(&secret.to_base32().to_lowercase()));
        assert!(!text.contains(&hex));
        assert!(!bytes.windows(20).any(|w| w == secret.as_bytes()));
    }
    for word in [
        "recovery-one",
        "github",
        "bank",
        "example.com",
        "laptop",
        "desk",
    ] {
        assert!(!text.contains(word), "{word} is readable in the folder");
    }
}

#[test]
fn a_half_synced_or_foreign_file_is_skipped_and_read_once_complete() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    let mut b = computer();
    a.sync
        .setup(&mut a.vault, shared.path(), PASS, Some("desk"))
        .unwrap();
    b.sync
        .join(&mut b.vault, shared.path(), PASS, None)
        .unwrap();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    let state = a
        .sync
        .file
        .lock()
        .map(|g| a.sync.file.load(&g).unwrap().unwrap())
        .unwrap();
    let path = folder::device_file(shared.path(), state.device);
    let whole = std::fs::read(&path).unwrap();
    // Cut short, as a sync engine that renames before the last block lands would leave it.
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(report.added.is_empty());
    assert_eq!(report.skipped.len(), 1, "{report:?}");
    assert!(
        report.skipped[0].reason.contains("still arriving"),
        "{report:?}"
    );
    // Another program's file with our extension, and a sync engine's temporary file.
    std::fs::write(
        folder::files_dir(shared.path()).join("notes.ninsho"),
        b"hello",
    )
    .unwrap();
    std::fs::write(
        folder::files_dir(shared.path()).join(".syncthing.x.ninsho.tmp"),
        b"hi",
    )
    .unwrap();
    std::fs::write(&path, &whole).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.added.len(), 1, "{report:?}");
    assert_eq!(report.skipped.len(), 1, "only notes.ninsho: {report:?}");
    // A file of a newer Ninsho is named as such.
    let mut newer = whole.clone();
    newer[11] = 9;
    std::fs::write(
        folder::files_dir(shared.path()).join("newer.ninsho"),
        &newer,
    )
    .unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.reason.contains("newer Ninsho")),
        "{report:?}"
    );
}

#[test]
fn conflict_copies_are_merged_and_this_devices_own_are_removed() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    let mut b = computer();
    a.sync
        .setup(&mut a.vault, shared.path(), PASS, None)
        .unwrap();
    b.sync
        .join(&mut b.vault, shared.path(), PASS, None)
        .unwrap();
    let device = |c: &Computer| {
        c.sync
            .file
            .lock()
            .map(|g| c.sync.file.load(&g).unwrap().unwrap().device)
            .unwrap()
    };
    let (da, db) = (device(&a), device(&b));
    a.vault.add(&totp("Old", 3), false).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    // The sync engine kept A's file with "Old" as a conflict copy, and the main file went back
    // to a version without it (as if two writes raced).
    let dir = folder::files_dir(shared.path());
    let copy = dir.join(format!("{da}.sync-conflict-20261201-101010-ABCDEFG.ninsho"));
    std::fs::copy(folder::device_file(shared.path(), da), &copy).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.added.len(), 1);
    // B does not remove another device's copy; A removes its own once merged.
    assert!(copy.exists());
    a.sync.now(&mut a.vault).unwrap();
    assert!(!copy.exists());
    // B's own conflict copy (a Dropbox-style name) is also a source.
    b.vault.add(&totp("FromB", 4), false).unwrap();
    b.sync.now(&mut b.vault).unwrap();
    let main = folder::device_file(shared.path(), db);
    std::fs::rename(
        &main,
        dir.join(format!("{db} (conflicted copy 2026-12-01).ninsho")),
    )
    .unwrap();
    a.sync.now(&mut a.vault).unwrap();
    assert_eq!(a.vault.find("FromB").len(), 1);
}

#[test]
fn a_broken_keychain_item_is_not_a_deletion_and_leaving_keeps_everyones_accounts() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    let mut b = computer();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    a.sync
        .setup(&mut a.vault, shared.path(), PASS, None)
        .unwrap();
    b.sync
        .join(&mut b.vault, shared.path(), PASS, None)
        .unwrap();
    // A's item is gone from A's keychain (a broken keyring): A neither deletes nor changes it
    // anywhere.
    let id = a.vault.find("GitHub")[0].id;
    let user = format!("{}/{}", a.vault.vault_id(), id);
    a.vault.store().delete(&user).unwrap();
    let mut reopened = Vault::open(a.vault.dir(), a.vault.store()).unwrap();
    let report = a.sync.now(&mut reopened).unwrap();
    assert_eq!(report.sent, 0, "{report:?}");
    b.sync.now(&mut b.vault).unwrap();
    assert_eq!(b.vault.find("GitHub").len(), 1);

    // A leaves: its file goes, B keeps the account, A keeps its list.
    let folder = a.sync.leave().unwrap();
    assert_eq!(folder, std::path::absolute(shared.path()).unwrap());
    assert!(matches!(
        a.sync.now(&mut reopened),
        Err(SyncError::NotSyncing)
    ));
    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(report.deleted.is_empty());
    assert_eq!(b.sync.status().unwrap().unwrap().devices.len(), 1);
    assert_eq!(reopened.accounts().len(), 1);
}

#[test]
fn a_folder_gone_or_set_up_again_is_said_in_words_and_changes_nothing() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    a.sync
        .setup(&mut a.vault, shared.path(), PASS, None)
        .unwrap();
    let files = folder::files_dir(shared.path());
    std::fs::rename(&files, shared.path().join("moved")).unwrap();
    let err = a.sync.now(&mut a.vault).unwrap_err();
    assert!(matches!(err, SyncError::FolderGone(_)), "{err}");
    let status = a.sync.status().unwrap().unwrap();
    assert_eq!(status.problem_code, Some(ErrorCode::SyncFolderGone));
    // Someone set the folder up again with another passphrase.
    let mut other = computer();
    other
        .sync
        .setup(
            &mut other.vault,
            shared.path(),
            "another long passphrase",
            None,
        )
        .unwrap();
    let err = a.sync.now(&mut a.vault).unwrap_err();
    assert!(matches!(err, SyncError::PassphraseChanged), "{err}");
    assert_eq!(a.vault.accounts().len(), 1);
}

#[test]
fn a_merge_cut_short_before_its_state_was_saved_is_finished_without_doubling_anything() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    let mut b = computer();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    a.sync
        .setup(&mut a.vault, shared.path(), PASS, None)
        .unwrap();
    b.sync
        .join(&mut b.vault, shared.path(), PASS, None)
        .unwrap();
    a.vault.add(&totp("Mail", 2), false).unwrap();
    let gh = a.vault.find("GitHub")[0].id;
    a.vault
        .edit(
            gh,
            &AccountEdit {
                name: Some("work".into()),
                ..Default::default()
            },
        )
        .unwrap();
    a.sync.now(&mut a.vault).unwrap();
    // B's merge makes its changes in the vault, then the process dies before `sync.json` is
    // saved: the state before the merge is what the next start finds.
    let state = b.vault.dir().join(STATE_FILE);
    let before = std::fs::read(&state).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(
        (report.added.len(), report.updated.len()),
        (1, 1),
        "{report:?}"
    );
    std::fs::write(&state, &before).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    // Recognised as the folder's versions: nothing added again, nothing sent as B's change.
    assert!(
        report.added.is_empty() && report.updated.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.sent, 0, "{report:?}");
    assert_eq!(codes(&mut b), codes(&mut a));
    a.sync.now(&mut a.vault).unwrap();
    assert_eq!(codes(&mut a).len(), 2);
}

#[test]
fn a_damaged_secret_in_a_version_is_named_without_quoting_it() {
    let mut body = merge::Body {
        issuer: Some("Site".into()),
        name: "me".into(),
        otp_type: OtpType::Totp,
        algorithm: Algorithm::Sha1,
        digits: 6,
        period: None,
        group: None,
        pinned: false,
        icon: None,
        domains: Vec::new(),
        secret: Zeroizing::new("JBSWY3DP!HPK3PXP".into()),
        pin: None,
        recovery: Vec::new(),
    };
    let reason = account_of(&body, 0).unwrap_err();
    assert_eq!(reason, "its secret in the sync file cannot be read");
    assert!(!reason.contains('!'));
    body.secret = Zeroizing::new("JBSWY3DPEHPK3PXP".into());
    assert!(account_of(&body, 0).is_ok());
}

/// Runs `f` on another thread; `None` if it did not answer within ten seconds (it hung).
#[cfg(unix)]
fn within_bound<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10)).ok()
}

#[cfg(unix)]
#[test]
fn a_folder_file_or_device_file_that_never_answers_does_not_hang_a_merge() {
    let shared = tempfile::tempdir().unwrap();
    let mut a = computer();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    a.sync
        .setup(&mut a.vault, shared.path(), PASS, Some("desk"))
        .unwrap();
    let files = folder::files_dir(shared.path());
    // Another device's file as a FIFO with no writer: skipped and named, not waited for.
    let fifo = files.join(format!("{}.{}", Uuid::new_v4(), "ninsho"));
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let Computer {
        _dir,
        mut vault,
        sync,
    } = a;
    let (sync, vault, report) = within_bound(move || {
        let r = sync.now(&mut vault);
        (sync, vault, r)
    })
    .expect("a merge with a FIFO in the folder answers");
    let report = report.unwrap();
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.reason.contains("not a regular file")),
        "{report:?}"
    );
    // folder.json as a link to /dev/ptmx (a sync engine that syncs links could plant it):
    // the folder is named damaged at once, by status, a merge and is_set_up alike.
    let fj = files.join("folder.json");
    std::fs::remove_file(&fj).unwrap();
    std::os::unix::fs::symlink("/dev/ptmx", &fj).unwrap();
    let dir = shared.path().to_path_buf();
    let set_up = within_bound(move || Sync::is_set_up(&dir)).expect("is_set_up answers");
    assert!(
        matches!(set_up, Err(SyncError::FolderDamaged(_))),
        "{set_up:?}"
    );
    let mut vault = vault;
    let (status, merged) = within_bound(move || (sync.status(), sync.now(&mut vault)))
        .expect("status and a merge answer");
    let status = status.unwrap().unwrap();
    assert_eq!(
        status.problem_code,
        Some(ErrorCode::SyncFolderDamaged),
        "{status:?}"
    );
    assert!(
        matches!(merged, Err(SyncError::FolderDamaged(_))),
        "{merged:?}"
    );
    drop(_dir);
}

/// A and B syncing through one folder, with GitHub on both.
fn pair(shared: &Path) -> (Computer, Computer) {
    let mut a = computer();
    let mut b = computer();
    a.vault.add(&totp("GitHub", 1), false).unwrap();
    a.sync
        .setup(&mut a.vault, shared, PASS, Some("desk"))
        .unwrap();
    b.sync
        .join(&mut b.vault, shared, PASS, Some("laptop"))
        .unwrap();
    a.sync.now(&mut a.vault).unwrap();
    (a, b)
}

#[test]
fn motp_and_yandex_accounts_reach_the_other_computer_with_their_pins_sealed() {
    use crate::otp::Pin;
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    let motp = Account::new(
        Some("VPN"),
        "me",
        OtpParams::motp(),
        Secret::from_bytes(&[3; 8]).unwrap(),
    )
    .with_pin(Some(Pin::new("904117").unwrap()));
    let yandex = Account::new(
        Some("Yandex"),
        "me",
        OtpParams::yandex(),
        Secret::from_bytes(&[4; 16]).unwrap(),
    )
    .with_pin(Some(Pin::new("5520481216").unwrap()));
    a.vault.add(&motp, false).unwrap();
    a.vault.add(&yandex, false).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.added.len(), 2, "{report:?}");
    // The same codes (made from key and PIN) on both, and the PIN in B's keychain item.
    assert_eq!(codes(&mut b), codes(&mut a));
    let on_b = b.vault.find("VPN")[0].id;
    assert_eq!(b.vault.account(on_b).unwrap(), motp);
    let bytes = folder_bytes(shared.path());
    for pin in [&b"904117"[..], b"5520481216"] {
        assert!(
            !bytes.windows(pin.len()).any(|w| w == pin),
            "a PIN in the folder"
        );
    }
    // A PIN changed on one computer reaches the other.
    let ya = a.vault.find("Yandex")[0].id;
    a.vault
        .set_pin(ya, Some(Pin::new("1111").unwrap()))
        .unwrap();
    a.sync.now(&mut a.vault).unwrap();
    b.sync.now(&mut b.vault).unwrap();
    let on_b = b.vault.find("Yandex")[0].id;
    assert_eq!(b.vault.account(on_b).unwrap().pin.unwrap().as_str(), "1111");
    assert_eq!(codes(&mut b), codes(&mut a));
}

fn state_of(c: &Computer) -> State {
    let guard = c.sync.file.lock().unwrap();
    c.sync.file.load(&guard).unwrap().unwrap()
}

#[test]
fn an_older_copy_of_a_device_file_is_never_merged_and_the_device_writes_its_own_again() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    let da = folder::device_file(shared.path(), state_of(&a).device);
    let old = std::fs::read(&da).unwrap();
    a.vault.add(&totp("New", 5), false).unwrap();
    let gh = a.vault.find("GitHub")[0].id;
    a.vault.delete(gh).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    b.sync.now(&mut b.vault).unwrap();
    assert!(b.vault.find("GitHub").is_empty() && !b.vault.find("New").is_empty());

    // A's previous file put back over the current one (a version history, a restore), and a
    // copy of it beside it as a conflict copy: B merges neither, nothing comes back.
    std::fs::write(&da, &old).unwrap();
    let copy = da.with_file_name(format!(
        "{}.sync-conflict-20261201-101010-ABCDEFG.ninsho",
        state_of(&a).device
    ));
    std::fs::write(&copy, &old).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(
        report.added.is_empty() && report.deleted.is_empty(),
        "{report:?}"
    );
    assert!(b.vault.find("GitHub").is_empty() && !b.vault.find("New").is_empty());
    assert!(
        report
            .skipped
            .iter()
            .filter(|s| s.reason.contains("copy of the file of desk"))
            .count()
            == 2,
        "{report:?}"
    );
    // A sees its own file is not what it wrote, and writes it again.
    let report = a.sync.now(&mut a.vault).unwrap();
    assert!(report.published, "{report:?}");
    assert_ne!(std::fs::read(&da).unwrap(), old);
    // Another device's file copied over A's: named (its name is not its content's), and A
    // writes its own again.
    let db = folder::device_file(shared.path(), state_of(&b).device);
    std::fs::copy(&db, &da).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.reason.contains("name is another device's")),
        "{report:?}"
    );
    assert!(a.sync.now(&mut a.vault).unwrap().published);
}

#[test]
fn a_flood_of_copies_never_pushes_a_device_file_out_and_is_named() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    let da = folder::device_file(shared.path(), state_of(&a).device);
    let bytes = std::fs::read(&da).unwrap();
    // More copies than are read, named to sort before every device file.
    for i in 0..folder::MAX_FILES + 4 {
        std::fs::write(da.with_file_name(format!("0000-{i:04}.ninsho")), &bytes).unwrap();
    }
    a.vault.add(&totp("New", 5), false).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.added.len(), 1, "A's file is still read: {report:?}");
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.reason.contains("more than 256 sync files")),
        "{report:?}"
    );
}

#[test]
fn versions_stamped_far_ahead_are_refused_not_observed() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    // A key holder (a laptop that left) writes a file under a device name of its choosing,
    // deleting GitHub at the end of time.
    let state = state_of(&a);
    let key = a.sync.key(&state).unwrap();
    let keys = SyncKeys(key.mac_key());
    let (here, _) = apply::locals(&mut a.vault);
    let mut entries = merge::publish(&state.entries, &here, &keys);
    for e in &mut entries {
        e.stamp = clock::Stamp {
            ms: u64::MAX,
            n: u32::MAX,
            device: Uuid::max(),
        };
        e.body = None;
        e.counter = u64::MAX;
    }
    let evil = Uuid::new_v4();
    let file = DeviceFile {
        format: DEVICE_FORMAT.into(),
        device: evil,
        name: "kitchen".into(),
        written: clock::now_ms(),
        entries,
    };
    let text = serde_json::to_vec(&file).unwrap();
    let sealed = seal::seal_device(&key, state.folder_id, evil, &text).unwrap();
    std::fs::write(folder::device_file(shared.path(), evil), sealed).unwrap();

    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(report.deleted.is_empty(), "{report:?}");
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.reason.contains("more than a day ahead")),
        "{report:?}"
    );
    assert_eq!(b.vault.find("GitHub").len(), 1);
    assert!(
        state_of(&b).clock.ms < u64::MAX / 2,
        "the clock never saw it"
    );
    // A deletes GitHub for real: it is deleted on B, and a new account added on B reaches A.
    let gh = a.vault.find("GitHub")[0].id;
    a.vault.delete(gh).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    b.vault.add(&totp("Later", 7), false).unwrap();
    b.sync.now(&mut b.vault).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    assert!(b.vault.find("GitHub").is_empty());
    assert_eq!(a.vault.find("Later").len(), 1);
}

#[test]
fn an_account_missing_from_a_restored_vault_file_is_not_deleted_elsewhere() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    let before = std::fs::read(a.vault.dir().join(crate::vault::FILE)).unwrap();
    a.vault.add(&totp("Y", 8), false).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    b.sync.now(&mut b.vault).unwrap();
    assert_eq!(b.vault.find("Y").len(), 1);
    // An older vault.json put back on A (a restore): Y's keychain item is still there.
    std::fs::write(a.vault.dir().join(crate::vault::FILE), &before).unwrap();
    a.vault.refresh().unwrap();
    assert!(a.vault.find("Y").is_empty());
    a.sync.now(&mut a.vault).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert!(report.deleted.is_empty(), "{report:?}");
    assert_eq!(b.vault.find("Y").len(), 1);
}

#[test]
fn a_new_passphrase_shuts_out_a_computer_that_is_not_told_it() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    let mut lost = computer();
    lost.sync
        .join(&mut lost.vault, shared.path(), PASS, Some("lost laptop"))
        .unwrap();
    let lost_device = state_of(&lost).device;
    let lost_file = folder::device_file(shared.path(), lost_device);
    let lost_sealed = std::fs::read(&lost_file).unwrap();
    let old_id = state_of(&a).folder_id;

    const NEW: &str = "a brand new sync passphrase";
    a.sync.change_passphrase(&mut a.vault, NEW).unwrap();
    let state = state_of(&a);
    assert_ne!(state.folder_id, old_id, "a new folder id and salt");
    assert!(!lost_file.exists(), "the other computers' files are gone");
    a.vault.add(&totp("After", 6), false).unwrap();
    a.sync.now(&mut a.vault).unwrap();

    // B is told the new passphrase: it joins again and has everything.
    assert!(matches!(
        b.sync.now(&mut b.vault),
        Err(SyncError::PassphraseChanged)
    ));
    b.sync.leave().unwrap();
    b.sync
        .join(&mut b.vault, shared.path(), NEW, Some("laptop"))
        .unwrap();
    assert_eq!(codes(&mut b), codes(&mut a));

    // The lost laptop is not: it can neither merge nor join with what it knows, and a file it
    // sealed with the old key is refused by the others.
    assert!(matches!(
        lost.sync.now(&mut lost.vault),
        Err(SyncError::PassphraseChanged)
    ));
    lost.sync.leave().unwrap();
    assert!(matches!(
        lost.sync
            .join(&mut lost.vault, shared.path(), PASS, Some("lost laptop")),
        Err(SyncError::WrongPassphrase)
    ));
    std::fs::write(&lost_file, &lost_sealed).unwrap();
    let report = a.sync.now(&mut a.vault).unwrap();
    assert!(
        report.added.is_empty() && report.deleted.is_empty(),
        "{report:?}"
    );
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.file.contains(&lost_device.to_string())
                && s.reason.contains("another passphrase")),
        "{report:?}"
    );
    assert!(lost.vault.find("After").is_empty());
}

#[test]
fn a_device_whose_clock_went_back_is_still_heard() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    b.sync.now(&mut b.vault).unwrap();
    // A's clock was 12 hours ahead when it last wrote (within what is accepted), then was
    // set right: as the others saw it, A's newest file is from 12 hours from now.
    let ahead = clock::now_ms() + 12 * 3600 * 1000;
    {
        let guard = a.sync.file.lock().unwrap();
        let mut state = a.sync.file.load(&guard).unwrap().unwrap();
        state.seen.insert(state.device, ahead);
        a.sync.file.save(&guard, &state).unwrap();
    }
    {
        let guard = b.sync.file.lock().unwrap();
        let mut state = b.sync.file.load(&guard).unwrap().unwrap();
        let da = state_of(&a).device;
        state.seen.insert(da, ahead);
        b.sync.file.save(&guard, &state).unwrap();
    }
    a.vault.add(&totp("Later", 7), false).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    let report = b.sync.now(&mut b.vault).unwrap();
    assert_eq!(report.added, ["Later (me@example.com)"], "{report:?}");
}

#[test]
fn with_the_encrypted_mode_on_the_sync_key_is_sealed_and_sync_runs_only_unlocked() {
    let shared = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(KeyringStore::mock());
    let mut vault = Vault::open(dir.path(), store.clone()).unwrap();
    vault.add(&totp("GitHub", 1), false).unwrap();
    Sync::open(&vault)
        .unwrap()
        .setup(&mut vault, shared.path(), PASS, None)
        .unwrap();
    let user = Sync::open(&vault).unwrap().key_users().unwrap().remove(0);
    let raw = |store: &KeyringStore| {
        String::from_utf8(store.get(&user).unwrap().unwrap().to_vec()).unwrap()
    };
    assert!(raw(&store).contains("ninsho-sync"), "plain before");

    crate::app::lock::enable(&mut vault, "correct horse battery").unwrap();
    let sealed = raw(&store);
    assert!(
        sealed.starts_with("ninsho-enc-v1:") && !sealed.contains("ninsho-sync"),
        "{sealed}"
    );
    vault.add(&totp("GitLab", 2), false).unwrap();
    // Unlocked, sync runs with the sealed key.
    Sync::open(&vault).unwrap().now(&mut vault).unwrap();

    // Locked: the key cannot be read, so nothing is merged and nothing is lost.
    vault.lock();
    assert!(Sync::open(&vault).unwrap().now(&mut vault).is_err());
    assert_eq!(vault.accounts().len(), 2);

    vault.unlock("correct horse battery").unwrap();
    Sync::open(&vault).unwrap().now(&mut vault).unwrap();
    crate::app::lock::disable(&mut vault).unwrap();
    assert!(raw(&store).contains("ninsho-sync"), "plain again");
    Sync::open(&vault).unwrap().now(&mut vault).unwrap();
}

/// An account's own icon reaches the other computer with the account, and so does its change
/// and its removal.
#[test]
fn an_accounts_own_icon_travels_to_the_other_computer_and_so_does_its_removal() {
    let shared = tempfile::tempdir().unwrap();
    let (mut a, mut b) = pair(shared.path());
    b.sync.now(&mut b.vault).unwrap();
    let svg = |fill: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="{fill}"/></svg>"#
        )
    };
    let icon_of = |c: &Computer| c.vault.find("GitHub")[0].icon.clone();
    for fill in ["#123456", "#654321"] {
        let icon = crate::icon::AccountIcon::from_source(svg(fill).as_bytes(), None).unwrap();
        let id = a.vault.find("GitHub")[0].id;
        let edit = AccountEdit {
            icon: Some(Some(icon.to_field())),
            ..AccountEdit::default()
        };
        a.vault.edit(id, &edit).unwrap();
        a.sync.now(&mut a.vault).unwrap();
        b.sync.now(&mut b.vault).unwrap();
        assert_eq!(icon_of(&b), Some(icon.to_field()), "{fill}");
    }
    let id = a.vault.find("GitHub")[0].id;
    let edit = AccountEdit {
        icon: Some(None),
        ..AccountEdit::default()
    };
    a.vault.edit(id, &edit).unwrap();
    a.sync.now(&mut a.vault).unwrap();
    b.sync.now(&mut b.vault).unwrap();
    assert_eq!(icon_of(&b), None);
}
