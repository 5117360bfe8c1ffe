//! Opening a vault of 1,000 accounts and producing every code, against whatever keychain the
//! process sees. Goal: under 1 s on the real Secret Service. Run it through
//! `make bench-vault`, which starts a throwaway gnome-keyring in a private D-Bus session.

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ninsho_core::otp::{Account, Algorithm, OtpParams, Secret};
use ninsho_core::vault::{KeyringStore, Vault};

const ACCOUNTS: usize = 1000;

fn bench(c: &mut Criterion) {
    if std::env::var("NINSHO_REAL_KEYCHAIN").as_deref() != Ok("1") {
        eprintln!(
            "vault bench: not inside scripts/with-keyring.sh; measuring whatever keychain is reachable"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(KeyringStore::platform());
    let mut vault = Vault::open(dir.path(), store.clone()).expect("open vault");
    let accounts: Vec<Account> = (0..ACCOUNTS)
        .map(|i| {
            let key: Vec<u8> = (0..20).map(|b| (i * 7 + b * 13) as u8).collect();
            Account::new(
                Some(&format!("Service {i}")),
                &format!("user{i}@example.com"),
                OtpParams::totp(Algorithm::Sha1, 6, 30),
                Secret::from_bytes(&key).expect("key"),
            )
        })
        .collect();
    let start = std::time::Instant::now();
    let added = vault.add_many(&accounts, true).expect("add accounts");
    assert!(added.iter().all(Result::is_ok), "every account added");
    eprintln!(
        "vault bench: added {ACCOUNTS} accounts in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    drop(vault);

    let mut group = c.benchmark_group("vault");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("open_1000_and_all_codes", |b| {
        b.iter(|| {
            let mut vault =
                Vault::open(dir.path(), Arc::new(KeyringStore::platform())).expect("open");
            let codes = vault.codes(ninsho_core::otp::now()).expect("codes");
            assert_eq!(codes.len(), ACCOUNTS);
            codes
        })
    });
    group.finish();

    // Leave no items behind in the keyring.
    let mut vault = Vault::open(dir.path(), store).expect("open");
    for a in vault.accounts() {
        let _ = vault.delete(a.id);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
