//! The JSON shapes other tools script against. They are a contract: fields are only added.

use ninsho_core::otp::Account;
use serde::Serialize;

/// An account as `parse`, `scan` and later `list`/`show` print it.
#[derive(Serialize)]
pub struct AccountJson<'a> {
    #[serde(rename = "type")]
    pub otp_type: &'static str,
    pub issuer: Option<&'a str>,
    pub name: &'a str,
    pub algorithm: &'static str,
    pub digits: u8,
    pub period: Option<u32>,
    pub counter: Option<u64>,
    /// Only with `--show-secret`: unpadded upper-case base32.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<zeroize::Zeroizing<String>>,
}

impl<'a> AccountJson<'a> {
    pub fn new(account: &'a Account, show_secret: bool) -> Self {
        let p = &account.params;
        AccountJson {
            otp_type: p.otp_type.as_str(),
            issuer: account.issuer.as_deref(),
            name: &account.name,
            algorithm: p.algorithm.as_str(),
            digits: p.digits,
            period: p.period_opt(),
            counter: p.counter_opt(),
            secret: show_secret.then(|| account.secret.to_base32()),
        }
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        // Serializing these plain structs cannot fail; say so rather than panic if it ever does.
        Err(e) => eprintln!("ninsho-cli: could not write JSON: {e}"),
    }
}
