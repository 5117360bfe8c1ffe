//! `ninsho-cli browser check` and an account's sites, against a real Secret Service (as a
//! person uses them): a well-known issuer is bound to its site when added, a site is bound and
//! unbound with `edit`, and the bridge's decision is said for bound pages, look-alikes, frames
//! of another site and insecure pages, with a code only when asked.
#![cfg(target_os = "linux")]

mod common;

use common::{in_keyring, section, text};
use ninsho_core::otp::{Generator, Secret};
use serde_json::Value;

const GITHUB: &str = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const HOME: &str = "otpauth://totp/Home:me?secret=MFRGGZDFMZTWQ2LK&issuer=Home%20server";

#[test]
fn the_bridge_decision_from_a_terminal() {
    let data = tempfile::tempdir().unwrap();
    let script = format!(
        r#"
$CLI add --yes '{GITHUB}' '{HOME}' >/dev/null
echo "== seeded"; $CLI show GitHub --json
echo "== bound"; $CLI browser check https://gist.github.com/login; echo "exit $?"
echo "== code"; $CLI browser check https://github.com/login --code --json; echo "exit $?"
echo "== homograph"; $CLI browser check 'https://gіthub.com/login'; echo "exit $?"
echo "== inside"; $CLI browser check https://github.com.evil.io/ --json; echo "exit $?"
echo "== framed"; $CLI browser check https://evil.net/ --frame https://github.com/login; echo "exit $?"
echo "== http"; $CLI browser check http://github.com/login; echo "exit $?"
echo "== unbound"; $CLI browser check https://nas.example.net/; echo "exit $?"
echo "== bind"; $CLI edit home --domain https://nas.example.net/login --domain bücher.de; echo "exit $?"
echo "== suffix"; $CLI edit home --domain co.uk 2>&1; echo "exit $?"
echo "== now-bound"; $CLI browser check https://nas.example.net/; echo "exit $?"
echo "== other-host"; $CLI browser check https://www.example.net/; echo "exit $?"
echo "== unbind"; $CLI edit home --no-domain nas.example.net; echo "exit $?"
echo "== show"; $CLI show home
echo "== end"
"#
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    let s = |name: &str| section(&stdout, name);

    let seeded: Value = serde_json::from_str(&s("seeded")).unwrap();
    assert_eq!(
        seeded["domains"],
        serde_json::json!(["github.com"]),
        "{seeded}"
    );

    assert!(
        s("bound").contains("would fill") && s("bound").contains("GitHub (me)"),
        "{}",
        s("bound")
    );
    assert!(s("bound").contains("exit 0"));
    let bound_line = s("bound")
        .lines()
        .find(|l| l.contains("would fill"))
        .unwrap()
        .to_owned();
    assert_eq!(
        bound_line.split_whitespace().count(),
        5,
        "no code: {bound_line}"
    );
    // No code unless asked; with --code, the reference code.
    let code_json = s("code");
    let answer: Value =
        serde_json::from_str(code_json.trim_end().trim_end_matches("exit 0").trim()).unwrap();
    let code = answer["fill"][0]["code"].as_str().unwrap().to_owned();
    let params = ninsho_core::uri::parse(GITHUB).unwrap().params;
    let key = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    let now = ninsho_core::otp::now();
    let g = Generator::new(&params, &key).unwrap();
    assert!(
        [
            g.code_at(now - 30).value,
            g.code_at(now).value,
            g.code_at(now + 30).value
        ]
        .contains(&code),
        "{code}"
    );

    assert!(
        s("homograph")
            .contains("This page is not on GitHub's site (github.com). Ninsho did not fill it."),
        "{}",
        s("homograph")
    );
    assert!(s("homograph").contains("exit 1"));
    let inside: Value =
        serde_json::from_str(s("inside").trim_end().trim_end_matches("exit 1").trim()).unwrap();
    assert_eq!(inside["refused"]["kind"], "look_alike", "{inside}");
    assert!(inside["refused"].get("code").is_none() && !s("inside").contains(&code));
    assert!(
        s("framed").contains("frame of github.com inside a page of evil.net"),
        "{}",
        s("framed")
    );
    assert!(
        s("http").contains("not a secure (https) page"),
        "{}",
        s("http")
    );
    assert!(
        s("unbound").contains("Ninsho has no account for example.net"),
        "{}",
        s("unbound")
    );

    assert!(
        s("bind").contains("nas.example.net (this host only), bücher.de"),
        "{}",
        s("bind")
    );
    assert!(
        s("suffix").contains("co.uk is shared by many sites") && s("suffix").contains("exit 1")
    );
    assert!(s("now-bound").contains("Home server (me)") && s("now-bound").contains("exit 0"));
    assert!(
        s("other-host").contains("Ninsho has no account for example.net"),
        "{}",
        s("other-host")
    );
    assert!(s("show").contains("sites:     bücher.de"), "{}", s("show"));
    // Nothing a page said, and no code, reached the vault file.
    let meta = std::fs::read_to_string(data.path().join("vault.json")).unwrap();
    assert!(meta.contains("\"xn--bcher-kva.de\"") && !meta.contains(&code));
}
