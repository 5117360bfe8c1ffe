//! Whether a page imitates a bound site: only to say so. A code never goes to an unbound page
//! whatever this says; it decides the words of the refusal ("This page is not on X's site"),
//! so a person who was about to type the code by hand stops.

use super::binding::Binding;
use super::page::Page;
use super::registrable;

/// Whether `page` (not on `binding`'s site) looks made to pass for it: the same name in
/// look-alike letters (`gіthub.com`), the site's name inside another (`github.com.evil.io`,
/// `evil-github.com`, `x-com-login.net`, `github-login.net`), or one letter off
/// (`githb.com`, `gihtub.com`).
pub fn imitates(page: &Page, binding: &Binding) -> bool {
    if binding.matches(page) {
        return false;
    }
    let site = registrable(binding.as_str()).unwrap_or(binding.as_str());
    if page.site == site {
        // Another host of the same site (a binding to one exact host): the site's own.
        return false;
    }
    let theirs = Name::of(site);
    let here = Name::of(&page.host);
    let here_site = Name::of(&page.site);
    if here.skeleton == theirs.skeleton || here_site.skeleton == theirs.skeleton {
        return true;
    }
    if contains_run(&here.tokens, &theirs.tokens) || here.tokens.contains(&theirs.compact) {
        return true;
    }
    let stem = stem(site);
    let stem = Name::of(stem).compact;
    if stem.chars().count() >= 4 && here.tokens.contains(&stem) {
        return true;
    }
    let their_stem = Name::of(self::stem(&page.site)).compact;
    stem.chars().count() >= 5 && one_edit_apart(&stem, &their_stem)
}

/// A host name as a person would read it: its letters in their Latin look-alikes (UTS #39
/// skeleton, lower case), whole, split on anything not a letter or digit, and joined.
struct Name {
    skeleton: String,
    tokens: Vec<String>,
    compact: String,
}

impl Name {
    fn of(host: &str) -> Name {
        let (unicode, _) = idna::domain_to_unicode(host);
        let skeleton: String = unicode_security::skeleton(&unicode)
            .flat_map(char::to_lowercase)
            .collect();
        let tokens: Vec<String> = skeleton
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let compact = tokens.concat();
        Name {
            skeleton,
            tokens,
            compact,
        }
    }
}

/// The registrable domain without its public suffix: `github` for `github.com`, `bank` for
/// `bank.co.uk`.
fn stem(site: &str) -> &str {
    match psl::suffix_str(site) {
        Some(suffix) if site.len() > suffix.len() + 1 => &site[..site.len() - suffix.len() - 1],
        _ => site,
    }
}

fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// One letter changed, added, dropped, or two neighbours swapped.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let first = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imitates_site(url: &str, site: &str) -> bool {
        imitates(&Page::parse(url).unwrap(), &Binding::parse(site).unwrap())
    }

    #[test]
    fn look_alikes_of_a_bound_site_are_named() {
        for url in [
            "https://g\u{456}thub.com/login",   // Cyrillic і
            "https://github.com.evil.io/",      // the name as a subdomain
            "https://evil-github.com/",         // the name inside another
            "https://github-login.net/",        // the stem, as a word
            "https://githubcom.net/",           // the name, run together
            "https://githb.com/",               // a letter dropped
            "https://gihtub.com/",              // two letters swapped
            "https://githubb.com/",             // a letter added
            "https://github.co.uk/",            // another suffix
            "https://login.g\u{456}thub.com/x", // a host of the look-alike
        ] {
            assert!(imitates_site(url, "github.com"), "{url}");
        }
        assert!(imitates_site("https://x-com-login.net/", "x.com"));
        assert!(imitates_site("https://secure-twitter.net/", "twitter.com"));
    }

    #[test]
    fn other_sites_and_the_site_itself_are_not() {
        for (url, site) in [
            ("https://github.com/login", "github.com"),
            ("https://gist.github.com/", "github.com"),
            ("https://gitlab.com/", "github.com"),
            ("https://dropbox.com/", "x.com"),
            ("https://example.com/", "x.com"),
            ("https://box.com/", "x.com"),
            ("https://bob.github.io/", "alice.github.io"),
            ("https://banks.com/", "bank.co.uk"),
        ] {
            assert!(!imitates_site(url, site), "{url} / {site}");
        }
    }

    #[test]
    fn one_edit() {
        assert!(one_edit_apart("github", "githb"));
        assert!(one_edit_apart("github", "gihtub"));
        assert!(one_edit_apart("github", "githubs"));
        assert!(one_edit_apart("github", "gitxub"));
        assert!(!one_edit_apart("github", "github"));
        assert!(!one_edit_apart("github", "gitlab"));
        assert!(!one_edit_apart("github", "hubgit"));
    }
}
