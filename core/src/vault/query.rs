//! Which accounts a person means by what they typed (the CLI's `code github`, the app's search).
//!
//! The kinds of match are tried in a fixed order, and the first kind that matches anything
//! decides: an id, an id prefix, an exact label, a substring. So a query that names one
//! account exactly never also returns the accounts whose labels merely contain it. Nothing
//! here reads a secret or changes the vault.

use uuid::Uuid;

use super::AccountMeta;

/// The accounts of `list` (kept in its order) that match `query`: an id (or an unambiguous id
/// prefix of at least 4 characters), an exact "issuer", "name" or "issuer (name)" (any case),
/// or else a substring of them.
pub(super) fn matching(list: Vec<AccountMeta>, query: &str) -> Vec<AccountMeta> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    if let Ok(id) = Uuid::parse_str(&q) {
        return list.into_iter().filter(|a| a.id == id).collect();
    }
    if q.len() >= 4 && q.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        let by_id: Vec<_> = list
            .iter()
            .filter(|a| a.id.to_string().starts_with(&q))
            .cloned()
            .collect();
        if !by_id.is_empty() {
            return by_id;
        }
    }
    let texts = |a: &AccountMeta| {
        [
            a.issuer.clone().unwrap_or_default().to_lowercase(),
            a.name.to_lowercase(),
            a.label().to_lowercase(),
        ]
    };
    let exact: Vec<_> = list
        .iter()
        .filter(|a| texts(a).contains(&q))
        .cloned()
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    list.into_iter()
        .filter(|a| texts(a).iter().any(|t| t.contains(&q)))
        .collect()
}
