//! Known-answer vectors: RFC 4226/6238, Steam, the HOTP/TOTP/Steam/mOTP/Yandex cases Aegis
//! tests, and mOTP and Yandex codes from an independent Python implementation.

mod common;

use ninsho_core::otp::{
    Algorithm, Generator, OtpParams, OtpType, ParamError, Pin, Secret, yandex_secret,
};

fn algorithm(name: &str) -> Algorithm {
    Algorithm::parse(name).unwrap_or_else(|| panic!("algorithm {name}"))
}

#[test]
fn otp_vectors_json_all_cases() {
    let Some(doc) = common::load_json("otp/vectors.json") else {
        return;
    };
    let cases = doc["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 70, "the shared set has 70 cases");
    let mut checked = 0;
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let secret =
            Secret::from_bytes(&common::hex(case["secret_hex"].as_str().unwrap())).unwrap();
        // The base32 form must decode to the same key.
        assert_eq!(
            Secret::from_base32(case["secret_base32"].as_str().unwrap()).unwrap(),
            secret,
            "{id}: base32"
        );
        let digits = case["digits"].as_u64().unwrap() as u8;
        let (params, at) = match case["kind"].as_str().unwrap() {
            "hotp" => (
                OtpParams::hotp(
                    algorithm(case["algorithm"].as_str().unwrap()),
                    digits,
                    case["counter"].as_u64().unwrap(),
                ),
                0,
            ),
            "totp" => (
                OtpParams::totp(
                    algorithm(case["algorithm"].as_str().unwrap()),
                    digits,
                    case["period"].as_u64().unwrap() as u32,
                ),
                case["time"].as_u64().unwrap(),
            ),
            "steam" => (OtpParams::steam(), case["time"].as_u64().unwrap()),
            other => panic!("{id}: unknown kind {other}"),
        };
        let code = Generator::new(&params, &secret).unwrap().code_at(at);
        assert_eq!(code.value, case["expected"].as_str().unwrap(), "{id}");
        checked += 1;
    }
    assert_eq!(checked, 70);
}

#[test]
fn aegis_hotp_totp_steam_vectors() {
    let Some(doc) = common::load_json("aegis-otp/vectors.json") else {
        return;
    };
    let mut checked = 0;

    let hotp = &doc["hotp"];
    let secret = Secret::from_base32(hotp["secret_base32"].as_str().unwrap()).unwrap();
    for v in hotp["vectors"].as_array().unwrap() {
        let params = OtpParams::hotp(
            algorithm(hotp["algo"].as_str().unwrap()),
            6,
            v["counter"].as_u64().unwrap(),
        );
        assert_eq!(
            Generator::new(&params, &secret).unwrap().code_at(0).value,
            v["code"].as_str().unwrap()
        );
        checked += 1;
    }

    let totp = &doc["totp"];
    for v in totp["vectors"].as_array().unwrap() {
        let algo = v["algo"].as_str().unwrap();
        let secret = Secret::from_base32(totp["secrets_base32"][algo].as_str().unwrap()).unwrap();
        let params = OtpParams::totp(
            algorithm(algo),
            totp["digits"].as_u64().unwrap() as u8,
            totp["period"].as_u64().unwrap() as u32,
        );
        let code = Generator::new(&params, &secret)
            .unwrap()
            .code_at(v["time"].as_u64().unwrap());
        assert_eq!(
            code.value,
            v["code"].as_str().unwrap(),
            "totp {algo} at {}",
            v["time"]
        );
        checked += 1;
    }

    for v in doc["steam"]["vectors"].as_array().unwrap() {
        let secret = Secret::from_base32(v["secret_base32"].as_str().unwrap()).unwrap();
        let generator = Generator::new(&OtpParams::steam(), &secret).unwrap();
        assert_eq!(generator.params().otp_type, OtpType::Steam);
        let code = generator.code_at(v["time"].as_u64().unwrap());
        assert_eq!(
            code.value,
            v["code"].as_str().unwrap(),
            "steam at {}",
            v["time"]
        );
        checked += 1;
    }
    assert!(
        checked >= 10 + 18 + 2,
        "only {checked} Aegis vectors checked"
    );
}

/// The times [`PIN_KINDS`] gives codes at (the script's `TIMES`).
const TIMES: [u64; 8] = [
    0,
    9,
    10,
    59,
    1_000_000_000,
    1_700_000_005,
    1_799_999_999,
    4_102_444_800,
];

