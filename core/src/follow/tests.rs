//! Following a folder end to end on keyring-core's mock store: backups written over time by
//! Ninsho's own Aegis exporter (checked against an independent decoder elsewhere), with the
//! entry ids kept from one backup to the next as Aegis keeps them.

use std::path::Path;
use std::sync::Arc;

use uuid::Uuid;

use super::*;
use crate::formats::export;
use crate::otp::{Account, Algorithm, OtpParams, Secret};
use crate::vault::{AccountEdit, KeyringStore};
use look::MAX_TRIES;

const PASSWORD: &str = "phone backup password";

fn account(issuer: &str, name: &str, key: u8) -> Account {
    Account::new(
        Some(issuer),
        name,
        OtpParams::totp(Algorithm::Sha1, 6, 30),
        Secret::from_bytes(&[key; 20]).unwrap(),
    )
}

struct Phone {
    dir: tempfile::TempDir,
    entries: Vec<(Uuid, Account)>,
    /// Each entry's icon (kept form), as the phone's Aegis has it.
    icons: Vec<Option<String>>,
    clock: u32,
}

impl Phone {
    fn new(accounts: &[Account]) -> Self {
        Phone {
            dir: tempfile::tempdir().unwrap(),
            entries: accounts
                .iter()
                .map(|a| (Uuid::new_v4(), a.clone()))
                .collect(),
            icons: vec![None; accounts.len()],
            clock: 0,
        }
    }

    fn name(&mut self) -> String {
        self.clock += 1;
        format!(
            "aegis-backup-20261201-10{:02}{:02}.json",
            self.clock / 60,
            self.clock % 60
        )
    }

    /// Writes the next encrypted backup, as Aegis does after a change.
    fn backup(&mut self) -> String {
        self.backup_with(PASSWORD)
    }

    fn backup_with(&mut self, password: &str) -> String {
        let name = self.name();
        let text = export::aegis_encrypted_with_ids(&self.entries, &self.icons, password).unwrap();
        std::fs::write(self.dir.path().join(&name), text.as_bytes()).unwrap();
        name
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
    (dir, vault)
}

fn labels(vault: &Vault) -> Vec<String> {
    let mut l: Vec<String> = vault.accounts().iter().map(|a| a.label()).collect();
    l.sort();
    l
}

fn id_of(vault: &Vault, label: &str) -> Uuid {
    vault
        .accounts()
        .into_iter()
        .find(|a| a.label() == label)
        .unwrap_or_else(|| panic!("{label} not in {:?}", labels(vault)))
        .id
}

#[test]
fn follows_a_phones_backups_over_time() {
    let (data, mut vault) = vault();
    let follows = Follows::open(&vault).unwrap();
    let mut phone = Phone::new(&[account("GitHub", "me", 1), account("Mail", "me", 2)]);
    phone.backup();

    // The password is asked for, and checked.
    assert!(matches!(
        follows.add(&mut vault, phone.path(), None),
        Err(FollowError::PasswordRequired(FormatId::Aegis))
    ));
    assert!(matches!(
        follows.add(&mut vault, phone.path(), Some("wrong")),
        Err(FollowError::WrongPassword(FormatId::Aegis))
    ));
    assert!(vault.accounts().is_empty());
    let r = follows
        .add(&mut vault, phone.path(), Some(PASSWORD))
        .unwrap();
    assert_eq!(r.added.len(), 2, "{r:?}");
    assert_eq!(r.folder.state, FolderState::Ok);
    assert_eq!(labels(&vault), ["GitHub (me)", "Mail (me)"]);
    let sources = follows.sources(&vault).unwrap();
    assert_eq!(sources.len(), 2);
    assert!(
        sources
            .values()
            .all(|s| s.app == "Aegis" && s.removed.is_none())
    );
    assert!(matches!(
        follows.add(&mut vault, phone.path(), Some(PASSWORD)),
        Err(FollowError::AlreadyFollowed(_))
    ));

    // Nothing new: nothing changes.
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(!r.changed() && r.file.is_none(), "{r:?}");

    // One more entry on the phone.
    phone
        .entries
        .push((Uuid::new_v4(), account("Bank", "me", 3)));
    let newest = phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.added, ["Bank (me)"]);
    assert_eq!(r.file.as_deref(), Some(newest.as_str()));

