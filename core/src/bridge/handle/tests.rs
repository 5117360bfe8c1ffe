//! The bridge's answers, with a vault on keyring-core's mock store and a scripted person.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use super::*;
use crate::otp::{Generator, Secret};
use crate::uri;
use crate::vault::{KeyringStore, Vault};

const EXT: &str = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";
const GITHUB: &str = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITHUB_WORK: &str = "otpauth://totp/GitHub:work?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub";
const NOW_MS: u64 = 1_796_000_000_000;

#[derive(Default)]
struct Scripted {
    pair: bool,
    fill: bool,
    asked_fill: Cell<u32>,
    told: RefCell<Vec<String>>,
    unlock_asked: Cell<u32>,
}

impl Person for Scripted {
    fn confirm_pairing(&self, _browser: &str, _code: &str) -> bool {
        self.pair
    }
    fn confirm_fill(&self, _account: &str, _site: &str) -> bool {
        self.asked_fill.set(self.asked_fill.get() + 1);
        self.fill
    }
    fn filled(&self, account: &str, site: &str) {
        self.told.borrow_mut().push(format!("{account} on {site}"));
    }
    fn unlock_requested(&self) {
        self.unlock_asked.set(self.unlock_asked.get() + 1);
    }
}

struct World {
    _dir: tempfile::TempDir,
    vault: RefCell<Vault>,
    bridge: Bridge,
}

fn world(uris: &[&str]) -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
    for u in uris {
        vault.add(&uri::parse(u).unwrap(), false).unwrap();
    }
    let bridge = Bridge::new(Pairings::open(dir.path()).unwrap());
    World {
        _dir: dir,
        vault: RefCell::new(vault),
        bridge,
    }
}

impl World {
    fn ask(&self, request: Request, person: &Scripted, now_ms: u64) -> Response {
        let mut vault = self.vault.borrow_mut();
        let access = RefCell::new(&mut *vault);
        self.bridge.handle(EXT, request, &access, person, now_ms)
    }

    fn paired(&self) -> String {
        let yes = Scripted {
            pair: true,
            ..Default::default()
        };
        match self.ask(
            Request::Pair {
                browser: "Chromium".into(),
                code: "123456".into(),
            },
            &yes,
            NOW_MS,
        ) {
            Response::Paired { token } => token,
            other => panic!("{other:?}"),
        }
    }
}

fn fill(token: &str, url: &str, account: Option<String>) -> Request {
    Request::Fill {
        token: token.into(),
        frame: url.into(),
        top: url.into(),
        account,
    }
}

fn reference(uri_text: &str, now_ms: u64) -> String {
    let a = uri::parse(uri_text).unwrap();
    let secret = Secret::from_base32(&a.secret.to_base32()).unwrap();
    Generator::new(&a.params, &secret)
        .unwrap()
        .code_at(now_ms / 1000)
        .value
}

#[test]
fn a_paired_browser_gets_the_code_on_the_bound_site_after_the_first_fill_is_confirmed() {
    let w = world(&[GITHUB]);
    let token = w.paired();
    let person = Scripted {
        fill: true,
        ..Default::default()
    };
    let answer = w.ask(
        fill(&token, "https://github.com/sessions/two-factor", None),
        &person,
        NOW_MS,
    );
    let Response::Code(c) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(c.code, reference(GITHUB, NOW_MS));
    assert_eq!(c.label, "GitHub (me)");
    assert_eq!(person.asked_fill.get(), 1);
    // Remembered: the second fill on the site asks nothing.
    let again = w.ask(
        fill(&token, "https://github.com/login", None),
        &person,
        NOW_MS + 1000,
    );
    assert!(matches!(again, Response::Code(_)), "{again:?}");
    assert_eq!(person.asked_fill.get(), 1);
    assert_eq!(person.told.borrow().len(), 2);
    assert_eq!(person.told.borrow()[0], "GitHub (me) on github.com");
}

#[test]
fn no_pairing_no_code_and_a_declined_pairing_gives_no_token() {
    let w = world(&[GITHUB]);
    let anyone = Scripted::default();
    assert_eq!(
        w.ask(
            fill("made-up", "https://github.com/", None),
            &anyone,
            NOW_MS
        ),
        Response::NotPaired
    );
    let pair = |code: &str| Request::Pair {
        browser: "Chromium".into(),
        code: code.into(),
    };
    assert_eq!(
        w.ask(pair("123456"), &anyone, NOW_MS),
        Response::PairingDeclined
    );
    // A pairing code that is not six digits is not even put to the person.
    let yes = Scripted {
        pair: true,
        ..Default::default()
    };
    assert_eq!(
        w.ask(pair("12345x"), &yes, NOW_MS),
        Response::PairingDeclined
    );
    let token = w.paired();
    assert!(matches!(
        w.ask(Request::Hello { token: Some(token) }, &anyone, NOW_MS),
        Response::Hello { paired: true, .. }
    ));
}

