//! FreeOTP+'s export: JSON `{tokenOrder, tokens[]}` with FreeOTP's token fields, or its internal
//! preferences file (the same shape as FreeOTP 1's).

use serde_json::Value;

use super::common::{Collector, label, secret_java_bytes, str_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, freeotp};

pub struct FreeOtpPlus;

const ID: FormatId = FreeOtpPlus::ID;

fn is_json(v: &Value) -> bool {
    v.get("tokens").is_some_and(Value::is_array) && v.get("tokenOrder").is_some()
}

impl Importer for FreeOtpPlus {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_json) {
            2
        } else if input.text().is_some_and(|t| {
            t.contains("<map>") && t.contains("tokenOrder") && t.contains("issuerExt")
        }) {
            1
        } else {
            0
        }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        if let Some(json) = input.json().filter(|v| is_json(v)) {
            let mut out = Collector::default();
            for (i, t) in json["tokens"].as_array().into_iter().flatten().enumerate() {
                out.push(
                    || label(str_of(t, "issuerExt"), str_of(t, "label"), i),
                    secret_java_bytes(&t["secret"]).and_then(|s| freeotp::token(t, s)),
                );
            }
            return Ok(out.done());
        }
        input
            .text()
            .and_then(freeotp::from_prefs)
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no FreeOTP+ tokens".into()))
    }
}