    // A newer backup still arriving: a temporary name is not read, a truncated file is
    // skipped; nothing changes.
    phone
        .entries
        .push((Uuid::new_v4(), account("Shop", "me", 4)));
    let name = phone.name();
    let full = export::aegis_encrypted_with_ids(&phone.entries, &[], PASSWORD).unwrap();
    std::fs::write(
        phone.path().join(format!(".syncthing.{name}.tmp")),
        full.as_bytes(),
    )
    .unwrap();
    std::fs::write(phone.path().join(&name), &full.as_bytes()[..full.len() / 2]).unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(!r.changed(), "{r:?}");
    assert_eq!(r.skipped.len(), 1, "{r:?}");
    assert_eq!(r.skipped[0].file, name);
    assert_eq!(vault.accounts().len(), 3);
    // Once complete, it is applied.
    std::fs::write(phone.path().join(&name), full.as_bytes()).unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.added, ["Shop (me)"]);

    // Renamed on the phone: updated. Edited in Ninsho and changed on the phone: kept.
    phone.entries[0].1.name = "work".into();
    let mail = id_of(&vault, "Mail (me)");
    vault
        .edit(
            mail,
            &AccountEdit {
                name: Some("personal".into()),
                ..AccountEdit::default()
            },
        )
        .unwrap();
    phone.entries[1].1.issuer = Some("Fastmail".into());
    phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.updated, ["GitHub (work)"]);
    assert_eq!(r.kept_local, ["Mail (personal)"]);
    assert!(follows.sources(&vault).unwrap()[&mail].edited_here);

    // Removed on the phone: kept and marked, never deleted silently.
    let bank = id_of(&vault, "Bank (me)");
    phone
        .entries
        .retain(|(_, a)| a.issuer.as_deref() != Some("Bank"));
    phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.removed, ["Bank (me)"]);
    assert!(vault.get(bank).is_ok());
    assert!(follows.sources(&vault).unwrap()[&bank].removed.is_some());
    assert_eq!(r.folder.removed, 1);
    // Delete it, as the person chooses.
    follows.resolve(&mut vault, bank, Resolve::Delete).unwrap();
    assert!(vault.get(bank).is_err());
    assert!(matches!(
        follows.resolve(&mut vault, bank, Resolve::Delete),
        Err(FollowError::NotMarked)
    ));

    // The password was changed on the phone: nothing changes until it is entered.
    phone
        .entries
        .push((Uuid::new_v4(), account("Forge", "me", 5)));
    phone.backup_with("new password");
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.folder.state, FolderState::NeedsPassword);
    assert!(!r.changed());
    assert!(matches!(
        follows.set_password(&mut vault, &phone.path().display().to_string(), "nope"),
        Err(FollowError::WrongPassword(_))
    ));
    let r = follows
        .set_password(
            &mut vault,
            &phone.path().display().to_string(),
            "new password",
        )
        .unwrap();
    assert_eq!(r.added, ["Forge (me)"]);
    assert_eq!(r.folder.state, FolderState::Ok);

    // An empty backup is suspicious: nothing is marked until the person confirms.
    phone.entries.clear();
    phone.backup_with("new password");
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(
        matches!(r.folder.state, FolderState::Empty { accounts: 4, .. }),
        "{r:?}"
    );
    assert!(
        follows
            .sources(&vault)
            .unwrap()
            .values()
            .all(|s| s.removed.is_none())
    );
    let r = &follows.check(&mut vault, None, true).unwrap()[0];
    assert_eq!(r.removed.len(), 4);
    assert_eq!(vault.accounts().len(), 4, "marked, not deleted");

    // Nothing of the backups' secrets is in Ninsho's files.
    for file in std::fs::read_dir(data.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for key in 1u8..=5 {
            let secret = Secret::from_bytes(&[key; 20]).unwrap();
            assert!(!text.contains(secret.to_base32().as_str()));
            let hex: String = [key; 20].iter().map(|b| format!("{b:02x}")).collect();
            assert!(!text.contains(&hex));
        }
        assert!(!text.contains(PASSWORD) && !text.contains("new password"));
    }

    // The folder goes away: said so, nothing changes.
    let path = phone.path().to_path_buf();
    let kept = tempfile::tempdir().unwrap();
    std::fs::rename(&path, kept.path().join("moved")).unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.folder.state, FolderState::Missing);
    assert_eq!(vault.accounts().len(), 4);
    std::fs::rename(kept.path().join("moved"), &path).unwrap();

    // Keep one, then stop following: every account stays.
    let github = id_of(&vault, "GitHub (work)");
    follows.resolve(&mut vault, github, Resolve::Keep).unwrap();
    assert!(!follows.sources(&vault).unwrap().contains_key(&github));
    let info = follows.remove(&vault, &path.display().to_string()).unwrap();
    assert_eq!(info.accounts, 3);
    assert!(follows.folders(&vault).unwrap().is_empty());
    assert_eq!(vault.accounts().len(), 4);
    assert!(follows.sources(&vault).unwrap().is_empty());
}

