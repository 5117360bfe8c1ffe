//! `ninsho-cli follow` against a real Secret Service (gnome-keyring in a private D-Bus
//! session): a "phone" vault writes encrypted Aegis backups into a folder over time with
//! `ninsho-cli export`, and the desktop vault follows that folder.
#![cfg(target_os = "linux")]

mod common;

use common::{in_keyring, section, text};
use ninsho_core::otp::{Generator, Secret};
use serde_json::Value;

const GITHUB: &str = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const MAIL: &str =
    "otpauth://totp/Mail:me@example.org?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=Mail";
const BANK: &str = "otpauth://totp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank";
const SECRETS: [&str; 3] = [
    "JBSWY3DPEHPK3PXP",
    "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
];

#[test]
fn follows_a_folder_of_encrypted_aegis_backups() {
    let data = tempfile::tempdir().unwrap();
    let script = format!(
        r#"set -u
phone_data=$(mktemp -d); phone=$(mktemp -d)
printf 'phone password\n' > $phone_data/pw
printf 'changed password\n' > $phone_data/pw2
on_phone() {{ NINSHO_DATA_DIR=$phone_data $CLI "$@"; }}
backup() {{ on_phone export --format aegis -o $phone/aegis-backup-$1.json --password-file ${{2:-$phone_data/pw}} >/dev/null; }}
on_phone add --yes '{GITHUB}' '{MAIL}' >/dev/null
backup 20261201-100000
echo "== no-password"; $CLI follow add $phone </dev/null; echo "exit $?"
echo "== add"; $CLI follow add $phone --password-file $phone_data/pw; echo "exit $?"
echo "== list"; $CLI list --json
echo "== code"; $CLI code github --at 59
on_phone add --yes '{BANK}' >/dev/null
backup 20261201-110000
echo "== now"; $CLI follow now; echo "exit $?"
backup 20261201-120000
head -c 300 $phone/aegis-backup-20261201-120000.json > $phone/t && mv $phone/t $phone/aegis-backup-20261201-120000.json
echo "== truncated"; $CLI follow now; echo "exit $?"
on_phone rm mail --yes >/dev/null
backup 20261201-130000
echo "== removed"; $CLI follow now; echo "exit $?"
echo "== list-removed"; $CLI list --json
echo "== list-text"; $CLI list
backup 20261201-140000 $phone_data/pw2
echo "== wrong-password"; $CLI follow now; echo "exit $?"
echo "== password"; $CLI follow password $phone --password-file $phone_data/pw2; echo "exit $?"
echo "== folders"; $CLI follow list --json
echo "== keep"; $CLI follow keep mail; echo "exit $?"
echo "== files"; cat $NINSHO_DATA_DIR/* 2>/dev/null | base64 -w0 ; echo
echo "== stop"; $CLI follow remove $phone; echo "exit $?"
echo "== after"; $CLI list --json
echo "== end"
"#
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    let all = format!("stdout:\n{stdout}\nstderr:\n{stderr}");

    assert!(section(&stdout, "no-password").contains("exit 1"), "{all}");
    assert!(stderr.contains("encrypted"), "{all}");

    let add = section(&stdout, "add");
    assert!(add.contains("exit 0"), "{all}");
    // The added accounts with their current codes (checked against the generator).
    let now = ninsho_core::otp::now();
    let github_code = Generator::new(
        &ninsho_core::otp::OtpParams::totp(ninsho_core::otp::Algorithm::Sha1, 6, 30),
        &Secret::from_base32(SECRETS[0]).unwrap(),
    )
    .unwrap();
    let line = add
        .lines()
        .find(|l| l.contains("added    GitHub (me)"))
        .unwrap_or_else(|| panic!("{all}"));
    let shown = line.rsplit(' ').next().unwrap();
    let ok: Vec<String> = [now.saturating_sub(2), now, now + 2]
        .iter()
        .map(|t| github_code.code_at(*t).value)
        .collect();
    assert!(ok.iter().any(|c| c == shown), "{line} vs {ok:?}");
    assert!(add.contains("added    Mail (me@example.org)"), "{all}");

    let list: Value = serde_json::from_str(&section(&stdout, "list")).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|a| a["source"]["app"] == "Aegis")
    );
    assert_eq!(
        section(&stdout, "code").trim(),
        github_code.code_at(59).value
    );

    let now_out = section(&stdout, "now");
    assert!(
        now_out.contains("added    Bank (me)") && now_out.contains("exit 0"),
        "{all}"
    );

    let truncated = section(&stdout, "truncated");
    assert!(
        truncated.contains("skipped  aegis-backup-20261201-120000.json"),
        "{all}"
    );
    assert!(
        !truncated.contains("added") && !truncated.contains("removed "),
        "{all}"
    );

    let removed = section(&stdout, "removed");
    assert!(removed.contains("removed  Mail (me@example.org)"), "{all}");
    let list: Value = serde_json::from_str(&section(&stdout, "list-removed")).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3, "never deleted silently");
    let mail = list.iter().find(|a| a["issuer"] == "Mail").unwrap();
    assert!(mail["source"]["removed"].is_u64(), "{mail}");
    assert!(section(&stdout, "list-text").contains("removed from the backup"));

    let wrong = section(&stdout, "wrong-password");
    assert!(
        wrong.contains("password is needed") && wrong.contains("exit 1"),
        "{all}"
    );
    assert!(section(&stdout, "password").contains("exit 0"), "{all}");
    let folders: Value = serde_json::from_str(&section(&stdout, "folders")).unwrap();
    assert_eq!(folders[0]["state"]["state"], "ok", "{folders}");
    assert_eq!(folders[0]["file"], "aegis-backup-20261201-140000.json");
    assert!(section(&stdout, "keep").contains("exit 0"), "{all}");

    // Nothing of the backups' secrets or password in the desktop's files.
    let files = section(&stdout, "files");
    let files = String::from_utf8_lossy(&base64_decode(files.trim())).into_owned();
    assert!(files.contains("ninsho-follow"), "follow.json was read");
    for secret in SECRETS {
        assert!(!files.contains(secret));
    }
    assert!(!files.contains("phone password") && !files.contains("changed password"));

    assert!(section(&stdout, "stop").contains("exit 0"), "{all}");
    let after: Value = serde_json::from_str(&section(&stdout, "after")).unwrap();
    assert_eq!(
        after.as_array().unwrap().len(),
        3,
        "stopping keeps every account"
    );
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["source"].is_null())
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_default()
}
