//! When an account counts as already present, and the one rule that decides it.
//!
//! An account duplicates another if it has the same secret, or the same issuer and the same
//! name as compared by [`same_label`]. The same rule is applied against the accounts in the
//! vault and against the accounts earlier in the same [`Vault::add_many`] batch, so whether
//! two accounts clash never depends on whether they arrive together or one after the other.
//! A same-secret match is reported before a same-label one.

use unicase::UniCase;
use uuid::Uuid;

use super::{AccountMeta, NewAccount, Vault, VaultError};
use crate::otp::{Account, Secret};

/// Why an account counts as already present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub existing: Uuid,
    pub existing_label: String,
    pub same_secret: bool,
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.same_secret {
            write!(f, "{} already has this secret", self.existing_label)
        } else {
            write!(f, "an account named {} already exists", self.existing_label)
        }
    }
}

/// Whether two (issuer, name) labels name the same account: both parts equal after trimming
/// surrounding whitespace and Unicode case folding, with no issuer the same as an empty one.
///
/// The folding is Unicode's full case folding (CaseFolding.txt, statuses C and F, through
/// `unicase`), not `to_lowercase`: "ß" folds to "ss", so "Straße" and "STRASSE" are the same
/// name (lowercasing keeps "ß" and would tell them apart), and final "ς" and "σ" both fold to
/// "σ". It is not Turkic-specific ("İ" folds to "i̇", not "i") and does not normalize, so a
/// precomposed "é" and "e" followed by a combining accent stay different.
pub(super) fn same_label(
    issuer: Option<&str>,
    name: &str,
    other_issuer: Option<&str>,
    other_name: &str,
) -> bool {
    same_text(issuer.unwrap_or(""), other_issuer.unwrap_or("")) && same_text(name, other_name)
}

fn same_text(a: &str, b: &str) -> bool {
    UniCase::unicode(a.trim()) == UniCase::unicode(b.trim())
}

/// The first of `known` that `account` duplicates: same secret first, then same label. An
/// entry whose secret is not known is compared by label only.
pub(super) fn find<'a>(
    account: &Account,
    known: impl Iterator<Item = (&'a AccountMeta, Option<&'a Secret>)> + Clone,
) -> Option<Duplicate> {
    let duplicate = |meta: &AccountMeta, same_secret| Duplicate {
        existing: meta.id,
        existing_label: meta.label(),
        same_secret,
    };
    if let Some((meta, _)) = known
        .clone()
        .find(|(_, secret)| secret.is_some_and(|s| *s == account.secret))
    {
        return Some(duplicate(meta, true));
    }
    known
        .map(|(meta, _)| meta)
        .find(|meta| {
            same_label(
                account.issuer.as_deref(),
                &account.name,
                meta.issuer.as_deref(),
                &meta.name,
            )
        })
        .map(|meta| duplicate(meta, false))
}

/// For each of `accounts`, the position of the earlier entry of the same list it repeats, by
/// the rule [`Vault::add_many`] applies within a batch: same secret first, then same label,
/// compared only with the earlier entries that are not repeats themselves (those are skipped
/// when the list is added). What a preview shows before anything is added.
pub fn repeats(accounts: &[Account]) -> Vec<Option<usize>> {
    let mut kept: Vec<&Account> = Vec::new();
    let mut at: Vec<usize> = Vec::new();
    accounts
        .iter()
        .enumerate()
        .map(|(i, account)| {
            let hit = kept
                .iter()
                .position(|k| k.secret == account.secret)
                .or_else(|| {
                    kept.iter().position(|k| {
                        same_label(
                            account.issuer.as_deref(),
                            &account.name,
                            k.issuer.as_deref(),
                            &k.name,
                        )
                    })
                })
                .map(|p| at[p]);
            if hit.is_none() {
                kept.push(account);
                at.push(i);
            }
            hit
        })
        .collect()
}

