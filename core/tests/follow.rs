//! Following a folder that holds backups written by Aegis itself (the shared vectors), on
//! keyring-core's mock store.

mod common;

use std::sync::Arc;

use ninsho_core::follow::{FolderState, Follows};
use ninsho_core::formats;
use ninsho_core::vault::{KeyringStore, Vault};

#[test]
fn an_aegis_backup_folder_yields_its_entries_and_refuses_a_plain_one_among_them() {
    let Some(vectors) = common::vectors_dir() else {
        return;
    };
    let src = vectors.join("aegis-importers");
    let phone = tempfile::tempdir().unwrap();
    std::fs::copy(
        src.join("aegis_encrypted.json"),
        phone.path().join("aegis-backup-20261201-100000.json"),
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(data.path(), Arc::new(KeyringStore::mock())).unwrap();
    let follows = Follows::open(&vault).unwrap();
    let report = follows.add(&mut vault, phone.path(), Some("test")).unwrap();

    let bytes = std::fs::read(src.join("aegis_encrypted.json")).unwrap();
    let expected = formats::import(&bytes, None, Some("test")).unwrap();
    assert_eq!(report.added.len(), expected.accounts.len(), "{report:?}");
    assert_eq!(expected.accounts.len(), 7);
    let mut got: Vec<String> = vault.accounts().iter().map(|a| a.label()).collect();
    let mut want: Vec<String> = expected.accounts.iter().map(|a| a.label()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for a in &expected.accounts {
        let found = vault.find(&a.label());
        let id = found.first().expect("listed").id;
        assert_eq!(vault.account(id).unwrap().secret, a.secret, "{}", a.label());
    }

    // The same vault written unencrypted (same entry uuids) into this encrypted folder: never
    // applied, whoever put it there, and named.
    std::fs::copy(
        src.join("aegis_plain.json"),
        phone.path().join("aegis-backup-20261201-110000.json"),
    )
    .unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert_eq!(r.file, None, "{r:?}");
    assert!(
        r.skipped
            .iter()
            .any(|s| s.file == "aegis-backup-20261201-110000.json"
                && s.reason.contains("not encrypted")),
        "{r:?}"
    );
    // The same encrypted backup again under a newer name: recognised, nothing new.
    std::fs::copy(
        src.join("aegis_encrypted.json"),
        phone.path().join("aegis-backup-20261201-120000.json"),
    )
    .unwrap();
    let r = &follows.check(&mut vault, None, false).unwrap()[0];
    assert!(r.added.is_empty() && r.removed.is_empty(), "{r:?}");
    assert_eq!(r.folder.state, FolderState::Ok);
    assert_eq!(
        r.folder.file.as_deref(),
        Some("aegis-backup-20261201-120000.json")
    );
    assert_eq!(vault.accounts().len(), 7);
}