#[test]
fn accounts_already_imported_are_adopted_not_doubled() {
    let (_data, mut vault) = vault();
    let github = account("GitHub", "me", 1);
    vault.add(&github, false).unwrap();
    let mut phone = Phone::new(&[github, account("Mail", "me", 2)]);
    phone.backup();
    let follows = Follows::open(&vault).unwrap();
    let r = follows
        .add(&mut vault, phone.path(), Some(PASSWORD))
        .unwrap();
    assert_eq!(r.added, ["Mail (me)"]);
    assert_eq!(vault.accounts().len(), 2);
    assert_eq!(
        follows.sources(&vault).unwrap().len(),
        2,
        "both from the folder now"
    );

    // follow.json lost its record (a crash before it was written): the next look adopts
    // the accounts again instead of adding them twice.
    let state = StateFile::open(vault.dir()).unwrap();
    let guard = state.lock().unwrap();
    let mut s = state.load(&guard).unwrap();
    s.folders[0].entries.clear();
    s.folders[0].applied = None;
    s.folders[0].applied_contents.clear();
    state.save(&guard, &s).unwrap();
    drop(guard);
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(r.added.is_empty(), "{r:?}");
    assert_eq!(vault.accounts().len(), 2);
    assert_eq!(follows.sources(&vault).unwrap().len(), 2);
}

#[test]
fn a_reenrolled_account_with_the_same_name_is_added_and_the_old_one_marked() {
    let (_data, mut vault) = vault();
    let mut phone = Phone::new(&[
        account("GitHub", "me", 1),
        account("Mail", "me", 2),
        account("Bank", "me", 3),
    ]);
    phone.backup();
    let follows = Follows::open(&vault).unwrap();
    follows
        .add(&mut vault, phone.path(), Some(PASSWORD))
        .unwrap();
    let old = id_of(&vault, "GitHub (me)");
    // 2FA reset at the site: the phone deletes the old entry and scans a new code.
    phone.entries[0] = (Uuid::new_v4(), account("GitHub", "me", 9));
    phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.added, ["GitHub (me)"]);
    assert_eq!(r.removed, ["GitHub (me)"]);
    assert_eq!(vault.accounts().len(), 4);
    assert!(follows.sources(&vault).unwrap()[&old].removed.is_some());
}

