//! The vault commands against a real Secret Service: gnome-keyring in a private D-Bus session
//! per test (scripts/with-keyring.sh), plus the ways a keychain fails for real: no bus, a bus
//! without a Secret Service, a locked collection. Needs dbus, gnome-keyring and secret-tool
//! (`make test` installs them).
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::{in_keyring, require, root, section, text};
use ninsho_core::otp::{Generator, Secret};
use serde_json::Value;

const URI: &str = "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const URI_KEY: &str = "JBSWY3DPEHPK3PXP";

fn metadata(data: &Path) -> String {
    std::fs::read_to_string(data.join("vault.json")).unwrap_or_default()
}

#[test]
fn vault_commands_on_a_real_secret_service() {
    let data = tempfile::tempdir().unwrap();
    let png = root().join("../shared/vectors/otp/migration-2.png");
    let has_png = png.exists();
    let script = format!(
        r#"set -e
echo "== status"; $CLI status
echo "== add"; $CLI add --yes --json '{URI}' {png}
echo "== dup"; $CLI add --yes '{URI}' || echo "exit $?"
echo "== list"; $CLI list --json
echo "== items"; secret-tool search --all service ninsho 2>&1 | grep -a '^attribute.username' | sort
id=$($CLI list --json | grep '"id"' | head -n1 | cut -d'"' -f4)
echo "== lookup"; secret-tool lookup service ninsho username "$($CLI status --json >/dev/null; printf '%s' "$(grep -o '"vault_id": "[^"]*"' $NINSHO_DATA_DIR/vault.json | cut -d'"' -f4)/$id")"; echo
echo "== code"; $CLI code forgejo --at 59
printf 'one-two\nthree-four\n' > $NINSHO_DATA_DIR/codes.txt
echo "== recovery-set"; $CLI recovery forgejo --set-file $NINSHO_DATA_DIR/codes.txt
echo "== recovery"; $CLI recovery forgejo
echo "== edit"; $CLI edit forgejo --name bob@example.com
echo "== rm"; $CLI rm "forgejo (bob@example.com)" --yes
echo "== items-after"; secret-tool search --all service ninsho 2>&1 | grep -a -c '^attribute.username' || true
echo "== end"
"#,
        png = if has_png {
            png.display().to_string()
        } else {
            String::new()
        }
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    // stderr first and the end of stdout: CI shows only the start of a long panic message.
    assert!(
        out.status.success(),
        "{}\nstderr:\n{}\nstdout (last 40 lines):\n{}",
        out.status,
        text(&out.stderr),
        stdout
            .lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );

    assert!(section(&stdout, "status").contains("keychain:  available"));
    let added: Value = serde_json::from_str(&section(&stdout, "add")).unwrap();
    // The export's accounts share RFC 6238's seeds: one account per secret is added, the
    // others are refused as duplicates by secret (the one rule of a batch and the vault).
    let found = if has_png { 6 } else { 1 };
    let n = added["added"].as_array().unwrap().len();
    let skipped = added["skipped"].as_array().unwrap();
    assert_eq!(n + skipped.len(), found, "{added}");
    assert!(n >= 2 || !has_png, "{added}");
    assert!(
        skipped.iter().all(|s| s["reason"]
            .as_str()
            .unwrap()
            .contains("already has this secret")),
        "{added}"
    );
    assert!(section(&stdout, "dup").contains("skipped  Forgejo (alice@example.com): duplicate"));
    let list: Value = serde_json::from_str(&section(&stdout, "list")).unwrap();
    assert_eq!(list.as_array().unwrap().len(), n);
    let vault_id = metadata(data.path())
        .split("\"vault_id\": \"")
        .nth(1)
        .unwrap()[..36]
        .to_owned();
    let items = section(&stdout, "items");
    assert_eq!(items.lines().count(), n, "{items}");
    assert!(
        items.lines().all(|l| l.contains(&format!("= {vault_id}/"))),
        "{items}"
    );

    // The keychain item is one line of text describing its account, the key in base32.
    let record: Value = serde_json::from_str(section(&stdout, "lookup").trim()).unwrap();
    assert_eq!(record["ninsho"], 2);
    assert_eq!(record["secret"], URI_KEY);
    assert_eq!(record["issuer"], "Forgejo");
    assert!(
        record["owner"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{vault_id}/")),
        "{record}"
    );

    let key = Secret::from_base32(URI_KEY).unwrap();
    let params = ninsho_core::uri::parse(URI).unwrap().params;
    let want = Generator::new(&params, &key).unwrap().code_at(59).value;
    assert_eq!(section(&stdout, "code").trim(), want);
    assert_eq!(section(&stdout, "recovery").trim(), "one-two\nthree-four");
    assert!(section(&stdout, "edit").contains("Forgejo (bob@example.com)"));
    assert_eq!(section(&stdout, "items-after").trim(), (n - 1).to_string());

    // Nothing secret in the metadata file: no key in base32 or raw, no recovery code.
    let meta = metadata(data.path());
    assert!(meta.contains(&vault_id));
    for needle in [
        URI_KEY,
        "one-two",
        "Hello!",
        "GEZDGNBVGY3TQOJQ",
        "12345678901234567890",
    ] {
        assert!(!meta.contains(needle), "{needle} in vault.json");
    }
    let raw = std::fs::read(data.path().join("vault.json")).unwrap();
    assert!(
        !raw.windows(10).any(|w| w == key.as_bytes()),
        "raw key bytes in vault.json"
    );
}

/// The encrypted mode on gnome-keyring: once on, `secret-tool` sees only ciphertext, the CLI
/// refuses without the password and gives oathtool's code with it; the recovery key sets a new
/// password; turning it off writes the items readable again.
#[test]
fn encrypted_mode_on_a_real_secret_service() {
    require("oathtool");
    let data = tempfile::tempdir().unwrap();
    let script = format!(
        r#"set -e
printf 'correct horse battery\n' > $NINSHO_DATA_DIR/pw
printf 'a brand new password\n' > $NINSHO_DATA_DIR/pw2
printf 'wrong password!\n' > $NINSHO_DATA_DIR/bad
$CLI add --yes '{URI}' >/dev/null
echo "== encrypt"; $CLI lock encrypt --password-file $NINSHO_DATA_DIR/pw
echo "== items"; secret-tool search --all service ninsho 2>&1 | grep -a '^secret = ' || true
echo "== status"; $CLI lock status --json
echo "== no-password"; $CLI code forgejo --at 59 </dev/null 2>&1 && echo "exit 0" || echo "exit $?"
echo "== wrong"; $CLI --vault-password-file $NINSHO_DATA_DIR/bad code forgejo --at 59 2>&1 && echo "exit 0" || echo "exit $?"
echo "== list-locked"; $CLI list </dev/null
echo "== with-password"; $CLI --vault-password-file $NINSHO_DATA_DIR/pw code forgejo --at 59
echo "== reference"; oathtool --totp -d 6 --now '1970-01-01 00:00:59 UTC' -b {URI_KEY}
"#
    );
    // The recovery key is printed once by `encrypt`: the second half of the script uses it.
    let out = in_keyring(data.path(), &format!("{script}echo '== end'\n"));
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stderr:\n{}\nstdout:\n{stdout}",
        text(&out.stderr)
    );
    let encrypt = section(&stdout, "encrypt");
    let recovery = encrypt
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 32 && l.matches('-').count() == 6)
        .unwrap_or_else(|| panic!("no recovery key in:\n{encrypt}"))
        .to_owned();
    let items = section(&stdout, "items");
    assert_eq!(items.lines().count(), 1, "{items}");
    assert!(items.contains("secret = ninsho-enc-v1:"), "{items}");
    assert!(
        !items.contains(URI_KEY) && !items.contains("Forgejo"),
        "{items}"
    );
    let meta = metadata(data.path());
    assert!(
        !meta.contains(&recovery) && !meta.contains(URI_KEY),
        "{meta}"
    );
    let status: Value = serde_json::from_str(&section(&stdout, "status")).unwrap();
    assert_eq!(
        (status["mode"].as_str(), status["locked"].as_bool()),
        (Some("password"), Some(true))
    );
    let refused = section(&stdout, "no-password");
    assert!(
        refused.contains("Ninsho is locked") && refused.contains("exit 1"),
        "{refused}"
    );
    let wrong = section(&stdout, "wrong");
    assert!(
        wrong.contains("wrong password") && wrong.contains("exit 1"),
        "{wrong}"
    );
    assert!(section(&stdout, "list-locked").contains("Forgejo (alice@example.com)"));
    let reference = section(&stdout, "reference");
    assert_eq!(section(&stdout, "with-password").trim(), reference.trim());

    // Second run in the same folder (a new keyring session cannot read the first one's items,
    // so the rest runs in one session): recover, change, turn off.
    let data = tempfile::tempdir().unwrap();
    let script = format!(
        r#"set -e
printf 'correct horse battery\n' > $NINSHO_DATA_DIR/pw
printf 'a brand new password\n' > $NINSHO_DATA_DIR/pw2
printf 'the third password\n' > $NINSHO_DATA_DIR/pw3
$CLI add --yes '{URI}' >/dev/null
$CLI lock encrypt --password-file $NINSHO_DATA_DIR/pw | grep -E '^    [A-Z2-7]{{4}}-' | tr -d ' ' > $NINSHO_DATA_DIR/key
echo "== recover"; $CLI lock recover --recovery-key-file $NINSHO_DATA_DIR/key --password-file $NINSHO_DATA_DIR/pw2
echo "== old"; $CLI --vault-password-file $NINSHO_DATA_DIR/pw code forgejo --at 59 2>&1 && echo "exit 0" || echo "exit $?"
echo "== new"; $CLI --vault-password-file $NINSHO_DATA_DIR/pw2 code forgejo --at 59
echo "== change"; $CLI --vault-password-file $NINSHO_DATA_DIR/pw2 lock password --password-file $NINSHO_DATA_DIR/pw3
echo "== off"; $CLI --vault-password-file $NINSHO_DATA_DIR/pw3 lock off
echo "== items"; secret-tool search --all service ninsho 2>&1 | grep -a '^secret = ' || true
echo "== plain"; $CLI code forgejo --at 59 </dev/null
echo "== end"
"#
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stderr:\n{}\nstdout:\n{stdout}",
        text(&out.stderr)
    );
    assert!(section(&stdout, "recover").contains("new password"));
    let old = section(&stdout, "old");
    assert!(
        old.contains("wrong password") && old.contains("exit 1"),
        "{old}"
    );
    assert_eq!(section(&stdout, "new").trim(), reference.trim());
    assert!(section(&stdout, "change").contains("password is changed"));
    let items = section(&stdout, "items");
    assert!(
        items.contains(&format!("\"secret\":\"{URI_KEY}\"")),
        "{items}"
    );
    assert_eq!(section(&stdout, "plain").trim(), reference.trim());
}

