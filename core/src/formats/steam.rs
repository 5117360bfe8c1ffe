//! Steam Guard files (`Steamguard-<id>`, also steamguard-cli / SDA): `shared_secret` in
//! base64 is the code's key; every account's issuer is Steam.

use serde_json::Value;

use super::common::{Collector, label, secret_b64, str_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered};
use crate::otp::{Account, OtpParams};

pub struct Steam;

const ID: FormatId = Steam::ID;

fn accounts(v: &Value) -> Vec<&Value> {
    if v.get("shared_secret").is_some() {
        return vec![v];
    }
    match v.get("accounts") {
        Some(Value::Object(map)) => map
            .values()
            .filter(|a| a.get("shared_secret").is_some())
            .collect(),
        Some(Value::Array(list)) => list
            .iter()
            .filter(|a| a.get("shared_secret").is_some())
            .collect(),
        _ => Vec::new(),
    }
}

impl Importer for Steam {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(|v| !accounts(v).is_empty()) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let json = input
            .json()
            .ok_or_else(|| FormatError::NotThisFormat(ID, "it is not JSON".into()))?;
        let list = accounts(json);
        if list.is_empty() {
            return Err(FormatError::NotThisFormat(ID, "no shared_secret".into()));
        }
        let mut out = Collector::default();
        for (i, a) in list.into_iter().enumerate() {
            let name = str_of(a, "account_name");
            out.push(
                || label("Steam", name, i),
                secret_b64(str_of(a, "shared_secret"))
                    .map(|s| Account::new(Some("Steam"), name, OtpParams::steam(), s)),
            );
        }
        Ok(out.done())
    }
}
