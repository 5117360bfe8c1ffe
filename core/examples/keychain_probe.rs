//! Prints the platform keychain's state (a quick manual check of a machine's keyring setup).
fn main() {
    use ninsho_core::vault::{KeyringStore, SecretStore};
    let store = KeyringStore::platform();
    let state = store.state(None);
    println!("{state:?}\n{}", state.advice());
}