impl Vault {
    /// An existing account that `account` would duplicate: same secret, or same issuer and name
    /// (see [`same_label`]).
    pub fn find_duplicate(&mut self, account: &Account) -> Result<Option<Duplicate>, VaultError> {
        self.find_duplicate_among(account, &[])
    }

    /// [`Vault::find_duplicate`], also against `earlier`: the accounts before `account` in the
    /// batch being added.
    pub(super) fn find_duplicate_among(
        &mut self,
        account: &Account,
        earlier: &[NewAccount],
    ) -> Result<Option<Duplicate>, VaultError> {
        self.unlock_all()?;
        let cache = &self.cache;
        let listed = self
            .meta
            .accounts
            .iter()
            .map(|a| (a, cache.get(&a.id).map(|item| &item.secret)));
        let earlier = earlier.iter().map(|n| (&n.meta, Some(n.secret)));
        Ok(find(account, listed.chain(earlier)))
    }
}

/// An (issuer, name) pair in [`PAIRS`]; an empty issuer stands for none.
#[cfg(test)]
pub(super) type Label = (&'static str, &'static str);

/// Pairs of labels and whether they name the same account: the table the rule's tests
/// and the vault's (batch and one-by-one alike) are checked against.
#[cfg(test)]
pub(super) const PAIRS: &[(Label, Label, bool)] = &[
    (("GitHub", "alice"), ("github", "ALICE"), true),
    (("GitHub", "alice"), ("  GitHub ", " alice  "), true),
    (("GitHub", "alice"), ("GitLab", "alice"), false),
    (("GitHub", "alice"), ("GitHub", "alicia"), false),
    // Unicode, beyond ASCII: a comparison of ASCII letters only tells these apart.
    (("ÉCOLE", "élève"), ("école", "ÉLÈVE"), true),
    (("Bank", "ÅSA"), ("BANK", "åsa"), true),
    // Full folding: lowercasing keeps "ß" and turns a final "Σ" into "ς".
    (("Straße", "x"), ("STRASSE", "X"), true),
    (("Bank", "ΟΔΟΣ"), ("Bank", "οδοσ"), true),
    // No Turkic special case, no normalization.
    (("Bank", "İ"), ("Bank", "i"), false),
    (("Bank", "\u{e9}"), ("Bank", "e\u{301}"), false),
    (("", "alice"), ("  ", "Alice"), true),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_on_a_table() {
        for &((i1, n1), (i2, n2), same) in PAIRS {
            let opt = |i: &'static str| (!i.is_empty()).then_some(i);
            assert_eq!(
                same_label(opt(i1), n1, opt(i2), n2),
                same,
                "{i1}/{n1} vs {i2}/{n2}"
            );
            assert_eq!(same_label(opt(i2), n2, opt(i1), n1), same, "symmetric");
        }
        assert!(same_label(None, "alice", Some(""), "alice"));
    }

    #[test]
    fn repeats_name_the_earlier_entry_by_the_batch_rule() {
        use crate::otp::OtpParams;
        let account = |issuer: &str, name: &str, key: &[u8]| {
            Account::new(
                Some(issuer),
                name,
                OtpParams::steam(),
                Secret::from_bytes(key).unwrap(),
            )
        };
        let list = [
            account("GitHub", "alice", b"k1"),
            account("GitLab", "bob", b"k2"),
            // Same secret as 0, another label.
            account("Google", "carol", b"k1"),
            // Same label as 1 (folded), another secret.
            account("gitlab", "BOB", b"k3"),
            // Same secret as 3, which is a repeat and so not added: compared with 0 and 1 only.
            account("Dropbox", "dan", b"k3"),
            // Same label as 0 but the secret of 1: the secret decides first.
            account("GitHub", "alice", b"k2"),
        ];
        assert_eq!(
            repeats(&list),
            [None, None, Some(0), Some(1), None, Some(1)]
        );
        assert!(repeats(&[]).is_empty());
    }
}
