//! What a decoded QR code says: a login code, a Google export, or something else — and if
//! something else, what, so a person who scanned the wrong code knows which one it was.

use zeroize::Zeroizing;

use crate::otp::Account;
use crate::uri::migration::{self, MigrationError, MigrationPart};
use crate::uri::{self, UriError};

/// One decoded QR code.
#[derive(Debug, Clone)]
pub struct Payload {
    /// The exact text of the code. It may hold a secret: wiped on drop, never log it.
    pub text: Zeroizing<String>,
    pub content: Content,
    /// Corners in image pixels: top-left, top-right, bottom-right, bottom-left of the code.
    pub corners: [(f32, f32); 4],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// An `otpauth://` (or `steam://`) enrollment code.
    Account(Account),
    /// Meant to be an enrollment code but unusable; the error says why.
    BrokenAccount(UriError),
    /// One QR code of a Google Authenticator export.
    GoogleExport(MigrationPart),
    /// Meant to be a Google export but unusable.
    BrokenGoogleExport(MigrationError),
    /// Not a login code at all.
    Other(OtherKind),
}

/// What a non-login QR code is. Only harmless details are kept (a host name, a network name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtherKind {
    WebLink { host: String },
    Wifi { network: Option<String> },
    Email,
    Phone,
    Sms,
    Contact,
    Location,
    Calendar,
    Text,
}

/// What a non-login QR code is, as a code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum OtherKindCode {
    WebLink,
    Wifi,
    Email,
    Phone,
    Sms,
    Contact,
    Location,
    Calendar,
    Text,
}

impl OtherKind {
    pub fn code(&self) -> OtherKindCode {
        match self {
            OtherKind::WebLink { .. } => OtherKindCode::WebLink,
            OtherKind::Wifi { .. } => OtherKindCode::Wifi,
            OtherKind::Email => OtherKindCode::Email,
            OtherKind::Phone => OtherKindCode::Phone,
            OtherKind::Sms => OtherKindCode::Sms,
            OtherKind::Contact => OtherKindCode::Contact,
            OtherKind::Location => OtherKindCode::Location,
            OtherKind::Calendar => OtherKindCode::Calendar,
            OtherKind::Text => OtherKindCode::Text,
        }
    }

    /// The one harmless detail worth showing: a link's host, a Wi-Fi network's name.
    pub fn detail(&self) -> Option<&str> {
        match self {
            OtherKind::WebLink { host } => Some(host.as_str()).filter(|h| !h.is_empty()),
            OtherKind::Wifi { network } => network.as_deref(),
            _ => None,
        }
    }

    /// A sentence for the person who scanned it.
    pub fn describe(&self) -> String {
        let what = match self {
            OtherKind::WebLink { host } if host.is_empty() => "a web link".to_owned(),
            OtherKind::WebLink { host } => format!("a link to {host}"),
            OtherKind::Wifi { network: Some(n) } => format!("a Wi-Fi network (\"{n}\")"),
            OtherKind::Wifi { network: None } => "a Wi-Fi network".to_owned(),
            OtherKind::Email => "an e-mail address".to_owned(),
            OtherKind::Phone => "a phone number".to_owned(),
            OtherKind::Sms => "a text message".to_owned(),
            OtherKind::Contact => "a contact card".to_owned(),
            OtherKind::Location => "a map location".to_owned(),
            OtherKind::Calendar => "a calendar event".to_owned(),
            OtherKind::Text => "plain text".to_owned(),
        };
        format!("This QR code is {what}, not a login code.")
    }
}

/// Decides what a QR code's text is.
pub fn classify(text: &str) -> Content {
    let trimmed = text.trim();
    let scheme = trimmed
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    match scheme.as_str() {
        "otpauth" | "steam" => match uri::parse(trimmed) {
            Ok(account) => Content::Account(account),
            Err(e) => Content::BrokenAccount(e),
        },
        "otpauth-migration" => match migration::parse(trimmed) {
            Ok(part) => Content::GoogleExport(part),
            Err(e) => Content::BrokenGoogleExport(e),
        },
        "http" | "https" => Content::Other(OtherKind::WebLink {
            host: host_of(trimmed),
        }),
        "wifi" => Content::Other(OtherKind::Wifi {
            network: wifi_ssid(trimmed),
        }),
        "mailto" | "matmsg" => Content::Other(OtherKind::Email),
        "tel" => Content::Other(OtherKind::Phone),
        "sms" | "smsto" | "mms" | "mmsto" => Content::Other(OtherKind::Sms),
        "mecard" | "bizcard" => Content::Other(OtherKind::Contact),
        "geo" => Content::Other(OtherKind::Location),
        _ if trimmed.starts_with("BEGIN:VCARD") => Content::Other(OtherKind::Contact),
        _ if trimmed.starts_with("BEGIN:VEVENT") || trimmed.starts_with("BEGIN:VCALENDAR") => {
            Content::Other(OtherKind::Calendar)
        }
        _ if looks_like_domain(trimmed) => Content::Other(OtherKind::WebLink {
            host: host_of(trimmed),
        }),
        _ => Content::Other(OtherKind::Text),
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    host.chars().take(80).collect::<String>().to_lowercase()
}

fn looks_like_domain(text: &str) -> bool {
    let host = host_of(text);
    !text.contains(char::is_whitespace)
        && host.contains('.')
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && host
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// `WIFI:T:WPA;S:name;P:password;;` — only the network name is kept (never the password).
fn wifi_ssid(text: &str) -> Option<String> {
    let body = &text[5.min(text.len())..];
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ';' => fields.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    fields
        .into_iter()
        .find_map(|f| f.strip_prefix("S:").map(str::to_owned))
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert!(matches!(
            classify("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"),
            Content::Account(_)
        ));
        assert!(matches!(
            classify("otpauth://totp/a?secret=1"),
            Content::BrokenAccount(UriError::InvalidSecret(_))
        ));
        assert!(matches!(
            classify("otpauth-migration://offline"),
            Content::BrokenGoogleExport(MigrationError::MissingData)
        ));
        assert_eq!(
            classify("https://user@Example.COM:8443/path?q=1"),
            Content::Other(OtherKind::WebLink {
                host: "example.com".into()
            })
        );
        assert_eq!(
            classify(r"WIFI:T:WPA;S:Home\;Net;P:hunter2;;"),
            Content::Other(OtherKind::Wifi {
                network: Some("Home;Net".into())
            })
        );
        assert_eq!(
            classify("www.example.org/x"),
            Content::Other(OtherKind::WebLink {
                host: "www.example.org".into()
            })
        );
        assert_eq!(
            classify("BEGIN:VCARD\nFN:A\nEND:VCARD"),
            Content::Other(OtherKind::Contact)
        );
        assert_eq!(
            classify("hello world. bye"),
            Content::Other(OtherKind::Text)
        );
        assert_eq!(classify("3.14"), Content::Other(OtherKind::Text));
        assert_eq!(classify(""), Content::Other(OtherKind::Text));
    }

    #[test]
    fn wifi_password_is_not_kept() {
        let content = classify("WIFI:S:cafe;T:WPA;P:topsecret;;");
        let OtherKind::Wifi { network } = (match content {
            Content::Other(k) => k,
            _ => panic!(),
        }) else {
            panic!()
        };
        assert_eq!(network.as_deref(), Some("cafe"));
        assert!(!OtherKind::Wifi { network }.describe().contains("topsecret"));
    }
}
