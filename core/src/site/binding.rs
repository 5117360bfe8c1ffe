//! What an account is bound to: a site (a registrable domain and every host under it) or one
//! exact host. Bindings are made by a person, in the app or the CLI, seeded from the table
//! of well-known issuers when an account is added, or taken from the backup an account is
//! imported from (the sites its app kept with the login); never from a page's words.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::page::Page;
use super::registrable;

/// A site (`github.com`: any page whose registrable domain is `github.com`) or an exact host
/// (`login.bank.co.uk`: that host only), ASCII, lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Binding(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BindingError {
    #[error("“{0}” is not a site's name (like github.com)")]
    NotAName(String),
    #[error("a site is bound by its name, not by an IP address")]
    IpAddress,
    /// `co.uk`, `github.io`: binding one would give a code to everyone under it.
    #[error("{0} is shared by many sites (a public suffix): name the site under it")]
    PublicSuffix(String),
    #[error("the account is not bound to {0}")]
    NotBound(String),
}

impl BindingError {
    pub fn code(&self) -> crate::error_code::ErrorCode {
        crate::error_code::ErrorCode::SiteInvalid
    }

    /// What the person typed (or the site they named), to quote back.
    pub fn input(&self) -> &str {
        match self {
            BindingError::NotAName(s)
            | BindingError::PublicSuffix(s)
            | BindingError::NotBound(s) => s,
            BindingError::IpAddress => "",
        }
    }
}

impl Binding {
    /// Every site a person listed (the whole list an account is bound to), in order, each once.
    pub fn parse_all(inputs: &[impl AsRef<str>]) -> Result<Vec<Binding>, BindingError> {
        let none: [&str; 0] = [];
        rebind(&[], inputs, &none)
    }

