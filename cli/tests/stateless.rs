//! The CLI contract, run as a real process: output shapes, exit codes, messages.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use image::{GrayImage, Luma};
use qrcode::{Color, QrCode};
use serde_json::{Value, json};

const URI: &str = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ninsho-cli"))
        .args(args)
        .output()
        .expect("run ninsho-cli")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ninsho-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn qr_png(text: &str, path: &std::path::Path) {
    let code = QrCode::new(text).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let m = 5;
    let image = GrayImage::from_fn((n + 8) * m, (n + 8) * m, |x, y| {
        let (mx, my) = (x / m, y / m);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + mx - 4) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    });
    image.save(path).unwrap();
}

#[test]
fn parse_json_contract() {
    let out = cli(&["parse", URI, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v,
        json!({"type": "totp", "issuer": "ACME Co", "name": "john.doe@email.com", "algorithm": "SHA1",
               "digits": 6, "period": 30, "counter": null})
    );
    assert!(
        !stdout(&out).contains("HXDMVJEC"),
        "secret printed without --show-secret"
    );

    let out = cli(&[
        "parse",
        "otpauth://hotp/x?secret=jbsw-y3dp-ehpk-3pxp&counter=7&digits=8",
        "--json",
        "--show-secret",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(
        (
            v["period"].clone(),
            v["counter"].clone(),
            v["issuer"].clone()
        ),
        (Value::Null, json!(7), Value::Null)
    );
}

#[test]
fn parse_from_stdin_and_text_output() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ninsho-cli"))
        .args(["parse", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{URI}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("issuer:    ACME Co") && text.contains("period:    30"),
        "{text}"
    );
}

#[test]
fn invalid_input_names_the_problem_and_exits_1() {
    for (uri, needle) in [
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1", "base32"),
        ("otpauth://totp/x?issuer=A", "no secret"),
        (
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12",
            "digits=12",
        ),
        (
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0",
            "period=0",
        ),
        ("otpauth://xotp/x?secret=JBSWY3DPEHPK3PXP", "'xotp'"),
        ("https://example.com", "not an otpauth"),
        (
            "otpauth-migration://offline?data=CgsKBUhlbGxvEgJ4eBACGAEgAA%3D%3D",
            "Google Authenticator export",
        ),
        ("", "not a URI"),
    ] {
        let out = cli(&["parse", uri]);
        assert_eq!(out.status.code(), Some(1), "{uri}");
        assert!(stderr(&out).contains(needle), "{uri}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    let long = format!(
        "otpauth://totp/{}?secret=JBSWY3DPEHPK3PXP",
        "a".repeat(5000)
    );
    let out = cli(&["parse", &long]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("at most 4096"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(cli(&["parse"]).status.code(), Some(2));
    assert_eq!(cli(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        cli(&["scan", "--raw", "--json", "x.png"]).status.code(),
        Some(2)
    );
    for sub in [
        &["--help"][..],
        &["parse", "--help"],
        &["code", "--help"],
        &["scan", "--help"],
    ] {
        let out = cli(sub);
        assert_eq!(out.status.code(), Some(0), "{sub:?}");
        assert!(stdout(&out).contains("Usage"), "{sub:?}");
    }
}

#[test]
fn code_at_time_and_next() {
    // RFC 6238 Appendix B, SHA1, T=59 → 94287082; the next period (T=89) must differ.
    let uri = "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8";
    assert_eq!(stdout(&cli(&["code", uri, "--at", "59"])), "94287082\n");
    assert_eq!(
        stdout(&cli(&["code", uri, "--at", "1111111109"])),
        "07081804\n"
    );
    assert_eq!(
        stdout(&cli(&["code", uri, "--at", "1111111079", "--next"])),
        "07081804\n"
    );
    // HOTP uses the counter; --next is counter + 1 (RFC 4226 Appendix D).
    let hotp = "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=4";
    assert_eq!(stdout(&cli(&["code", hotp])), "338314\n");
    assert_eq!(stdout(&cli(&["code", hotp, "--next"])), "254676\n");
    // Steam (KeePassXC vector).
    assert_eq!(
        stdout(&cli(&[
            "code",
            "steam://63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
            "--at",
            "1511200518"
        ])),
        "FR8RV\n"
    );
    // Now: six digits.
    let now = stdout(&cli(&["code", uri.replace("&digits=8", "").as_str()]));
    assert!(
        now.trim().len() == 6 && now.trim().chars().all(|c| c.is_ascii_digit()),
        "{now}"
    );
}

#[test]
fn code_of_yandex_and_motp_uris() {
    // Aegis's YAOTPTest: PIN 7586 (base32 "G42TQNQ" in pin=) at 1581064020 gives "oactmacq".
    let yandex =
        "otpauth://yaotp/mika?secret=LA2V6KMCGYMWWVEW64RNP3JA3IAAAAAAHTSG4HRZPI&pin=G42TQNQ";
    assert_eq!(
        stdout(&cli(&["code", yandex, "--at", "1581064020"])),
        "oactmacq\n"
    );
    // The PIN is never printed, not even with the secret.
    let parsed = stdout(&cli(&["parse", "--json", "--show-secret", yandex]));
    assert!(parsed.contains("\"yandex\""), "{parsed}");
    assert!(
        !parsed.contains("7586") && !parsed.contains("G42TQNQ"),
        "{parsed}"
    );
    // An mOTP URI holds no PIN: its code cannot be made, and the message says why.
    let motp = cli(&["code", "motp://x?secret=0123456789abcdef", "--at", "59"]);
    assert_eq!(motp.status.code(), Some(1));
    assert!(stderr(&motp).contains("needs its PIN"), "{}", stderr(&motp));
}

#[test]
fn scan_json_raw_and_errors() {
    let dir = temp_dir("scan");
    let login = dir.join("login.png");
    let link = dir.join("link.png");
    let blank = dir.join("blank.png");
    let broken = dir.join("broken.png");
    qr_png(URI, &login);
    qr_png("https://example.com/welcome", &link);
    GrayImage::from_pixel(200, 100, Luma([255]))
        .save(&blank)
        .unwrap();
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\n truncated").unwrap();
    let missing = dir.join("missing.png");
    let arg = |p: &PathBuf| p.to_str().unwrap().to_owned();

    let out = cli(&["scan", "--raw", &arg(&login), &arg(&link)]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        format!("{URI}\nhttps://example.com/welcome\n")
    );

    let out = cli(&[
        "scan",
        "--json",
        &arg(&login),
        &arg(&blank),
        &arg(&missing),
        &arg(&link),
        &arg(&broken),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "unreadable files make the command fail after the others"
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 5);
    assert_eq!(files[0]["accounts"][0]["issuer"], "ACME Co");
    assert_eq!(files[0]["payloads"][0]["kind"], "otpauth");
    assert!(
        !stdout(&out).contains("HXDMVJEC"),
        "secret in --json output without --show-secret"
    );
    assert_eq!(files[1]["payloads"], json!([]));
    assert_eq!(files[1]["errors"], json!([]));
    assert!(
        files[2]["errors"][0]
            .as_str()
            .unwrap()
            .contains("missing.png")
    );
    assert_eq!(files[3]["payloads"][0]["kind"], "other");
    assert_eq!(
        files[3]["payloads"][0]["description"],
        "This QR code is a link to example.com, not a login code."
    );
    assert!(
        files[4]["errors"][0].as_str().unwrap().contains("damaged"),
        "{}",
        files[4]
    );

    // A file with no code is not an error of the command.
    let out = cli(&["scan", &arg(&blank)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("no QR code found"));

    let out = cli(&["scan", "--json", "--show-secret", &arg(&login)]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v[0]["accounts"][0]["secret"],
        "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
    );
    assert_eq!(v[0]["payloads"][0]["text"], URI);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A Google Authenticator export holding one valid account whose `batch_size` is
/// 2,147,483,647. Tracking "which of its codes are still missing" once took 8 GB and 30 s.
const HOSTILE_EXPORT: &str = "otpauth-migration://offline?data=CjoKFDEyMzQ1Njc4OTAxMjM0NTY3ODkwEhNtYWxsb3J5QGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACEAEY%2F%2F%2F%2F%2FwcgACgH";

/// Runs the CLI with its address space capped at 1 GiB: an unbounded allocation aborts it.
fn cli_capped(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_ninsho-cli"))
        .args(args)
        .output()
        .expect("run ninsho-cli")
}

#[test]
fn a_hostile_export_qr_code_is_refused_in_bounded_memory() {
    let dir = temp_dir("hostile");
    let image = dir.join("hostile.png");
    qr_png(HOSTILE_EXPORT, &image);
    let path = image.to_str().unwrap();

    let out = cli_capped(&["scan", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("spans at most 1000"),
        "{}",
        stdout(&out)
    );

    let out = cli_capped(&["scan", "--json", path]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["payloads"][0]["kind"], "invalid_google_export");

    let data = dir.join("data");
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_ninsho-cli"))
        .args(["add", "--yes", path])
        .env("NINSHO_DATA_DIR", &data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("made to mislead"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn clock_reports_the_offset_of_a_local_time_server_and_what_to_do() {
    use ninsho_core::clock::test_server::TimeServer;
    let right = TimeServer::start(2.0).unwrap();
    let out = cli(&["clock", "--server", &right.address(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let offset = v["offset_ms"].as_i64().unwrap();
    assert!((1500..2500).contains(&offset), "{v}");
    assert_eq!(v["wrong"], false);

    let behind = TimeServer::start(95.0).unwrap();
    let out = cli(&["clock", "--server", &behind.address()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("s behind"), "{text}");
    assert!(text.contains("timedatectl set-ntp true"), "{text}");

    // Nobody answers: said plainly, exit 1.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = format!("127.0.0.1:{}", silent.local_addr().unwrap().port());
    let out = cli(&["clock", "--server", &address]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("could not reach the time server"),
        "{}",
        stderr(&out)
    );
    let out = cli(&["clock", "--server", "http://pool.ntp.org"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a time server's name"),
        "{}",
        stderr(&out)
    );
}
