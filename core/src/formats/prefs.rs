//! Android `shared_prefs` XML (`<map><string name="…">…</string><int name="…" value="…"/>…`),
//! the storage several apps' backups are copies of.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One preference: its element name (`string`, `int`, `long`, `boolean`, …), key, and value
/// (text content for strings, the `value` attribute otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pref {
    pub kind: String,
    pub name: String,
    pub value: String,
}

fn pref(e: &BytesStart) -> Option<Pref> {
    let kind = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut name = String::new();
    let mut value = String::new();
    for attr in e.attributes() {
        let attr = attr.ok()?;
        let v = attr.unescape_value().ok()?.into_owned();
        match attr.key.as_ref() {
            b"name" => name = v,
            b"value" => value = v,
            _ => {}
        }
    }
    Some(Pref { kind, name, value })
}

/// Parses a preferences file; None when it is not one.
pub fn parse(text: &str) -> Option<Vec<Pref>> {
    let mut reader = Reader::from_str(text);
    let mut prefs = Vec::new();
    let mut depth = 0usize;
    let mut saw_map = false;
    let mut open_text = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                if depth == 1 {
                    if e.name().as_ref() != b"map" {
                        return None;
                    }
                    saw_map = true;
                } else if depth == 2 {
                    prefs.push(pref(&e)?);
                    open_text = true;
                }
            }
            Event::Empty(e) if depth == 1 => prefs.push(pref(&e)?),
            Event::Empty(e) if depth == 0 && e.name().as_ref() == b"map" => saw_map = true,
            Event::Text(t) if open_text && depth == 2 => {
                if let Some(last) = prefs.last_mut() {
                    last.value.push_str(&t.unescape().ok()?);
                }
            }
            Event::End(_) => {
                depth = depth.checked_sub(1)?;
                open_text = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    saw_map.then_some(prefs)
}

pub fn get<'a>(prefs: &'a [Pref], name: &str) -> Option<&'a str> {
    prefs
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_values() {
        let xml = r#"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <int name="n" value="121" />
    <string name="s">{&quot;a&quot;:1}</string>
    <boolean name="b" value="false" />
</map>"#;
        let prefs = parse(xml).unwrap();
        assert_eq!(get(&prefs, "s"), Some("{\"a\":1}"));
        assert_eq!(get(&prefs, "n"), Some("121"));
        assert_eq!(prefs.len(), 3);
        assert_eq!(parse("<html><body/></html>"), None);
        assert_eq!(parse("not xml at all <"), None);
    }
}