#[test]
fn no_session_bus_means_keychain_missing_and_nothing_written() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ninsho-cli"))
            .args(args)
            .env("NINSHO_DATA_DIR", data.path())
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/ninsho-test-bus",
            )
            .env_remove("DISPLAY")
            .output()
            .unwrap()
    };
    let status = run(&["status"]);
    assert_eq!(status.status.code(), Some(3), "{}", text(&status.stdout));
    assert!(
        text(&status.stdout).contains("keychain:  keychain_missing"),
        "{}",
        text(&status.stdout)
    );
    assert!(text(&status.stdout).contains("GNOME Keyring, KWallet or KeePassXC"));
    let add = run(&["add", "--yes", URI]);
    assert_eq!(add.status.code(), Some(3), "{}", text(&add.stderr));
    assert!(
        text(&add.stderr).contains("No keyring service is running"),
        "{}",
        text(&add.stderr)
    );
    assert!(
        !metadata(data.path()).contains("Forgejo"),
        "nothing listed: {}",
        metadata(data.path())
    );
    // An empty vault still lists (empty), it does not pretend.
    let list = run(&["list"]);
    assert_eq!(list.status.code(), Some(0));
    assert!(text(&list.stdout).contains("The vault is empty"));
}

#[test]
fn bus_without_secret_service() {
    require("dbus-run-session");
    let data = tempfile::tempdir().unwrap();
    // A session bus that cannot start any service.
    let config = data.path().join("bus.conf");
    std::fs::write(
        &config,
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>"#,
    )
    .unwrap();
    let out = Command::new("env")
        .args(["-u", "DISPLAY", "dbus-run-session", "--config-file"])
        .arg(&config)
        .args([
            "--",
            "sh",
            "-c",
            "$CLI status; echo \"exit $?\"; $CLI add --yes \"$URI\"; echo \"exit $?\"",
        ])
        .env("CLI", env!("CARGO_BIN_EXE_ninsho-cli"))
        .env("URI", URI)
        .env("NINSHO_DATA_DIR", data.path())
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("keychain:  keychain_missing"),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert_eq!(stdout.matches("exit 3").count(), 2, "{stdout}");
    assert!(!metadata(data.path()).contains("Forgejo"));
}

