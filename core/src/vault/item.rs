//! What one keychain item holds: an account's key, its recovery codes, and enough of the
//! account to list it again if `vault.json` is ever lost.
//!
//! The record is one line of UTF-8 JSON, versioned and self-describing:
//!
//! `{"ninsho":2,"owner":"<vault id>/<account id>","secret":"<base32>","recovery":[..],
//!   "issuer":..,"name":..,"type":"totp","algorithm":"SHA1","digits":6,"period":30,
//!   "counter":null,"created":<unix seconds>,"folder":"<hash of the vault folder's path>"}`
//!
//! An mOTP or Yandex account's record also holds its PIN (`"pin":"…"`), the one place Ninsho
//! keeps it; records without one (every other kind, and those written before) read as before.
//!
//! Text because the Secret Service implementations people use do not all keep binary secrets
//! intact (KWallet and KeePassXC have mangled binary and multi-line secrets of other
//! authenticators); one line for the same reason. `folder` names the folder whose vault the
//! item belongs to (a hash of its path), so a folder that lost its `vault.json` is rebuilt
//! with exactly its own accounts. The owner is the item's own keychain user:
//! carrying it inside lets a whole vault be read with one keychain search and catches an item
//! that ended up under the wrong name. Items written by earlier versions (the binary `NSK1`
//! layout, key and recovery codes only) are still read, and rewritten as records when the
//! vault next reads them.
//!
//! The record is written into one buffer sized for the largest item, so no copy of the key is
//! left behind by a reallocation; every buffer holding it is wiped.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use zeroize::Zeroizing;

use super::keychain::MAX_ITEM_BYTES;
use crate::otp::{Algorithm, OtpParams, OtpType, Pin, Secret};

const LEGACY_MAGIC: &[u8; 4] = b"NSK1";

/// The record version this Ninsho writes.
pub const ITEM_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ItemError {
    #[error("the keychain item for this account is not one Ninsho wrote (or is damaged)")]
    Damaged,
    #[error(
        "this account's keychain item would take {size} bytes (key, recovery codes, name); the keychain stores at most {MAX_ITEM_BYTES}"
    )]
    TooLarge { size: usize },
    #[error("this keychain item was written by a newer Ninsho (record version {0}); update Ninsho")]
    Newer(u32),
}

/// The account an item belongs to, as it was when the item was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemAccount {
    pub issuer: Option<String>,
    pub name: String,
    pub params: OtpParams,
    /// Unix seconds.
    pub created: u64,
}

/// The secret part of an account.
#[derive(Clone, PartialEq, Eq)]
pub struct Item {
    /// `<vault id>/<account id>`.
    pub owner: String,
    pub secret: Secret,
    /// The PIN of an mOTP or Yandex account.
    pub pin: Option<Pin>,
    /// Backup / recovery codes the site issued, as the person entered them.
    pub recovery_codes: Vec<Zeroizing<String>>,
    /// `None` for an item written before records described their account.
    pub account: Option<ItemAccount>,
    /// The vault folder the item belongs to (a hash of its path); `None` in earlier items.
    pub folder: Option<String>,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Item({:?}, {} recovery codes)",
            self.secret,
            self.recovery_codes.len()
        )
    }
}

#[derive(Serialize)]
struct RecordOut<'a> {
    ninsho: u32,
    owner: &'a str,
    secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pin: Option<&'a str>,
    recovery: Vec<&'a str>,
    issuer: Option<&'a str>,
    name: &'a str,
    #[serde(rename = "type")]
    otp_type: OtpType,
    algorithm: Algorithm,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    created: u64,
    folder: Option<&'a str>,
}

#[derive(Deserialize)]
struct RecordIn {
    ninsho: u32,
    owner: String,
    secret: Zeroizing<String>,
    #[serde(default)]
    pin: Option<Zeroizing<String>>,
    #[serde(default)]
    recovery: Vec<Zeroizing<String>>,
    issuer: Option<String>,
    name: String,
    #[serde(rename = "type")]
    otp_type: OtpType,
    algorithm: Algorithm,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    #[serde(default)]
    created: u64,
    #[serde(default)]
    folder: Option<String>,
}

impl Item {
    pub fn new(owner: String, secret: Secret, account: ItemAccount, folder: String) -> Self {
        Item {
            owner,
            secret,
            pin: None,
            recovery_codes: Vec::new(),
            account: Some(account),
            folder: Some(folder),
        }
    }

    /// Whether the item is in the current record format (else it should be rewritten).
    pub fn is_current(&self) -> bool {
        self.account.is_some() && self.folder.is_some()
    }