/// mOTP and Yandex codes at [`TIMES`], as `fixtures/otp/pin_kinds.py` (Python's hashlib and
/// hmac, independent of Ninsho's code) computes them: kind, key (hex for mOTP, base32 for
/// Yandex), PIN, codes.
const PIN_KINDS: &[(&str, &str, &str, [&str; 8])] = &[
    (
        "motp",
        "0123456789abcdef",
        "1234",
        [
            "41e571", "41e571", "1c50d9", "3982c0", "5ed2dc", "05aae5", "a3ac83", "0cf026",
        ],
    ),
    (
        "motp",
        "f00dfeedc0ffee42",
        "987654",
        [
            "3f630e", "3f630e", "e6049d", "d610c6", "da9451", "782427", "35c00d", "3d147f",
        ],
    ),
    (
        "yandex",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY",
        "4321",
        [
            "blkjtuyi", "blkjtuyi", "blkjtuyi", "textgbya", "xawyaqag", "auejlxie", "gnrzoson",
            "gdemdvfj",
        ],
    ),
    (
        "yandex",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY",
        "0672",
        [
            "mffkjggm", "mffkjggm", "mffkjggm", "qvgflrmr", "ruxftibn", "czxcfhvm", "kzfiwrsc",
            "eqfqsqza",
        ],
    ),
    (
        "yandex",
        "MFRGGZDFMZTWQ2LKNNWG23TPOA",
        "0000112233445566",
        [
            "dtpyreci", "dtpyreci", "dtpyreci", "fccrysto", "hozltqty", "owxowuxe", "jmixpjiw",
            "csbtihzq",
        ],
    ),
];

fn pin_account(kind: &str, key: &str, pin: &str) -> Generator {
    let (params, secret) = match kind {
        "motp" => (
            OtpParams::motp(),
            Secret::from_bytes(&common::hex(key)).unwrap(),
        ),
        "yandex" => (
            OtpParams::yandex(),
            yandex_secret(&Secret::from_base32(key).unwrap()).unwrap(),
        ),
        other => panic!("unknown kind {other}"),
    };
    Generator::with_pin(&params, &secret, Some(&Pin::new(pin).unwrap())).unwrap()
}

#[test]
fn motp_and_yandex_codes_match_an_independent_implementation() {
    let mut checked = 0;
    for (kind, key, pin, codes) in PIN_KINDS {
        let generator = pin_account(kind, key, pin);
        for (at, want) in TIMES.iter().zip(codes) {
            let code = generator.code_at(*at);
            assert_eq!(code.value, *want, "{kind} {key} at {at}");
            let period = u64::from(generator.params().period);
            assert_eq!(code.valid_from, Some(at - at % period));
            checked += 1;
        }
    }
    assert_eq!(checked, 40);
    // Without its PIN, neither kind makes a code.
    for params in [OtpParams::motp(), OtpParams::yandex()] {
        let secret = Secret::from_bytes(&[7; 16]).unwrap();
        assert_eq!(
            Generator::new(&params, &secret).unwrap_err(),
            ParamError::PinRequired(params.otp_type)
        );
    }
}

/// The table above is what the script prints, line for line (where Python 3 is installed).
#[test]
fn the_pin_kinds_table_is_the_scripts_output() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/otp/pin_kinds.py"
    );
    let Ok(out) = std::process::Command::new("python3").arg(script).output() else {
        eprintln!("python3 is not installed: the table is checked against its own values only");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let table: Vec<(String, String, String, u64, String)> = PIN_KINDS
        .iter()
        .flat_map(|(kind, key, pin, codes)| {
            TIMES.iter().zip(codes).map(move |(t, c)| {
                (
                    kind.to_string(),
                    key.to_string(),
                    pin.to_string(),
                    *t,
                    c.to_string(),
                )
            })
        })
        .collect();
    let printed: Vec<(String, String, String, u64, String)> = lines
        .iter()
        .map(|v| {
            (
                v["kind"].as_str().unwrap().to_owned(),
                v["key"].as_str().unwrap().to_owned(),
                v["pin"].as_str().unwrap().to_owned(),
                v["time"].as_u64().unwrap(),
                v["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(printed, table);
}

/// Aegis's published MOTPTest and YAOTPTest cases (from the shared vectors).
#[test]
fn aegis_motp_and_yandex_vectors() {
    let Some(doc) = common::load_json("aegis-otp/vectors.json") else {
        return;
    };
    let mut checked = 0;
    for (kind, key) in [("motp", "secret_hex"), ("yandex", "secret_base32")] {
        for v in doc[kind]["vectors"].as_array().unwrap() {
            let generator = pin_account(kind, v[key].as_str().unwrap(), v["pin"].as_str().unwrap());
            let at = v["time"].as_u64().unwrap();
            assert_eq!(
                generator.code_at(at).value,
                v["code"].as_str().unwrap(),
                "{kind} at {at}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 6 + 5);
}