    /// What a person typed or pasted: a name (`github.com`, `bücher.de`) or an address
    /// (`https://github.com/login`). A host under its site is kept as that exact host, except
    /// `www.`, which names the site.
    pub fn parse(input: &str) -> Result<Binding, BindingError> {
        let input = input.trim();
        let shown = || crate::app::text::visible(input);
        let with_scheme = if input.contains("://") {
            input.to_owned()
        } else {
            format!("https://{input}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| BindingError::NotAName(shown()))?;
        // Pages are on the web: an app's link (`androidapp://com.example.app`) or another
        // scheme names no site, however much its text looks like a host.
        if !matches!(url.scheme(), "https" | "http") {
            return Err(BindingError::NotAName(shown()));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(_) => return Err(BindingError::IpAddress),
            None => return Err(BindingError::NotAName(shown())),
        };
        if host.parse::<std::net::Ipv4Addr>().is_ok() {
            return Err(BindingError::IpAddress);
        }
        let site = registrable(&host).ok_or_else(|| {
            if psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known()) && host.contains('.') {
                BindingError::PublicSuffix(host.clone())
            } else {
                BindingError::NotAName(shown())
            }
        })?;
        if host == site || host.strip_prefix("www.") == Some(site) {
            return Ok(Binding(site.to_owned()));
        }
        Ok(Binding(host))
    }

    /// The site `host` is on (seeding from the table of known issuers: `mail.google.com`
    /// binds `google.com`). `None` when the host is no site.
    pub fn site_of(host: &str) -> Option<Binding> {
        let b = Binding::parse(host).ok()?;
        let site = registrable(&b.0)?.to_owned();
        Some(Binding(site))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this binds a whole site (rather than one host of it).
    pub fn is_site(&self) -> bool {
        registrable(&self.0) == Some(self.0.as_str())
    }

    /// Whether a code of an account bound here may go to `page`: the page is on this site, or
    /// is this exact host.
    pub fn matches(&self, page: &Page) -> bool {
        if self.is_site() {
            page.site == self.0
        } else {
            page.host == self.0
        }
    }

    /// The name as a person reads it: IDN labels in their own script.
    pub fn shown(&self) -> String {
        let (unicode, result) = idna::domain_to_unicode(&self.0);
        if result.is_ok() {
            crate::app::text::visible(&unicode)
        } else {
            self.0.clone()
        }
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Binding {
    type Error = BindingError;

    /// Read back from a file: normalized again, so a hand-edited or older file cannot bind a
    /// public suffix or a host in another form.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Binding::parse(&s)
    }
}

impl From<Binding> for String {
    fn from(b: Binding) -> String {
        b.0
    }
}

/// `current` with the sites a person named in `add` bound and those in `remove` unbound
/// (each as typed: `github.com`, `https://github.com/login`, `bücher.de`).
pub fn rebind(
    current: &[Binding],
    add: &[impl AsRef<str>],
    remove: &[impl AsRef<str>],
) -> Result<Vec<Binding>, BindingError> {
    let mut out = current.to_vec();
    for r in remove {
        let b = Binding::parse(r.as_ref())?;
        let before = out.len();
        out.retain(|x| *x != b);
        if out.len() == before {
            return Err(BindingError::NotBound(b.shown()));
        }
    }
    for a in add {
        let b = Binding::parse(a.as_ref())?;
        if !out.contains(&b) {
            out.push(b);
        }
    }
    Ok(out)
}

/// Bindings read from a file, those that are no longer sites dropped (the public suffix list
/// changes; a file may have been edited by hand): one bad entry never makes a vault or a sync
/// file unreadable.
pub fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Binding>, D::Error> {
    let raw: Vec<String> = Vec::deserialize(d)?;
    Ok(unique(raw.iter().filter_map(|s| Binding::parse(s).ok())))
}

/// `bindings` in order, each once: an account's list never names a site twice.
pub fn unique(bindings: impl IntoIterator<Item = Binding>) -> Vec<Binding> {
    let mut out: Vec<Binding> = Vec::new();
    for b in bindings {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(s: &str) -> String {
        Binding::parse(s).unwrap().0
    }

    #[test]
    fn a_person_may_type_a_name_or_paste_an_address() {
        assert_eq!(bound("github.com"), "github.com");
        assert_eq!(bound(" GitHub.COM. "), "github.com");
        assert_eq!(bound("https://github.com/login?x=1"), "github.com");
        assert_eq!(bound("www.github.com"), "github.com");
        assert_eq!(bound("login.bank.co.uk"), "login.bank.co.uk");
        assert_eq!(bound("bücher.de"), "xn--bcher-kva.de");
        assert_eq!(bound("alice.github.io"), "alice.github.io");
        assert!(Binding::parse("github.com").unwrap().is_site());
        assert!(!Binding::parse("login.bank.co.uk").unwrap().is_site());
        assert_eq!(Binding::parse("bücher.de").unwrap().shown(), "bücher.de");
    }

    #[test]
    fn suffixes_addresses_and_nonsense_are_refused() {
        assert!(matches!(
            Binding::parse("co.uk"),
            Err(BindingError::PublicSuffix(_))
        ));
        assert!(matches!(
            Binding::parse("github.io"),
            Err(BindingError::PublicSuffix(_))
        ));
        assert_eq!(Binding::parse("10.0.0.1"), Err(BindingError::IpAddress));
        assert_eq!(Binding::parse("[::1]"), Err(BindingError::IpAddress));
        assert!(matches!(
            Binding::parse("localhost"),
            Err(BindingError::NotAName(_))
        ));
        assert!(matches!(Binding::parse(""), Err(BindingError::NotAName(_))));
        assert!(matches!(
            Binding::parse("not a name"),
            Err(BindingError::NotAName(_))
        ));
        // An app's link is no page, though its reversed name parses as a host under a real
        // top-level domain (`.android`).
        for link in [
            "androidapp://com.github.android",
            "iosapp://com.example.app",
            "ftp://files.example.com",
        ] {
            assert!(
                matches!(Binding::parse(link), Err(BindingError::NotAName(_))),
                "{link}"
            );
        }
        assert_eq!(bound("http://github.com/"), "github.com");
    }

    #[test]
    fn a_site_binding_covers_its_hosts_and_an_exact_one_only_itself() {
        let page = |u: &str| Page::parse(u).unwrap();
        let site = Binding::parse("github.com").unwrap();
        assert!(site.matches(&page("https://github.com/login")));
        assert!(site.matches(&page("https://gist.github.com/")));
        assert!(!site.matches(&page("https://github.com.evil.io/")));
        assert!(!site.matches(&page("https://evil-github.com/")));
        let host = Binding::parse("login.bank.co.uk").unwrap();
        assert!(host.matches(&page("https://login.bank.co.uk/")));
        assert!(!host.matches(&page("https://forum.bank.co.uk/")));
        assert!(!host.matches(&page("https://bank.co.uk/")));
        let tenant = Binding::parse("alice.github.io").unwrap();
        assert!(!tenant.matches(&page("https://bob.github.io/")));
    }

    #[test]
    fn rebinding_adds_and_removes_as_typed() {
        let now = vec![Binding::parse("x.com").unwrap()];
        let none: [&str; 0] = [];
        let after = rebind(&now, &["https://twitter.com/login", "X.com"], &none).unwrap();
        assert_eq!(
            after.iter().map(Binding::as_str).collect::<Vec<_>>(),
            ["x.com", "twitter.com"]
        );
        let after = rebind(&after, &none, &["www.x.com"]).unwrap();
        assert_eq!(
            after.iter().map(Binding::as_str).collect::<Vec<_>>(),
            ["twitter.com"]
        );
        assert_eq!(
            rebind(&after, &none, &["github.com"]),
            Err(BindingError::NotBound("github.com".into()))
        );
        assert!(matches!(
            rebind(&after, &["co.uk"], &none),
            Err(BindingError::PublicSuffix(_))
        ));
    }

    #[test]
    fn a_file_cannot_bind_what_a_person_could_not() {
        assert!(serde_json::from_str::<Binding>("\"co.uk\"").is_err());
        let b: Binding = serde_json::from_str("\"GitHub.com\"").unwrap();
        assert_eq!(b.as_str(), "github.com");
    }
}
