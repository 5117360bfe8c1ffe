//! Proton Authenticator's export: `entries[].content.{uri, name}`; the URI carries the code,
//! the name is the account's.

use serde_json::Value;

use super::common::{Collector, label, str_of, uri_account};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered};

pub struct Proton;

const ID: FormatId = Proton::ID;

fn is_proton(v: &Value) -> bool {
    v.get("entries")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().any(|x| x["content"].get("uri").is_some()))
}

impl Importer for Proton {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_proton) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let json = input
            .json()
            .filter(|v| is_proton(v))
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no Proton entries".into()))?;
        if json.get("salt").is_some() || json.get("content").and_then(Value::as_str).is_some() {
            return Err(FormatError::Unsupported(
                ID,
                "encrypted Proton exports cannot be read yet; export without a password".into(),
            ));
        }
        let mut out = Collector::default();
        for (i, e) in json["entries"].as_array().into_iter().flatten().enumerate() {
            let content = &e["content"];
            let name = str_of(content, "name");
            out.push(
                || label("", name, i),
                uri_account(str_of(content, "uri")).map(|mut a| {
                    if !name.trim().is_empty() {
                        a.name = name.trim().to_owned();
                    }
                    a
                }),
            );
        }
        Ok(out.done())
    }
}
