//! The sites an account belongs to, and the page a browser is on.
//!
//! A code goes to a browser only on a page of a site bound to its account (see
//! [`crate::app::fill`]). Everything here works on host names in ASCII (punycode) form, as the
//! browser's URL parser gives them, and on registrable domains as the public suffix list
//! (private section included) defines them: `github.com` for `gist.github.com`, but
//! `alice.github.io` for itself, since anyone can have a `*.github.io`.
//!
//! - [`page`]: a URL the browser reports, as the site it is on (or why it is no site).
//! - [`binding`]: what a person binds an account to: a site, or one exact host.
//! - [`known`]: the sites of well-known issuers, seeded when an account is added.
//! - [`lookalike`]: whether an unbound page imitates a bound site, to say so.

pub mod binding;
pub mod known;
pub mod lookalike;
pub mod page;

pub use binding::{Binding, BindingError, rebind};
pub use page::{Page, PageError};

/// The registrable domain of an ASCII host name (`None`: the host is a public suffix itself,
/// or its suffix is not in the list).
pub fn registrable(host: &str) -> Option<&str> {
    let domain = psl::domain(host.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(domain.as_bytes()).ok()
}
