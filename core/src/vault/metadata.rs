//! The vault's metadata file: everything about the accounts except their secrets.
//!
//! The file carries a schema number from the first version on; older files are migrated on
//! load, and a file from a newer Ninsho is refused (never rewritten, which would drop what the
//! newer version knows).

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::otp::{Algorithm, OtpParams, OtpType};
use crate::site::Binding;

pub const FORMAT: &str = "ninsho-vault";
/// The schema this Ninsho writes for a vault without a lock. A locked vault is written as
/// [`LOCKED_SCHEMA`], so that a Ninsho from before the lock refuses it as newer instead of
/// taking every sealed item for a damaged one.
pub const SCHEMA: u32 = 1;
pub const LOCKED_SCHEMA: u32 = 2;

/// One account, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMeta {
    pub id: Uuid,
    pub issuer: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub otp_type: OtpType,
    pub algorithm: Algorithm,
    pub digits: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// HOTP: the counter of the next code to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default)]
    pub pinned: bool,
    /// Position in the manual order (smaller first).
    #[serde(default)]
    pub order: u64,
    /// Unix seconds.
    pub created: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<u64>,
    /// Key of the issuer icon to show (resolved by the UI); `None` means "match by issuer".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// The sites whose pages the browser bridge may fill this account's code into (see
    /// [`crate::app::fill`]). One the file holds that is no longer a site is dropped, never
    /// a reason to refuse the whole file.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::site::binding::lenient"
    )]
    pub domains: Vec<Binding>,
}

impl AccountMeta {
    /// A new listing entry: not pinned, in no group, never used.
    pub fn new(
        id: Uuid,
        issuer: Option<String>,
        name: String,
        params: &OtpParams,
        order: u64,
        created: u64,
    ) -> Self {
        let mut meta = AccountMeta {
            id,
            issuer,
            name,
            otp_type: params.otp_type,
            algorithm: params.algorithm,
            digits: params.digits,
            period: None,
            counter: None,
            group: None,
            pinned: false,
            order,
            created,
            last_used: None,
            icon: None,
            domains: Vec::new(),
        };
        meta.set_params(params);
        meta
    }

    pub fn params(&self) -> OtpParams {
        OtpParams {
            otp_type: self.otp_type,
            algorithm: self.algorithm,
            digits: self.digits,
            period: self.period.unwrap_or(crate::otp::DEFAULT_PERIOD),
            counter: self.counter.unwrap_or(0),
        }
    }

    pub fn set_params(&mut self, p: &OtpParams) {
        self.otp_type = p.otp_type;
        self.algorithm = p.algorithm;
        self.digits = p.digits;
        self.period = p.period_opt();
        self.counter = p.counter_opt();
    }

    /// How a person recognises the account: see [`crate::otp::label`].
    pub fn label(&self) -> String {
        crate::otp::label(self.issuer.as_deref(), &self.name)
    }
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub format: String,
    pub schema: u32,
    /// Random per vault; part of every keychain item's name, so test vaults and real vaults
    /// never touch each other's items.
    pub vault_id: Uuid,
    /// Incremented on every save.
    pub revision: u64,
    pub accounts: Vec<AccountMeta>,
    /// Adds whose keychain item may exist without the account being listed yet (the write
    /// was interrupted). Resolved on open: item there → the add completes; not there → dropped.
    #[serde(default)]
    pub pending: Vec<AccountMeta>,
    /// Deleted accounts whose keychain item may still exist. Removed on open.
    #[serde(default)]
    pub tombstones: Vec<Uuid>,
    /// The encrypted mode, when it is on (see `vault::lock`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<super::lock::LockMeta>,
    /// System sign-in opens a locked Ninsho on this computer (see `system_auth`). Nothing
    /// secret: a gate, or with the password a re-open of a key already in memory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub system_unlock: bool,
}

#[derive(Debug, Error)]
pub enum MetadataError {
    #[error("not a Ninsho vault file ({0})")]
    Unreadable(String),
    #[error(
        "this vault was written by a newer version of Ninsho (vault format {0}); update Ninsho to open it"
    )]
    Newer(u32),
}

