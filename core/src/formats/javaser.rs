//! Just enough of Java's object serialization to read a `java.util.HashMap<String, String>`,
//! the form FreeOTP 2 writes its token store in (`0xACED 0005 …`). Anything else is refused.
//!
//! A stream can name a string once and refer back to it any number of times (five bytes a
//! reference). Back-references share the one decoded string (`Rc<str>`), and the map's total
//! size, counting every reference at the full length of its string, is bounded by the file's
//! size: a file cannot make the reader, or whoever walks the map, do more than linear work.

use std::rc::Rc;

/// Most entries a map may have: FreeOTP writes two per token (the key and `…-token`) and one
/// master key, so this is 50,000 tokens, far more than anyone keeps.
pub const MAX_ENTRIES: usize = 100_000;

/// How many times the file's size the map's strings may add up to, counting each
/// back-reference at its string's full length. Java writes a repeated `String` object as a
/// reference, and FreeOTP's store hardly repeats one (each value is a distinct JSON object),
/// so a real store stays under 1×; 4× leaves room for any sharing while keeping the work of
/// reading the map (FreeOTP parses every value as JSON) linear in the file.
pub const MAX_EXPANSION: usize = 4;

/// A map's entries, in stream order; back-references share their string.
pub type Entries = Vec<(Rc<str>, Rc<str>)>;

