//! Known-answer vectors: RFC 4226/6238, Steam, and the HOTP/TOTP/Steam cases Aegis tests.

mod common;

use ninsho_core::otp::{Algorithm, Generator, OtpParams, OtpType, Secret};

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
