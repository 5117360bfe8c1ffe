//! Battle.net Authenticator (`com.blizzard.messenger` preferences): the serial and the secret
//! are hex strings XOR-masked with a fixed key the app ships; the unmasked secret is itself hex.
//! Codes are TOTP SHA-1, 8 digits, 30 s.

use super::common::{Collector, hex, params, secret_hex};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, prefs};

pub struct BattleNet;

const ID: FormatId = BattleNet::ID;
const SECRET: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
/// The app's fixed mask (public: every copy of the app carries it).
const MASK: &str = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a";

fn unmask(text: &str) -> Option<zeroize::Zeroizing<String>> {
    let masked = zeroize::Zeroizing::new(hex(text)?);
    let mask = hex(MASK)?;
    if masked.len() > mask.len() {
        return None;
    }
    let bytes: Vec<u8> = masked.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
    String::from_utf8(bytes).ok().map(zeroize::Zeroizing::new)
}

impl Importer for BattleNet {
    fn detect(&self, input: &Input) -> u8 {
        if input.text().is_some_and(|t| t.contains(SECRET)) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let prefs = input
            .text()
            .and_then(prefs::parse)
            .ok_or_else(|| FormatError::NotThisFormat(ID, "it is not a preferences file".into()))?;
        let secret = prefs::get(&prefs, SECRET)
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no authenticator secret".into()))?;
        let serial = prefs::get(&prefs, SERIAL)
            .and_then(unmask)
            .map(|s| s.to_string())
            .unwrap_or_default();
        let mut out = Collector::default();
        out.push(
            || serial.clone(),
            (|| {
                let secret = unmask(secret).ok_or("the secret cannot be unmasked")?;
                Ok(super::common::account(
                    "Battle.net",
                    &serial,
                    params("totp", "SHA1", Some(8), Some(30), None)?,
                    secret_hex(&secret)?,
                ))
            })(),
        );
        Ok(out.done())
    }
}
