//! What the browser extension and Ninsho say to each other, through the native host. Requests
//! carry URLs the *browser* reported (the extension reads them from `tabs` and `webNavigation`,
//! never from the page) and the pairing token; answers carry codes and labels, never a secret,
//! a URI, another site, or how many accounts there are.

use serde::{Deserialize, Serialize};

use crate::app::fill::Refusal;

/// What the host passes on to the app: the request, and which extension sent it (as the
/// browser named it on the host's command line, never as the extension says).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    pub origin: String,
    pub request: serde_json::Value,
}

/// A request from the extension. The host adds who sent it (`origin`, from the browser).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Whether Ninsho runs and whether this browser is paired (`token`: the one it was given).
    Hello { token: Option<String> },
    /// Pair this browser profile: the person confirms in Ninsho, seeing `browser` and a code
    /// the extension shows too.
    Pair { browser: String, code: String },
    /// The code(s) for the field in `frame` inside `top`. `account`: the one the person chose
    /// when several fit.
    Fill {
        token: String,
        frame: String,
        top: String,
        account: Option<String>,
    },
}

/// An account the person may choose among (labels only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub account: String,
    pub label: String,
}

/// A code for the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeForField {
    pub account: String,
    pub label: String,
    pub code: String,
    /// Unix seconds at which it stops being current.
    pub valid_until: Option<u64>,
}

/// Ninsho's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    Hello {
        paired: bool,
        version: String,
    },
    /// Paired: the extension keeps `token` and sends it with every request.
    Paired {
        token: String,
    },
    /// The person declined, or did not answer, the pairing.
    PairingDeclined,
    /// The token is unknown or revoked: pair again.
    NotPaired,
    Code(CodeForField),
    /// Several accounts fit this site: the person picks one (then `Fill` with `account`).
    Choose {
        accounts: Vec<Choice>,
    },
    /// No code for this page, and why, in words (`message`) and as data (`refusal`).
    Refused {
        refusal: Refusal,
        message: String,
    },
    /// The person declined the first fill of this account on this site.
    FillDeclined,
    /// Too many codes lately; one can be had in `retry_after` seconds.
    Limited {
        retry_after: u64,
    },
    /// Ninsho is locked, or its keychain is: nothing is filled until the person unlocks.
    Locked {
        message: String,
    },
    /// The request could not be read, or Ninsho failed; `message` says what.
    Error {
        message: String,
    },
}

impl Response {
    pub fn refused(refusal: Refusal) -> Response {
        Response::Refused {
            message: refusal.to_string(),
            refusal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_as_the_extension_writes_them_and_nothing_else() {
        let r: Request = serde_json::from_str(
            r#"{"type":"fill","token":"t","frame":"https://github.com/","top":"https://github.com/","account":null}"#,
        )
        .unwrap();
        assert!(matches!(r, Request::Fill { .. }));
        // A field Ninsho does not know (a page's words smuggled in) makes the request unreadable.
        assert!(serde_json::from_str::<Request>(
            r#"{"type":"fill","token":"t","frame":"https://a.com/","top":"https://a.com/","account":null,"bind":"evil.com"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<Request>(r#"{"type":"secret"}"#).is_err());
    }

    #[test]
    fn answers_are_tagged_for_the_extension() {
        let json = serde_json::to_string(&Response::Limited { retry_after: 12 }).unwrap();
        assert_eq!(json, r#"{"type":"limited","retry_after":12}"#);
        let json = serde_json::to_string(&Response::refused(Refusal::NoAccount {
            site: "example.com".into(),
        }))
        .unwrap();
        assert_eq!(
            json,
            r#"{"type":"refused","refusal":{"kind":"no_account","site":"example.com"},"message":"Ninsho has no account for example.com"}"#
        );
    }
}
