//! The sites of well-known issuers, kept as data (`core/data/issuer-domains*.tsv`, from
//! 2fa.directory; see their headers): an account added with issuer "GitHub" is bound to
//! `github.com` from the start, and one whose issuer is itself a site's name
//! (`example.com`) to that site. A person changes them in the app or the CLI.
//!
//! A name two entries share is left out (which site it means is a guess); the hand-kept file
//! wins over the directory.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::binding::Binding;

const DIRECTORY: &str = include_str!("../../data/issuer-domains.tsv");
const EXTRA: &str = include_str!("../../data/issuer-domains-extra.tsv");

/// The sites to bind a new account with `issuer` to (empty when it is not known).
pub fn sites_of(issuer: Option<&str>) -> Vec<Binding> {
    let Some(issuer) = issuer.map(str::trim).filter(|i| !i.is_empty()) else {
        return Vec::new();
    };
    if let Some(domains) = table().get(&key(issuer)) {
        return super::binding::unique(domains.iter().filter_map(|d| Binding::site_of(d)));
    }
    // An issuer that is a site's own name ("example.com", "accounts.example.com").
    if issuer.contains('.') && !issuer.contains(char::is_whitespace) {
        return Binding::site_of(issuer).into_iter().collect();
    }
    Vec::new()
}

/// Names compared without case, spaces or punctuation: "GitHub", "github", "Git Hub".
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Each name an entry goes by: "X (Twitter)" is also "X" and "Twitter"; "Ubisoft/Uplay" is
/// also "Ubisoft" and "Uplay".
fn names(name: &str) -> Vec<&str> {
    let mut out = vec![name];
    if let Some((before, rest)) = name.split_once('(')
        && let Some(inside) = rest.strip_suffix(')')
    {
        out.extend([before.trim(), inside.trim()]);
    }
    for n in out.clone() {
        if n.contains('/') {
            out.extend(n.split('/').map(str::trim));
        }
    }
    out
}

fn rows(text: &'static str) -> impl Iterator<Item = (&'static str, Vec<&'static str>)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(name, domains)| (name, domains.split_whitespace().collect()))
}

fn table() -> &'static HashMap<String, Vec<&'static str>> {
    static TABLE: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<String, Option<Vec<&str>>> = HashMap::new();
        for (name, domains) in rows(DIRECTORY) {
            for n in names(name) {
                let k = key(n);
                if k.is_empty() {
                    continue;
                }
                table
                    .entry(k)
                    .and_modify(|d| {
                        if d.as_ref() != Some(&domains) {
                            *d = None;
                        }
                    })
                    .or_insert_with(|| Some(domains.clone()));
            }
        }
        for (name, domains) in rows(EXTRA) {
            table.insert(key(name), Some(domains));
        }
        table
            .into_iter()
            .filter_map(|(k, d)| Some((k, d?)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(issuer: &str) -> Vec<String> {
        sites_of(Some(issuer))
            .into_iter()
            .map(|b| b.as_str().to_owned())
            .collect()
    }

    #[test]
    fn well_known_issuers_are_bound_to_their_sites() {
        assert_eq!(sites("GitHub"), ["github.com"]);
        assert_eq!(sites(" github "), ["github.com"]);
        assert_eq!(sites("X"), ["x.com", "twitter.com"]);
        assert_eq!(sites("Twitter"), ["x.com", "twitter.com"]);
        assert_eq!(sites("Google"), ["google.com"]);
        // The directory's hosts are bound as their sites.
        assert_eq!(
            sites("Gmail"),
            ["google.com", "gmail.com", "googlemail.com"]
        );
        assert_eq!(sites("Amazon Web Services"), ["amazon.com"]);
    }

    #[test]
    fn an_issuer_named_as_a_site_is_bound_to_it_and_the_rest_to_nothing() {
        assert_eq!(sites("accounts.example.com"), ["example.com"]);
        assert_eq!(sites("Example.co.uk"), ["example.co.uk"]);
        assert!(sites("co.uk").is_empty());
        assert!(sites("My Home Server").is_empty());
        assert!(sites("").is_empty());
        assert!(sites_of(None).is_empty());
        // A name two sites share in the directory means neither.
        assert!(sites("Strato").is_empty());
    }

    #[test]
    fn the_tables_read_whole() {
        assert!(table().len() > 1000, "{}", table().len());
        for (name, domains) in rows(DIRECTORY).chain(rows(EXTRA)) {
            assert!(!domains.is_empty(), "{name}");
        }
    }
}
