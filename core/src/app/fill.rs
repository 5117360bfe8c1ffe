//! The browser bridge's one decision: which accounts' codes a page may have.
//!
//! The inputs are the URL of the frame that holds the field and of its top page, as the
//! *browser* reports them (never anything a page wrote). A code goes only to a page whose
//! host is on a site bound to the account (see [`crate::site`]); the frame must be on the
//! same site as its top page, both `https:`, both at a name. Everything else is refused,
//! and the refusal says why in words a person can act on; an unbound page that imitates a
//! bound site is named as such. A HOTP account is never filled this way: each of its codes
//! is used up when shown, so it takes a click in the app.

use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::otp::OtpType;
use crate::site::lookalike::imitates;
use crate::site::{Binding, Page, PageError};
use crate::vault::{AccountMeta, Vault, VaultError};

/// Why no code goes to this page.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// The frame or its top page is no page a code goes to (`http:`, an IP address, …).
    #[error("this page is {reason}: Ninsho fills only secure pages of a site")]
    Page { reason: String },
    /// A frame of another site inside the page (a site that frames a bank's login would
    /// otherwise have the bank's code typed into it on its own page).
    #[error("the field is in a frame of {frame} inside a page of {top}: Ninsho did not fill it")]
    FrameOfAnotherSite { frame: String, top: String },
    /// No account is bound to this site.
    #[error("Ninsho has no account for {site}")]
    NoAccount { site: String },
    /// No account is bound to this site, and the page looks made to pass for the site of
    /// `account`.
    #[error("This page is not on {account}'s site ({sites}). Ninsho did not fill it.")]
    LookAlike {
        site: String,
        account: String,
        sites: String,
    },
    /// The only accounts of this site count their codes (HOTP): one is given by a click in
    /// the app.
    #[error("{account} counts its codes: copy one in Ninsho")]
    CountedCodes { account: String },
}

/// An account whose code may go to the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub label: String,
}

/// The accounts whose codes may go to the field in `frame_url` inside `top_url`, or why none.
pub fn decide(
    accounts: &[AccountMeta],
    frame_url: &str,
    top_url: &str,
) -> Result<Vec<Candidate>, Refusal> {
    let page = |url: &str| {
        Page::parse(url).map_err(|e| Refusal::Page {
            reason: match e {
                PageError::NoSite(host) => format!("at {}", crate::app::text::visible(&host)),
                e => e.to_string(),
            },
        })
    };
    let frame = page(frame_url)?;
    let top = page(top_url)?;
    if frame.site != top.site {
        return Err(Refusal::FrameOfAnotherSite {
            frame: shown(&frame.site),
            top: shown(&top.site),
        });
    }
    let bound: Vec<&AccountMeta> = accounts
        .iter()
        .filter(|a| a.domains.iter().any(|b| b.matches(&frame)))
        .collect();
    let (counted, timed): (Vec<&AccountMeta>, Vec<&AccountMeta>) =
        bound.into_iter().partition(|a| a.otp_type == OtpType::Hotp);
    if !timed.is_empty() {
        return Ok(timed
            .into_iter()
            .map(|a| Candidate {
                id: a.id,
                label: a.label(),
            })
            .collect());
    }
    if let Some(a) = counted.first() {
        return Err(Refusal::CountedCodes { account: a.label() });
    }
    for a in accounts {
        // An account bound to one host of this very site is not imitated by its other hosts.
        let same_site = a
            .domains
            .iter()
            .any(|b| crate::site::registrable(b.as_str()) == Some(frame.site.as_str()));
        if !same_site
            && a.domains
                .iter()
                .any(|b| imitates(&frame, b) || imitates(&top, b))
        {
            return Err(Refusal::LookAlike {
                site: shown(&frame.site),
                account: a.issuer.clone().unwrap_or_else(|| a.label()),
                sites: a
                    .domains
                    .iter()
                    .map(Binding::shown)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    Err(Refusal::NoAccount {
        site: shown(&frame.site),
    })
}

/// A site as a person reads it, with its ASCII form beside an IDN one (`gіthub.com` is shown
/// as `gіthub.com (xn--gthub-n4a.com)`, never as something that passes for `github.com`).
fn shown(site: &str) -> String {
    let (unicode, _) = idna::domain_to_unicode(site);
    if unicode == site {
        site.to_owned()
    } else {
        format!("{} ({site})", crate::app::text::visible(&unicode))
    }
}

/// A code for the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub id: Uuid,
    pub label: String,
    pub code: String,
    /// Unix seconds at which the code stops being current.
    pub valid_until: Option<u64>,
}

#[derive(Debug, Error)]
pub enum FillError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// The codes, at `time`, of the accounts [`decide`] lets the page have.
pub fn codes(
    vault: &mut Vault,
    frame_url: &str,
    top_url: &str,
    time: u64,
) -> Result<Vec<Filled>, FillError> {
    let candidates = decide(&vault.accounts(), frame_url, top_url)?;
    let mut out = Vec::with_capacity(candidates.len());
    for c in candidates {
        let code = vault.code(c.id, time)?;
        out.push(Filled {
            id: c.id,
            label: c.label,
            code: code.value,
            valid_until: code.valid_until,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