/// Reads a serialized `HashMap<String, String>` into key/value pairs, in stream order.
pub fn hashmap_of_strings(bytes: &[u8]) -> Result<Entries, String> {
    let mut r = Reader {
        b: bytes,
        at: 0,
        handles: Vec::new(),
    };
    if r.u16()? != 0xACED || r.u16()? != 5 {
        return Err("not a Java serialization stream".into());
    }
    if r.u8()? != 0x73 {
        return Err("the stream does not hold an object".into());
    }
    let (class, field_bytes) = r.class_desc()?;
    // The object itself takes the handle after its class description.
    r.handles.push(None);
    if class != "java.util.HashMap" {
        return Err(format!("the stream holds a {class}, not a HashMap"));
    }
    // The primitive fields written by defaultWriteObject (loadFactor, and threshold in
    // newer Java versions).
    r.skip(field_bytes)?;
    // Block data: int capacity, int size.
    let (tag, len) = (r.u8()?, r.u8()?);
    if tag != 0x77 || len < 8 {
        return Err("the map's size is missing".into());
    }
    r.skip(4)?;
    let size = r.u32()? as usize;
    r.skip(usize::from(len) - 8)?;
    if size > MAX_ENTRIES {
        return Err(format!(
            "the map claims {size} entries, more than FreeOTP writes ({MAX_ENTRIES} at most)"
        ));
    }
    // Each entry takes at least two bytes of the stream (two null references): a claim the
    // rest of the file cannot hold is refused before anything is reserved for it.
    if size > (bytes.len() - r.at) / 2 {
        return Err("the map claims more entries than the stream holds".into());
    }
    let budget = bytes.len().saturating_mul(MAX_EXPANSION);
    let mut total = 0usize;
    let mut out = Vec::with_capacity(size);
    for _ in 0..size {
        let key = r.string()?;
        let value = r.string()?;
        total = total.saturating_add(key.len()).saturating_add(value.len());
        if total > budget {
            return Err(format!(
                "the map's strings add up to more than {MAX_EXPANSION} times the file's size \
                 (a stream repeating one string by reference, not a FreeOTP store)"
            ));
        }
        out.push((key, value));
    }
    Ok(out)
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    /// Strings by handle, shared with every reference to them (class descriptions and the
    /// map object take a handle too, recorded as None). At most one handle per byte read.
    handles: Vec<Option<Rc<str>>>,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or("the stream is truncated")?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn skip(&mut self, n: usize) -> Result<(), String> {
        self.take(n).map(|_| ())
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn utf(&mut self, len: usize) -> Result<String, String> {
        // Modified UTF-8 differs from UTF-8 only for NUL and supplementary characters. The
        // bytes are in the file (`take` checks), so the string is at most 3× them (each
        // invalid byte becoming U+FFFD).
        Ok(String::from_utf8_lossy(self.take(len)?).into_owned())
    }
    /// The class name and the size of its primitive field values.
    fn class_desc(&mut self) -> Result<(String, usize), String> {
        let tag = self.u8()?;
        if tag != 0x72 {
            return Err("unexpected class description".into());
        }
        let len = self.u16()? as usize;
        let name = self.utf(len)?;
        self.skip(8)?; // serialVersionUID
        self.handles.push(None);
        let _flags = self.u8()?;
        let fields = self.u16()?;
        let mut field_bytes = 0;
        for _ in 0..fields {
            let code = self.u8()?;
            let len = self.u16()? as usize;
            self.skip(len)?;
            field_bytes += match code {
                b'B' | b'Z' => 1,
                b'C' | b'S' => 2,
                b'F' | b'I' => 4,
                b'D' | b'J' => 8,
                _ => return Err("object fields are not supported".into()),
            };
        }
        // Class annotations end, then the superclass (none for HashMap's serial form).
        if self.u8()? != 0x78 {
            return Err("class annotations are not supported".into());
        }
        match self.u8()? {
            0x70 => {}
            _ => return Err("a superclass description is not supported".into()),
        }
        Ok((name, field_bytes))
    }
    fn string(&mut self) -> Result<Rc<str>, String> {
        match self.u8()? {
            0x74 => {
                let len = self.u16()? as usize;
                let s: Rc<str> = self.utf(len)?.into();
                self.handles.push(Some(Rc::clone(&s)));
                Ok(s)
            }
            0x7C => {
                let len = usize::try_from(u64::from_be_bytes(
                    self.take(8)?.try_into().map_err(|_| "bad length")?,
                ))
                .map_err(|_| "string too long")?;
                let s: Rc<str> = self.utf(len)?.into();
                self.handles.push(Some(Rc::clone(&s)));
                Ok(s)
            }
            0x71 => {
                let handle = self.u32()?.checked_sub(0x7E_0000).ok_or("bad reference")? as usize;
                match self.handles.get(handle) {
                    Some(Some(s)) => Ok(Rc::clone(s)),
                    Some(None) => Err("a reference to an object where a string belongs".into()),
                    None => Err("a reference to nothing".into()),
                }
            }
            0x70 => Ok(Rc::from("")),
            other => Err(format!(
                "unexpected element 0x{other:02x} where a string belongs"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<u8> {
        let mut b = vec![0xAC, 0xED, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11];
        b.extend_from_slice(b"java.util.HashMap");
        b.extend_from_slice(&[
            0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, 0x03, 0x00, 0x02,
        ]);
        b.extend_from_slice(&[b'F', 0x00, 0x0A]);
        b.extend_from_slice(b"loadFactor");
        b.extend_from_slice(&[b'I', 0x00, 0x09]);
        b.extend_from_slice(b"threshold");
        b.extend_from_slice(&[
            0x78, 0x70, 0x3F, 0x40, 0, 0, 0, 0, 0, 0x0C, 0x77, 0x08, 0, 0, 0, 0x10, 0, 0, 0, 2,
        ]);
        for s in ["a", "1", "b"] {
            b.extend_from_slice(&[0x74, 0x00, s.len() as u8]);
            b.extend_from_slice(s.as_bytes());
        }
        // The second value refers back to the string "1": handles go to the class description
        // (0), the map (1), "a" (2), "1" (3).
        b.extend_from_slice(&[0x71, 0x00, 0x7E, 0x00, 0x03, 0x78]);
        b
    }

    #[test]
    fn reads_strings_and_back_references() {
        let map = hashmap_of_strings(&sample()).unwrap();
        assert_eq!(
            map,
            vec![("a".into(), "1".into()), ("b".into(), "1".into())]
        );
        // The reference shares the string it names.
        assert!(Rc::ptr_eq(&map[0].1, &map[1].1));
    }

    #[test]
    fn truncations_are_errors() {
        let bytes = sample();
        for cut in 0..bytes.len() - 1 {
            assert!(hashmap_of_strings(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    proptest! {
        #[test]
        fn garbage_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = sample()[..40].to_vec();
            bytes.extend_from_slice(&tail);
            let _ = hashmap_of_strings(&bytes);
            let _ = hashmap_of_strings(&tail);
        }
    }
}