impl Metadata {
    pub fn new() -> Self {
        Metadata {
            format: FORMAT.to_owned(),
            schema: SCHEMA,
            vault_id: Uuid::new_v4(),
            revision: 0,
            accounts: Vec::new(),
            pending: Vec::new(),
            tombstones: Vec::new(),
            lock: None,
            system_unlock: false,
        }
    }

    /// The schema number this metadata must be saved with.
    pub fn required_schema(&self) -> u32 {
        if self.lock.is_some() {
            LOCKED_SCHEMA
        } else {
            SCHEMA
        }
    }

    /// Reads a file's bytes, migrating older schemas.
    pub fn parse(bytes: &[u8]) -> Result<Self, MetadataError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| MetadataError::Unreadable(e.to_string()))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(MetadataError::Unreadable(
                "the format marker is missing".into(),
            ));
        }
        let schema = value
            .get("schema")
            .and_then(|s| s.as_u64())
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| MetadataError::Unreadable("the schema number is missing".into()))?;
        let value = match schema {
            SCHEMA | LOCKED_SCHEMA => value,
            newer if newer > LOCKED_SCHEMA => return Err(MetadataError::Newer(newer)),
            // Schema 0 never shipped; future migrations go here, one step per version.
            older => {
                return Err(MetadataError::Unreadable(format!(
                    "unknown vault format {older}"
                )));
            }
        };
        let meta: Metadata =
            serde_json::from_value(value).map_err(|e| MetadataError::Unreadable(e.to_string()))?;
        meta.check()?;
        Ok(meta)
    }

    fn check(&self) -> Result<(), MetadataError> {
        let mut ids = std::collections::HashSet::new();
        for a in self.accounts.iter().chain(&self.pending) {
            if !ids.insert(a.id) {
                return Err(MetadataError::Unreadable(format!(
                    "account {} is listed twice",
                    a.id
                )));
            }
            a.params()
                .validate()
                .map_err(|e| MetadataError::Unreadable(format!("account {}: {e}", a.id)))?;
        }
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        // Plain structs of strings and numbers: serialization cannot fail.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

impl Default for Metadata {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> AccountMeta {
        AccountMeta {
            id: Uuid::new_v4(),
            issuer: Some("GitHub".into()),
            name: "alice".into(),
            otp_type: OtpType::Hotp,
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: None,
            counter: Some(5),
            group: None,
            pinned: false,
            order: 0,
            created: 1,
            last_used: None,
            icon: None,
            domains: vec![Binding::parse("github.com").unwrap()],
        }
    }

    #[test]
    fn round_trip() {
        let mut meta = Metadata::new();
        meta.accounts.push(account());
        assert_eq!(Metadata::parse(&meta.to_bytes()).unwrap(), meta);
    }

    #[test]
    fn refuses_newer_foreign_and_inconsistent_files() {
        let mut meta = Metadata::new();
        meta.schema = LOCKED_SCHEMA + 1;
        assert!(matches!(
            Metadata::parse(&meta.to_bytes()),
            Err(MetadataError::Newer(3))
        ));
        assert!(matches!(
            Metadata::parse(b"{\"a\":1}"),
            Err(MetadataError::Unreadable(_))
        ));
        assert!(matches!(
            Metadata::parse(b"{\"format\":\"ninsho-v"),
            Err(MetadataError::Unreadable(_))
        ));
        let mut meta = Metadata::new();
        let a = account();
        meta.accounts.push(a.clone());
        meta.pending.push(a);
        assert!(
            matches!(Metadata::parse(&meta.to_bytes()), Err(MetadataError::Unreadable(m)) if m.contains("twice"))
        );
        let mut meta = Metadata::new();
        let mut bad = account();
        bad.digits = 12;
        meta.accounts.push(bad);
        assert!(matches!(
            Metadata::parse(&meta.to_bytes()),
            Err(MetadataError::Unreadable(_))
        ));
    }
}