#[test]
fn look_alikes_are_refused_without_asking() {
    let w = world(&[GITHUB]);
    let token = w.paired();
    let person = Scripted {
        fill: true,
        ..Default::default()
    };
    let r = w.ask(
        fill(&token, "https://g\u{456}thub.com/login", None),
        &person,
        NOW_MS,
    );
    let Response::Refused { message, .. } = &r else {
        panic!("{r:?}")
    };
    assert!(
        message.starts_with("This page is not on GitHub's site (github.com)"),
        "{message}"
    );
    assert_eq!(person.asked_fill.get(), 0);
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(&reference(GITHUB, NOW_MS)));
}

#[test]
fn several_accounts_are_chosen_among_by_label_and_a_declined_first_fill_gives_nothing() {
    let w = world(&[GITHUB, GITHUB_WORK]);
    let token = w.paired();
    let no = Scripted::default();
    let answer = w.ask(fill(&token, "https://github.com/", None), &no, NOW_MS);
    let Response::Choose { accounts } = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(accounts.len(), 2);
    let work = accounts
        .iter()
        .find(|a| a.label == "GitHub (work)")
        .unwrap()
        .account
        .clone();
    assert_eq!(
        w.ask(
            fill(&token, "https://github.com/", Some(work.clone())),
            &no,
            NOW_MS
        ),
        Response::FillDeclined
    );
    let yes = Scripted {
        fill: true,
        ..Default::default()
    };
    let answer = w.ask(
        fill(&token, "https://github.com/", Some(work)),
        &yes,
        NOW_MS,
    );
    let Response::Code(c) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(c.code, reference(GITHUB_WORK, NOW_MS));
    // An account not of this page, named by id, is not filled: the choice is offered again.
    let other = w.ask(
        fill(
            &token,
            "https://github.com/",
            Some(uuid::Uuid::new_v4().to_string()),
        ),
        &yes,
        NOW_MS,
    );
    assert!(matches!(other, Response::Choose { .. }), "{other:?}");
}

#[test]
fn a_burst_of_requests_is_slowed_to_what_a_person_does() {
    let w = world(&[GITHUB]);
    let token = w.paired();
    let yes = Scripted {
        fill: true,
        ..Default::default()
    };
    let answers: Vec<Response> = (0..25)
        .map(|i| {
            w.ask(
                fill(&token, "https://github.com/", None),
                &yes,
                NOW_MS + i * 100,
            )
        })
        .collect();
    let codes = answers
        .iter()
        .filter(|a| matches!(a, Response::Code(_)))
        .count();
    assert_eq!(codes, crate::bridge::limits::PER_SITE_MINUTE);
    assert!(
        matches!(answers[24], Response::Limited { retry_after } if retry_after > 0 && retry_after <= 60),
        "{:?}",
        answers[24]
    );
}

#[test]
fn a_locked_vault_answers_locked_asks_nothing_and_brings_the_unlock_form_up() {
    let w = world(&[GITHUB]);
    let token = w.paired();
    w.vault
        .borrow_mut()
        .enable_encryption("correct horse battery")
        .unwrap();
    w.vault.borrow_mut().lock();
    let person = Scripted {
        fill: true,
        ..Default::default()
    };
    let answer = w.ask(
        fill(&token, "https://github.com/login", None),
        &person,
        NOW_MS,
    );
    let Response::Locked { message } = &answer else {
        panic!("{answer:?}")
    };
    assert!(message.contains("locked"), "{message}");
    assert!(!format!("{answer:?}").contains(&reference(GITHUB, NOW_MS)));
    assert_eq!(
        person.asked_fill.get(),
        0,
        "no first-fill dialog while locked"
    );
    assert_eq!(person.unlock_asked.get(), 1);
    // Unlocked: the same request gets the code.
    w.vault
        .borrow_mut()
        .unlock("correct horse battery")
        .unwrap();
    let answer = w.ask(
        fill(&token, "https://github.com/login", None),
        &person,
        NOW_MS,
    );
    let Response::Code(c) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(c.code, reference(GITHUB, NOW_MS));
}
