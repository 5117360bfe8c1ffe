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
        Err(e) => say_err!("ninsho-cli: could not write JSON: {e}"),
    }
}

/// Prints an account as aligned `key: value` lines.
pub fn print_account_text(view: &AccountJson) {
    say!("type:      {}", view.otp_type);
    say!("issuer:    {}", view.issuer.unwrap_or("(none)"));
    say!("name:      {}", view.name);
    say!("algorithm: {}", view.algorithm);
    say!("digits:    {}", view.digits);
    if let Some(period) = view.period {
        say!("period:    {period}");
    }
    if let Some(counter) = view.counter {
        say!("counter:   {counter}");
    }
    if let Some(secret) = &view.secret {
        say!("secret:    {}", secret.as_str());
    }
}

/// An account of the vault: the `parse` object plus what the vault knows about it.
#[derive(Serialize)]
pub struct VaultAccountJson<'a> {
    pub id: String,
    #[serde(flatten)]
    pub account: AccountJson<'a>,
    pub group: Option<&'a str>,
    pub pinned: bool,
    pub created: u64,
    pub last_used: Option<u64>,
    /// `missing` or `damaged` when the account's keychain item cannot be used; else null.
    pub problem: Option<ninsho_core::vault::ItemProblem>,
    /// The followed folder the account came from (see `ninsho-cli follow`); else null.
    pub source: Option<ninsho_core::follow::Origin>,
    /// The sites the browser bridge may fill its code on (ASCII: `xn--` for IDN).
    pub domains: &'a [ninsho_core::site::Binding],
    /// The account's own icon, `data:image/png;base64,…` (see `edit --icon`); else null.
    pub icon: Option<String>,
    /// Only with `--show-secret` (show): the account as an otpauth:// URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<zeroize::Zeroizing<String>>,
}

impl<'a> VaultAccountJson<'a> {
    pub fn new(meta: &'a ninsho_core::vault::AccountMeta) -> Self {
        let p = meta.params();
        VaultAccountJson {
            id: meta.id.to_string(),
            account: AccountJson {
                otp_type: p.otp_type.as_str(),
                issuer: meta.issuer.as_deref(),
                name: &meta.name,
                algorithm: p.algorithm.as_str(),
                digits: p.digits,
                period: p.period_opt(),
                counter: p.counter_opt(),
                secret: None,
            },
            group: meta.group.as_deref(),
            pinned: meta.pinned,
            created: meta.created,
            last_used: meta.last_used,
            problem: None,
            source: None,
            domains: &meta.domains,
            icon: meta
                .icon
                .as_deref()
                .and_then(ninsho_core::icon::AccountIcon::from_field)
                .map(|i| i.data_url()),
            uri: None,
        }
    }

    pub fn with_problem(mut self, problem: Option<ninsho_core::vault::ItemProblem>) -> Self {
        self.problem = problem;
        self
    }

    pub fn with_source(mut self, source: Option<ninsho_core::follow::Origin>) -> Self {
        self.source = source;
        self
    }
}

/// A code with its validity.
#[derive(Serialize)]
pub struct CodeJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub issuer: Option<&'a str>,
    pub name: &'a str,
    pub code: &'a str,
    /// Unix seconds; null for HOTP.
    pub valid_from: Option<u64>,
    pub valid_until: Option<u64>,
}

impl<'a> CodeJson<'a> {
    pub fn new(
        id: Option<String>,
        issuer: Option<&'a str>,
        name: &'a str,
        code: &'a ninsho_core::otp::Code,
    ) -> Self {
        CodeJson {
            id,
            issuer,
            name,
            code: &code.value,
            valid_from: code.valid_from,
            valid_until: code.valid_until,
        }
    }
}