#[test]
fn hotp_counters_take_the_larger_and_plain_backups_need_no_password() {
    let (_data, mut vault) = vault();
    let dir = tempfile::tempdir().unwrap();
    let mut bank = account("Bank", "me", 4);
    bank.params = OtpParams::hotp(Algorithm::Sha1, 6, 5);
    let id = Uuid::new_v4();
    let write = |name: &str, counter: u64| {
        let mut b = bank.clone();
        b.params.counter = counter;
        let text = export::aegis_plain_with_ids(&[(id, b)]);
        std::fs::write(dir.path().join(name), text.as_bytes()).unwrap();
    };
    write("aegis-backup-20261201-100000.json", 5);
    let follows = Follows::open(&vault).unwrap();
    let r = follows.add(&mut vault, dir.path(), None).unwrap();
    assert_eq!(r.added.len(), 1);
    assert!(!r.folder.encrypted);
    let acc = vault.accounts()[0].id;
    // Codes used here move the counter to 8.
    for _ in 0..3 {
        vault.hotp_next(acc).unwrap();
    }
    assert_eq!(vault.get(acc).unwrap().counter, Some(8));
    write("aegis-backup-20261201-110000.json", 6);
    follows.check(&mut vault, None, false).unwrap();
    assert_eq!(vault.get(acc).unwrap().counter, Some(8), "never back");
    write("aegis-backup-20261201-120000.json", 12);
    follows.check(&mut vault, None, false).unwrap();
    assert_eq!(vault.get(acc).unwrap().counter, Some(12));
    assert!(!follows.sources(&vault).unwrap()[&acc].edited_here);
}

#[test]
fn a_folder_without_backups_or_not_a_folder_is_refused_clearly() {
    let (_data, mut vault) = vault();
    let follows = Follows::open(&vault).unwrap();
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("notes.txt"), b"hello").unwrap();
    assert!(matches!(
        follows.add(&mut vault, empty.path(), None),
        Err(FollowError::NoBackup(_))
    ));
    assert!(matches!(
        follows.add(&mut vault, &empty.path().join("nope"), None),
        Err(FollowError::NotAFolder(_))
    ));
    assert!(matches!(
        follows.check(&mut vault, Some("/nowhere"), false),
        Err(FollowError::NotFollowed(_))
    ));
}

#[test]
fn a_folder_full_of_unusable_newer_files_costs_a_bounded_look() {
    let (_data, mut vault) = vault();
    let mut phone = Phone::new(&[account("GitHub", "me", 1)]);
    phone.backup();
    let follows = Follows::open(&vault).unwrap();
    follows
        .add(&mut vault, phone.path(), Some(PASSWORD))
        .unwrap();
    // Fifty newer "backups" that each cost a key derivation (a valid slot for the password)
    // before their content fails: without a bound, every look would derive fifty keys.
    let wrong = export::aegis_encrypted_with_ids(&phone.entries, &[], PASSWORD).unwrap();
    let mut damaged: serde_json::Value = serde_json::from_str(&wrong).unwrap();
    damaged["db"] = "AAAA".into();
    for i in 0..50 {
        std::fs::write(
            phone
                .path()
                .join(format!("aegis-backup-20261202-{:06}.json", 100000 + i)),
            damaged.to_string(),
        )
        .unwrap();
    }
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    let read = r
        .skipped
        .iter()
        .filter(|s| !s.reason.starts_with("not read"))
        .count();
    assert!(read <= MAX_TRIES, "{read} files read in one look");
    assert!(
        r.skipped.iter().any(|s| s.reason.starts_with("not read")),
        "{r:?}"
    );
    assert_eq!(vault.accounts().len(), 1, "nothing changed");
    // The next look reads none of those again (each cost its derivation once), and goes on
    // to the next ones.
    let again = &follows.check(&mut vault, None, false).unwrap()[0];
    let remembered = again
        .skipped
        .iter()
        .filter(|s| s.reason.starts_with("could not be used when it was read"))
        .count();
    assert_eq!(remembered, read, "{again:?}");
    let read_now = again
        .skipped
        .iter()
        .filter(|s| s.reason.contains("incomplete"))
        .count();
    assert!(read_now <= MAX_TRIES && read_now > 0, "{again:?}");
}

