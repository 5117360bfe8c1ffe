//! What one keychain item holds: an account's key and its recovery codes.
//!
//! A small binary layout rather than JSON, so that no intermediate text copy of the key is
//! made and every buffer involved can be wiped:
//!
//! `"NSK1"` · u16 owner length · owner · u16 key length · key · u16 code count ·
//! (u16 length · UTF-8 code)*  (big-endian)
//!
//! The owner is the item's own keychain user, `<vault id>/<account id>`. Carrying it inside
//! the item lets a whole vault be read with one keychain search instead of one lookup per
//! account, and catches an item that ended up under the wrong name.

use thiserror::Error;
use zeroize::Zeroizing;

use super::keychain::MAX_ITEM_BYTES;
use crate::otp::Secret;

const MAGIC: &[u8; 4] = b"NSK1";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ItemError {
    #[error("the keychain item for this account is not one Ninsho wrote (or is damaged)")]
    Damaged,
    #[error(
        "these recovery codes take {size} bytes with the key; the keychain stores at most {MAX_ITEM_BYTES}"
    )]
    TooLarge { size: usize },
}

/// The secret part of an account.
#[derive(Clone, PartialEq, Eq)]
pub struct Item {
    /// `<vault id>/<account id>`.
    pub owner: String,
    pub secret: Secret,
    /// Backup / recovery codes the site issued, as the person entered them.
    pub recovery_codes: Vec<Zeroizing<String>>,
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

impl Item {
    pub fn new(owner: String, secret: Secret) -> Self {
        Item {
            owner,
            secret,
            recovery_codes: Vec::new(),
        }
    }

    pub fn encode(&self) -> Result<Zeroizing<Vec<u8>>, ItemError> {
        let size = 4
            + 2
            + self.owner.len()
            + 2
            + self.secret.len()
            + 2
            + self
                .recovery_codes
                .iter()
                .map(|c| 2 + c.len())
                .sum::<usize>();
        if size > MAX_ITEM_BYTES || self.recovery_codes.len() > usize::from(u16::MAX) {
            return Err(ItemError::TooLarge { size });
        }
        let mut out = Zeroizing::new(Vec::with_capacity(size));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.owner.len() as u16).to_be_bytes());
        out.extend_from_slice(self.owner.as_bytes());
        out.extend_from_slice(&(self.secret.len() as u16).to_be_bytes());
        out.extend_from_slice(self.secret.as_bytes());
        out.extend_from_slice(&(self.recovery_codes.len() as u16).to_be_bytes());
        for code in &self.recovery_codes {
            out.extend_from_slice(&(code.len() as u16).to_be_bytes());
            out.extend_from_slice(code.as_bytes());
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ItemError> {
        let mut rest = bytes
            .strip_prefix(MAGIC.as_slice())
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
            recovery_codes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_and_damage() {
        let item = Item {
            owner: "vault/account".into(),
            secret: Secret::from_bytes(b"12345678901234567890").unwrap(),
            recovery_codes: vec![
                Zeroizing::new("abcd-efgh".into()),
                Zeroizing::new("日本".into()),
            ],
        };
        let bytes = item.encode().unwrap();
        assert_eq!(Item::decode(&bytes).unwrap(), item);
        for cut in 0..bytes.len() {
            assert_eq!(
                Item::decode(&bytes[..cut]),
                Err(ItemError::Damaged),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert_eq!(Item::decode(&longer), Err(ItemError::Damaged));
        assert!(!format!("{item:?}").contains("abcd"));
    }

    #[test]
    fn size_limit() {
        let item = Item {
            owner: "vault/account".into(),
            secret: Secret::from_bytes(&[7; 64]).unwrap(),
            recovery_codes: (0..200)
                .map(|i| Zeroizing::new(format!("code-{i:04}-xxxx")))
                .collect(),
        };
        assert!(matches!(item.encode(), Err(ItemError::TooLarge { .. })));
    }

    proptest! {
        #[test]
        fn decoding_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Item::decode(&bytes);
            let mut with_magic = MAGIC.to_vec();
            with_magic.extend_from_slice(&bytes);
            let _ = Item::decode(&with_magic);
        }
    }
}
