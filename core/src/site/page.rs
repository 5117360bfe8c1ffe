//! A page as the browser reports it: its URL parsed once, by the same rules a browser uses
//! (WHATWG URL, IDN hosts to punycode, lower case, no trailing dot), into the host and the site.

use thiserror::Error;

use super::registrable;

/// A page a code may go to: an `https:` URL on a host name under a known public suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The host, ASCII, lower case, without a trailing dot (`login.example.co.uk`).
    pub host: String,
    /// Its registrable domain (`example.co.uk`).
    pub site: String,
}

/// Why a URL is no page a code goes to. The same words for every page of a kind: nothing here
/// depends on the accounts.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PageError {
    #[error("not a web address")]
    NotAUrl,
    /// `http:` (anyone on the network can read and change the page), `file:`, `data:`…
    #[error("not a secure (https) page")]
    NotHttps,
    #[error("a page at an IP address, not at a site's name")]
    IpAddress,
    /// A host without a registrable domain: a public suffix itself (`github.io`,
    /// `co.uk`), a single label (`localhost`), or under a suffix the list does not know.
    #[error("{0} is not a site anyone can own")]
    NoSite(String),
}

impl Page {
    /// The page at `url`, as the browser reported it.
    pub fn parse(url: &str) -> Result<Page, PageError> {
        let parsed = url::Url::parse(url.trim()).map_err(|_| PageError::NotAUrl)?;
        if parsed.scheme() != "https" {
            return Err(PageError::NotHttps);
        }
        match parsed.host() {
            Some(url::Host::Domain(d)) => Page::from_host(d),
            Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => Err(PageError::IpAddress),
            None => Err(PageError::NotAUrl),
        }
    }

    /// The page of an ASCII host name (what [`url::Url`] gives).
    fn from_host(host: &str) -> Result<Page, PageError> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return Err(PageError::NotAUrl);
        }
        if host.parse::<std::net::Ipv4Addr>().is_ok() {
            return Err(PageError::IpAddress);
        }
        let site = registrable(&host)
            .ok_or_else(|| PageError::NoSite(host.clone()))?
            .to_owned();
        Ok(Page { host, site })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(url: &str) -> Result<String, PageError> {
        Page::parse(url).map(|p| p.site)
    }

    #[test]
    fn a_page_is_its_registrable_domain_by_the_public_suffix_list() {
        assert_eq!(site("https://github.com/login").unwrap(), "github.com");
        assert_eq!(site("https://gist.github.com/").unwrap(), "github.com");
        assert_eq!(site("https://login.bank.co.uk/x").unwrap(), "bank.co.uk");
        assert_eq!(site("https://GitHub.COM./login").unwrap(), "github.com");
        assert_eq!(site("https://github.com:8443/").unwrap(), "github.com");
        // The private section: a tenant of github.io is a site of its own.
        assert_eq!(site("https://alice.github.io/").unwrap(), "alice.github.io");
        assert_eq!(
            site("https://x.alice.github.io/").unwrap(),
            "alice.github.io"
        );
    }

    #[test]
    fn idn_hosts_are_compared_in_punycode() {
        // "gіthub.com" with a Cyrillic і is another site, in its ASCII form.
        let p = Page::parse("https://g\u{456}thub.com/").unwrap();
        assert!(p.site.starts_with("xn--"), "{}", p.site);
        assert_ne!(p.site, "github.com");
        let p = Page::parse("https://bücher.example.de/").unwrap();
        assert_eq!(p.host, "xn--bcher-kva.example.de");
        assert_eq!(p.site, "example.de");
    }

    #[test]
    fn what_is_no_page_for_a_code_is_refused_by_kind() {
        assert_eq!(site("http://github.com/"), Err(PageError::NotHttps));
        assert_eq!(site("file:///etc/passwd"), Err(PageError::NotHttps));
        assert_eq!(site("https://127.0.0.1/"), Err(PageError::IpAddress));
        assert_eq!(site("https://[::1]/"), Err(PageError::IpAddress));
        assert_eq!(site("https://0x7f.1/"), Err(PageError::IpAddress));
        assert_eq!(site("not a url"), Err(PageError::NotAUrl));
        assert!(matches!(
            site("https://github.io/"),
            Err(PageError::NoSite(_))
        ));
        assert!(matches!(site("https://co.uk/"), Err(PageError::NoSite(_))));
        assert!(matches!(
            site("https://localhost/"),
            Err(PageError::NoSite(_))
        ));
        assert!(matches!(
            site("https://intranet.corp/"),
            Err(PageError::NoSite(_))
        ));
    }
}