#[test]
fn locked_collection_fails_fast_with_nothing_written() {
    let data = tempfile::tempdir().unwrap();
    let script = format!(
        r#"$CLI add --yes '{URI}' >/dev/null || exit 1
cp $NINSHO_DATA_DIR/vault.json $NINSHO_DATA_DIR/before.json
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
  org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 1
start=$(date +%s%N)
echo "== code"; $CLI code forgejo; echo "exit $?"
echo "== add"; $CLI add --yes 'otpauth://totp/Other:x?secret=GEZDGNBVGY3TQOJQ'; echo "exit $?"
echo "== status"; $CLI status; echo "exit $?"
echo "== ms"; echo $(( ($(date +%s%N) - start) / 1000000 ))
echo "== end"
"#
    );
    let started = Instant::now();
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        section(&stdout, "code").contains("exit 3"),
        "{stdout}\n{stderr}"
    );
    assert!(stderr.contains("The keyring is locked"), "{stderr}");
    assert!(section(&stdout, "add").contains("exit 3"), "{stdout}");
    assert!(
        section(&stdout, "status").contains("keychain_locked"),
        "{stdout}"
    );
    let ms: u64 = section(&stdout, "ms").trim().parse().unwrap();
    assert!(
        ms < 6000,
        "three commands against a locked keyring took {ms} ms"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    let before = std::fs::read_to_string(data.path().join("before.json")).unwrap();
    let after = metadata(data.path());
    let accounts = |m: &str| {
        serde_json::from_str::<Value>(m).unwrap()["accounts"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(accounts(&after), accounts(&before));
    let pending = serde_json::from_str::<Value>(&after).unwrap()["pending"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(pending, 0);
}

/// A full disk, for real: the vault lives on a 96 KiB tmpfs (in a private mount namespace)
/// that a filler file has filled. Saving fails with the system's own reason, the previous
/// vault file is untouched, and no keychain item is left behind for the account that failed.
#[test]
#[ignore = "needs root to mount a tmpfs; make test runs it when it is root"]
fn full_disk_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    let script = format!(
        r#"set -e
unshare --mount --propagation private sh -c '
  set -e
  mount -t tmpfs -o size=96k tmpfs "$NINSHO_DATA_DIR"
  $CLI add --yes "{URI}" >/dev/null
  set +e
  cp "$NINSHO_DATA_DIR/vault.json" /tmp/ninsho-full-before.$$
  dd if=/dev/zero of="$NINSHO_DATA_DIR/filler" bs=1k count=200 2>/dev/null || true
  echo "== add"; $CLI add --yes "otpauth://totp/Second:bob?secret=GEZDGNBVGY3TQOJQ" 2>&1; echo "exit $?"
  echo "== same"; cmp "$NINSHO_DATA_DIR/vault.json" /tmp/ninsho-full-before.$$ && echo identical
  rm -f "$NINSHO_DATA_DIR/filler" /tmp/ninsho-full-before.$$
  echo "== list"; $CLI list
  echo "== items"; secret-tool search --all service ninsho 2>&1 | grep -a -c "^attribute.username" || true
  echo "== end"
'
"#
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    let add = section(&stdout, "add");
    assert!(
        add.contains("No space left on device") && add.contains("previous version is unchanged"),
        "{add}"
    );
    assert!(add.contains("exit 1"), "{add}");
    assert!(section(&stdout, "same").contains("identical"));
    let list = section(&stdout, "list");
    assert!(
        list.contains("Forgejo (alice@example.com)") && !list.contains("Second"),
        "{list}"
    );
    assert_eq!(
        section(&stdout, "items").trim(),
        "1",
        "no orphaned keychain item"
    );
}

/// One account's item removed behind Ninsho's back (a keyring manager, a reset): that account
/// is marked, every other keeps its code and goes into an export that names the missing one.
/// Then `vault.json` and its backup are lost: the keychain alone lists every account again.
/// Then an older `vault.json` comes back: the account added since is offered, never deleted.
#[test]
fn a_broken_item_stays_one_broken_item_and_the_keychain_rebuilds_the_vault() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("pw"), "a long export password\n").unwrap();
    let script = format!(
        r#"set -e
$CLI add --yes '{URI}' 'otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank' >/dev/null
vid=$(grep -o '"vault_id": "[^"]*"' $NINSHO_DATA_DIR/vault.json | cut -d'"' -f4)
bank=$($CLI show bank --json | grep '"id"' | cut -d'"' -f4)
secret-tool clear service ninsho username "$vid/$bank"
echo "== list"; $CLI list
echo "== json"; $CLI list --json
echo "== code"; $CLI code forgejo --at 59
echo "== code-bank"; $CLI code bank 2>&1 || echo "exit $?"
echo "== export"; $CLI export -o $NINSHO_DATA_DIR/out.json --password-file $NINSHO_DATA_DIR/pw 2>&1
$CLI rm bank --yes >/dev/null
cp $NINSHO_DATA_DIR/vault.json $NINSHO_DATA_DIR/older.json
$CLI add --yes 'otpauth://totp/Later:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Later' >/dev/null
rm $NINSHO_DATA_DIR/vault.json $NINSHO_DATA_DIR/vault.json.bak
echo "== rebuilt"; $CLI list 2>&1
echo "== rebuilt-code"; $CLI code later --at 59
cp $NINSHO_DATA_DIR/older.json $NINSHO_DATA_DIR/vault.json
rm -f $NINSHO_DATA_DIR/vault.json.bak
echo "== older"; $CLI list 2>&1
echo "== orphans"; $CLI orphans
echo "== restore"; $CLI orphans --restore all
echo "== restored"; $CLI list
echo "== end"
"#
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    let list = section(&stdout, "list");
    let bank = list.lines().find(|l| l.contains("Bank (bob)")).unwrap();
    assert!(
        bank.contains("secret is missing from the keyring"),
        "{list}"
    );
    let forgejo = list.lines().find(|l| l.contains("Forgejo")).unwrap();
    assert!(!forgejo.contains('!'), "{list}");
    let json: Value = serde_json::from_str(&section(&stdout, "json")).unwrap();
    let problems: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["problem"])
        .collect();
    assert!(problems.contains(&&Value::from("missing")) && problems.contains(&&Value::Null));
    let key = Secret::from_base32(URI_KEY).unwrap();
    let params = ninsho_core::uri::parse(URI).unwrap().params;
    let want = Generator::new(&params, &key).unwrap().code_at(59).value;
    assert_eq!(section(&stdout, "code").trim(), want);
    let code_bank = section(&stdout, "code-bank");
    assert!(
        code_bank.contains("missing from the keychain") && code_bank.contains("exit 1"),
        "{code_bank}"
    );
    let export = section(&stdout, "export");
    assert!(
        export.contains("wrote") && export.contains("(1 account(s))"),
        "{export}"
    );
    assert!(
        export.contains("not exported: Bank (bob): its secret is missing"),
        "{export}"
    );
    let rebuilt = section(&stdout, "rebuilt");
    assert!(rebuilt.contains("rebuilt from the keyring"), "{rebuilt}");
    assert!(
        rebuilt.contains("Forgejo (alice@example.com)") && rebuilt.contains("Later (carol)"),
        "{rebuilt}"
    );
    assert_eq!(section(&stdout, "rebuilt-code").trim().len(), 6);
    let older = section(&stdout, "older");
    assert!(older.contains("not in the list"), "{older}");
    assert!(!older.contains("Later (carol)"), "{older}");
    assert!(section(&stdout, "orphans").contains("Later (carol)"));
    assert!(section(&stdout, "restore").contains("restored 1 account(s)"));
    assert!(section(&stdout, "restored").contains("Later (carol)"));
}

#[test]
fn labels_from_outside_cannot_act_on_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    // ESC [2K erases the line, CR returns to its start: printed raw, "GitHub:me" would be
    // all a person saw of the label. U+202E would reverse what follows.
    let uri = "otpauth://totp/Evil%1B%5B2K%0DGitHub:me%E2%80%AE?secret=JBSWY3DPEHPK3PXP&issuer=Evil%1B%5B2K%0DGitHub";
    let script = format!(
        "set -e\necho '== add'; $CLI add --yes '{uri}'\necho '== list'; $CLI list\n\
         echo '== json'; $CLI list --json\necho '== end'\n"
    );
    let out = in_keyring(data.path(), &script);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    for name in ["add", "list"] {
        let part = section(&stdout, name);
        assert!(
            !part.contains(['\x1b', '\r', '\u{202e}']),
            "{name}: {part:?}"
        );
        assert!(
            part.contains("Evil\u{241b}[2K\u{240d}GitHub"),
            "{name}: {part:?}"
        );
    }
    // Scripts reading JSON get the label as it is, escaped by JSON itself.
    let list: Value = serde_json::from_str(&section(&stdout, "json")).unwrap();
    assert_eq!(list[0]["issuer"], "Evil\x1b[2K\rGitHub", "{list}");
}