/// An encrypted folder where the phone made two backups.
fn followed_encrypted(accounts: &[Account]) -> (tempfile::TempDir, Vault, Phone, Follows) {
    let (d, mut vault) = vault();
    let mut phone = Phone::new(accounts);
    phone.backup();
    let follows = Follows::open(&vault).unwrap();
    follows
        .add(&mut vault, phone.path(), Some(PASSWORD))
        .unwrap();
    (d, vault, phone, follows)
}

#[test]
fn a_plain_backup_planted_in_an_encrypted_folder_is_not_applied() {
    let (_d, mut vault, phone, follows) =
        followed_encrypted(&[account("GitHub", "me", 1), account("Bank", "me", 2)]);
    // Anyone who can write to the folder, without the password: a plain Aegis file, newer.
    let fake = export::aegis_plain_with_ids(&[(Uuid::new_v4(), account("GitHub", "me", 9))]);
    std::fs::write(
        phone.path().join("aegis-backup-20261201-110000.json"),
        fake.as_bytes(),
    )
    .unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(r.added.is_empty() && r.removed.is_empty(), "{r:?}");
    assert!(
        r.skipped
            .iter()
            .any(|s| s.file == "aegis-backup-20261201-110000.json"
                && s.reason.contains("not encrypted")),
        "{r:?}"
    );
    assert_eq!(labels(&vault), ["Bank (me)", "GitHub (me)"]);
}

#[test]
fn a_far_future_name_or_an_old_backup_renamed_never_stops_following() {
    let (_d, mut vault, mut phone, follows) = followed_encrypted(&[account("GitHub", "me", 1)]);
    let first = phone.path().join("aegis-backup-20261201-100001.json");
    phone
        .entries
        .push((Uuid::new_v4(), account("Bank", "me", 2)));
    phone.backup();
    follows.check(&mut vault, None, false).unwrap();
    // An old backup copied under a name in the year 2200: not applied, and not the newest.
    std::fs::copy(
        &first,
        phone.path().join("aegis-backup-22001231-235959.json"),
    )
    .unwrap();
    // The same old backup under a plausible newer name: its content was applied before.
    std::fs::copy(
        &first,
        phone.path().join("aegis-backup-20261201-103000.json"),
    )
    .unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    let reasons: Vec<&str> = r.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|s| s.contains("more than a day ahead")),
        "{r:?}"
    );
    assert!(
        reasons.iter().any(|s| s.contains("applied before")),
        "{r:?}"
    );
    // The phone's next real backup is applied.
    phone
        .entries
        .push((Uuid::new_v4(), account("Codeberg", "me", 3)));
    phone.clock = 40 * 60;
    phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.added, ["Codeberg (me)"], "{r:?}");
    assert!(r.removed.is_empty(), "{r:?}");
    assert_eq!(
        labels(&vault),
        ["Bank (me)", "Codeberg (me)", "GitHub (me)"]
    );
}

#[test]
fn a_backup_that_would_mark_most_accounts_removed_waits_for_the_person() {
    let accounts: Vec<Account> = (1..=4)
        .map(|k| account("Site", &format!("u{k}"), k))
        .collect();
    let (_d, mut vault, mut phone, follows) = followed_encrypted(&accounts);
    // The phone now holds one of the four (another phone's backup, a reset app).
    phone.entries.truncate(1);
    let name = phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(r.removed.is_empty(), "{r:?}");
    assert_eq!(
        r.folder.state,
        FolderState::ManyRemoved {
            file: name,
            removed: 3,
            accounts: 4
        }
    );
    // Confirmed: the three are marked removed, never deleted.
    let r = &follows.check(&mut vault, None, true).unwrap()[0];
    assert_eq!(r.removed.len(), 3, "{r:?}");
    assert_eq!(vault.accounts().len(), 4);
    // Half or fewer is applied as it comes.
    phone
        .entries
        .push((Uuid::new_v4(), account("Site", "u9", 9)));
    phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.folder.state, FolderState::Ok, "{r:?}");
}