    /// The record, as the keychain stores it. An item without its account cannot be written.
    pub fn encode(&self) -> Result<Zeroizing<Vec<u8>>, ItemError> {
        let account = self.account.as_ref().ok_or(ItemError::Damaged)?;
        let secret = self.secret.to_base32();
        let record = RecordOut {
            ninsho: ITEM_VERSION,
            owner: &self.owner,
            secret: &secret,
            pin: self.pin.as_ref().map(Pin::as_str),
            recovery: self.recovery_codes.iter().map(|c| c.as_str()).collect(),
            issuer: account.issuer.as_deref(),
            name: &account.name,
            otp_type: account.params.otp_type,
            algorithm: account.params.algorithm,
            digits: account.params.digits,
            period: account.params.period_opt(),
            counter: account.params.counter_opt(),
            created: account.created,
            folder: self.folder.as_deref(),
        };
        // Parts that alone exceed the limit are refused before any text is made. The rest
        // become at most six bytes of JSON per byte (`\u0000`) plus the field names, so a
        // buffer of that size is never reallocated (which would leave a copy of the key).
        let parts = self.owner.len()
            + secret.len()
            + self.pin.as_ref().map_or(0, |p| p.as_str().len())
            + self.recovery_codes.iter().map(|c| c.len()).sum::<usize>()
            + account.issuer.as_ref().map_or(0, String::len)
            + account.name.len()
            + self.folder.as_ref().map_or(0, String::len);
        if parts > MAX_ITEM_BYTES {
            return Err(ItemError::TooLarge { size: parts });
        }
        let mut out = Zeroizing::new(Vec::with_capacity(
            6 * parts + 512 + 4 * self.recovery_codes.len(),
        ));
        serde_json::to_writer(&mut *out, &record).map_err(|_| ItemError::Damaged)?;
        if out.len() > MAX_ITEM_BYTES {
            return Err(ItemError::TooLarge { size: out.len() });
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ItemError> {
        if bytes.starts_with(LEGACY_MAGIC) {
            return decode_legacy(bytes);
        }
        if !bytes.starts_with(b"{") {
            return Err(ItemError::Damaged);
        }
        // Only the version first: a newer record may not parse as this one.
        #[derive(Deserialize)]
        struct Version {
            ninsho: u32,
        }
        let version: Version = serde_json::from_slice(bytes).map_err(|_| ItemError::Damaged)?;
        if version.ninsho > ITEM_VERSION {
            return Err(ItemError::Newer(version.ninsho));
        }
        let record: RecordIn = serde_json::from_slice(bytes).map_err(|_| ItemError::Damaged)?;
        if record.ninsho != ITEM_VERSION {
            return Err(ItemError::Damaged);
        }
        let secret = Secret::from_base32(&record.secret).map_err(|_| ItemError::Damaged)?;
        let params = match record.otp_type {
            kind @ (OtpType::Steam | OtpType::Motp | OtpType::Yandex) => {
                OtpParams::fixed(kind).ok_or(ItemError::Damaged)?
            }
            OtpType::Hotp => {
                OtpParams::hotp(record.algorithm, record.digits, record.counter.unwrap_or(0))
            }
            OtpType::Totp => OtpParams::totp(
                record.algorithm,
                record.digits,
                record.period.unwrap_or(crate::otp::DEFAULT_PERIOD),
            ),
        };
        params.validate().map_err(|_| ItemError::Damaged)?;
        let pin = match &record.pin {
            Some(p) => Some(Pin::new(p).map_err(|_| ItemError::Damaged)?),
            None => None,
        };
        Ok(Item {
            owner: record.owner,
            secret,
            pin,
            recovery_codes: record.recovery,
            account: Some(ItemAccount {
                issuer: record.issuer,
                name: record.name,
                params,
                created: record.created,
            }),
            folder: record.folder,
        })
    }
}

/// The binary layout of earlier versions: `"NSK1"` · u16 owner length · owner · u16 key
/// length · key · u16 code count · (u16 length · UTF-8 code)* (big-endian).
fn decode_legacy(bytes: &[u8]) -> Result<Item, ItemError> {
    let mut rest = bytes
        .strip_prefix(LEGACY_MAGIC.as_slice())
        .ok_or(ItemError::Damaged)?;
    let mut take = |n: usize| -> Result<&[u8], ItemError> {
        if rest.len() < n {
            return Err(ItemError::Damaged);
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let len = |b: &[u8]| usize::from(u16::from_be_bytes([b[0], b[1]]));
    let owner_len = len(take(2)?);
    let owner = std::str::from_utf8(take(owner_len)?)
        .map_err(|_| ItemError::Damaged)?
        .to_owned();
    let key_len = len(take(2)?);
    let secret = Secret::from_bytes(take(key_len)?).map_err(|_| ItemError::Damaged)?;
    let count = len(take(2)?);
    let mut recovery_codes = Vec::with_capacity(count.min(256));
    for _ in 0..count {
        let n = len(take(2)?);
        let text = std::str::from_utf8(take(n)?).map_err(|_| ItemError::Damaged)?;
        recovery_codes.push(Zeroizing::new(text.to_owned()));
    }
    if !rest.is_empty() {
        return Err(ItemError::Damaged);
    }
    Ok(Item {
        owner,
        secret,
        pin: None,
        recovery_codes,
        account: None,
        folder: None,
    })
}

/// The legacy binary layout, for tests that start from a vault written by earlier versions.
#[doc(hidden)]
pub fn encode_legacy(owner: &str, secret: &Secret, recovery_codes: &[&str]) -> Vec<u8> {
    let mut out = LEGACY_MAGIC.to_vec();
    out.extend_from_slice(&(owner.len() as u16).to_be_bytes());
    out.extend_from_slice(owner.as_bytes());
    out.extend_from_slice(&(secret.len() as u16).to_be_bytes());
    out.extend_from_slice(secret.as_bytes());
    out.extend_from_slice(&(recovery_codes.len() as u16).to_be_bytes());
    for code in recovery_codes {
        out.extend_from_slice(&(code.len() as u16).to_be_bytes());
        out.extend_from_slice(code.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item() -> Item {
        Item {
            owner: "vault/account".into(),
            secret: Secret::from_bytes(b"12345678901234567890").unwrap(),
            pin: None,
            recovery_codes: vec![
                Zeroizing::new("abcd-efgh".into()),
                Zeroizing::new("日本".into()),
            ],
            account: Some(ItemAccount {
                issuer: Some("Example \"Co\"".into()),
                name: "mika@example.com".into(),
                params: OtpParams::hotp(Algorithm::Sha256, 8, 42),
                created: 1_700_000_000,
            }),
            folder: Some("f0".into()),
        }
    }

    #[test]
    fn a_record_is_one_line_of_self_describing_text_and_reads_back() {
        let item = item();
        let bytes = item.encode().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(
            !text.contains('\n') && !text.chars().any(char::is_control),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["ninsho"], 2);
        assert_eq!(v["secret"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(v["type"], "hotp");
        assert_eq!(v["counter"], 42);
        assert_eq!(v["recovery"][1], "日本");
        assert_eq!(Item::decode(&bytes).unwrap(), item);
        assert!(!format!("{item:?}").contains("abcd"));
    }

    #[test]
    fn a_pin_is_kept_in_the_record_and_older_records_read_without_one() {
        let mut item = item();
        item.account.as_mut().unwrap().params = OtpParams::yandex();
        item.pin = Some(Pin::new("5239").unwrap());
        let bytes = item.encode().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["pin"], "5239");
        assert_eq!(v["type"], "yandex");
        let back = Item::decode(&bytes).unwrap();
        assert_eq!(back, item);
        assert!(!format!("{back:?}").contains("5239"));
        // A record written before PINs existed has no field: it reads as before.
        let old = item_without_pin();
        let bytes = old.encode().unwrap();
        assert!(!std::str::from_utf8(&bytes).unwrap().contains("\"pin\""));
        assert_eq!(Item::decode(&bytes).unwrap().pin, None);
    }

    fn item_without_pin() -> Item {
        item()
    }

    #[test]
    fn damage_is_detected() {
        let bytes = item().encode().unwrap();
        for cut in 0..bytes.len() {
            assert_eq!(
                Item::decode(&bytes[..cut]),
                Err(ItemError::Damaged),
                "cut at {cut}"
            );
        }
        let text = std::str::from_utf8(&bytes).unwrap();
        let wrong_secret = text.replace("GEZDGNBV", "GEZDGNB1");
        assert_eq!(
            Item::decode(wrong_secret.as_bytes()),
            Err(ItemError::Damaged)
        );
        let newer = text.replace("\"ninsho\":2", "\"ninsho\":3");
        assert_eq!(Item::decode(newer.as_bytes()), Err(ItemError::Newer(3)));
    }

    #[test]
    fn legacy_binary_items_still_read() {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let bytes = encode_legacy("vault/account", &secret, &["abcd-efgh"]);
        let item = Item::decode(&bytes).unwrap();
        assert_eq!(item.owner, "vault/account");
        assert_eq!(item.secret, secret);
        assert_eq!(item.recovery_codes[0].as_str(), "abcd-efgh");
        assert!(!item.is_current());
        assert_eq!(item.encode(), Err(ItemError::Damaged));
        for cut in 0..bytes.len() {
            assert_eq!(Item::decode(&bytes[..cut]), Err(ItemError::Damaged));
        }
    }

    #[test]
    fn size_limit() {
        let mut item = item();
        item.secret = Secret::from_bytes(&[7; 64]).unwrap();
        item.recovery_codes = (0..200)
            .map(|i| Zeroizing::new(format!("code-{i:04}-xxxx")))
            .collect();
        assert!(matches!(item.encode(), Err(ItemError::TooLarge { .. })));
    }

    proptest! {
        #[test]
        fn decoding_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Item::decode(&bytes);
            let mut with_magic = LEGACY_MAGIC.to_vec();
            with_magic.extend_from_slice(&bytes);
            let _ = Item::decode(&with_magic);
            let mut json = b"{\"ninsho\":2,".to_vec();
            json.extend_from_slice(&bytes);
            let _ = Item::decode(&json);
        }
    }
}