#[test]
fn a_file_sealed_with_another_password_costs_one_derivation_and_freezes_nothing() {
    let (_d, mut vault, mut phone, follows) = followed_encrypted(&[account("GitHub", "me", 1)]);
    // Someone else's encrypted backup, put in the folder as the newest.
    let foreign = export::aegis_encrypted_with_ids(
        &[(Uuid::new_v4(), account("Evil", "me", 9))],
        &[],
        "other",
    )
    .unwrap();
    std::fs::write(
        phone.path().join("aegis-backup-20261201-110000.json"),
        foreign.as_bytes(),
    )
    .unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(r.added.is_empty(), "{r:?}");
    assert!(
        r.skipped.iter().any(|s| s
            .reason
            .contains("does not open with this folder's password")),
        "{r:?}"
    );
    // Read once: the next look does not derive its key again.
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(
        r.skipped
            .iter()
            .any(|s| s.reason.starts_with("could not be used when it was read")),
        "{r:?}"
    );
    // The phone's next backup is applied as usual.
    phone
        .entries
        .push((Uuid::new_v4(), account("Codeberg", "me", 3)));
    phone.clock = 50 * 60;
    phone.backup();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.added, ["Codeberg (me)"], "{r:?}");
    assert_eq!(r.folder.state, FolderState::Ok);
}

/// A square icon of one colour, in the kept form.
fn icon_of(colour: &str) -> String {
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2" fill="{colour}"/></svg>"#
    );
    crate::icon::AccountIcon::from_source(svg.as_bytes(), Some("image/svg+xml"))
        .unwrap()
        .to_field()
}

#[test]
fn an_icon_changed_on_the_phone_follows_unless_it_was_changed_here() {
    let mut phone = Phone::new(&[account("GitHub", "me", 1), account("GitLab", "me", 2)]);
    phone.icons = vec![Some(icon_of("#111")), None];
    phone.backup();
    let (_d, mut vault) = vault();
    let follows = Follows::open(&vault).unwrap();
    follows
        .add(&mut vault, phone.path(), Some(PASSWORD))
        .unwrap();
    let github = id_of(&vault, "GitHub (me)");
    let gitlab = id_of(&vault, "GitLab (me)");
    let icon = |vault: &Vault, id| vault.get(id).unwrap().icon.clone();
    assert_eq!(icon(&vault, github), Some(icon_of("#111")));
    assert_eq!(icon(&vault, gitlab), None);

    // The phone gives GitLab an icon and changes GitHub's: both follow.
    phone.icons = vec![Some(icon_of("#222")), Some(icon_of("#333"))];
    phone.backup();
    let reports = follows.check(&mut vault, None, false).unwrap();
    assert_eq!(icon(&vault, github), Some(icon_of("#222")));
    assert_eq!(icon(&vault, gitlab), Some(icon_of("#333")));
    assert_eq!(reports[0].updated.len(), 2, "{:?}", reports[0].updated);

    // The person gives GitHub an icon of their own here; the phone then changes both again:
    // GitHub keeps the person's, GitLab's is taken away as the phone took it away.
    vault
        .edit(
            github,
            &AccountEdit {
                icon: Some(Some(icon_of("#abc"))),
                ..AccountEdit::default()
            },
        )
        .unwrap();
    phone.icons = vec![Some(icon_of("#444")), None];
    phone.backup();
    follows.check(&mut vault, None, false).unwrap();
    assert_eq!(icon(&vault, github), Some(icon_of("#abc")));
    assert_eq!(icon(&vault, gitlab), None);

    // Nothing changed on the phone: nothing changes here.
    phone.backup();
    let reports = follows.check(&mut vault, None, false).unwrap();
    assert!(reports[0].updated.is_empty(), "{:?}", reports[0].updated);
    assert_eq!(icon(&vault, github), Some(icon_of("#abc")));
}
