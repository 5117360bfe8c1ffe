//! Native messaging's framing: each message is a 4-byte length in the machine's byte order,
//! then that many bytes of UTF-8 JSON. Browsers send at most 64 MiB and accept up to 1 MiB;
//! Ninsho's messages are small, so both directions are bounded far lower, before anything is
//! allocated: a length prefix that claims gigabytes costs nothing.

use std::io::{ErrorKind, Read, Write};

use thiserror::Error;

/// The largest message the browser may send the host (a request: two URLs and a token).
pub const MAX_IN: u32 = 64 * 1024;
/// The largest message the host sends the browser (Chrome refuses more than 1 MiB).
pub const MAX_OUT: u32 = 1024 * 1024;

#[derive(Debug, Error)]
pub enum FrameError {
    #[error("a message of {len} bytes is larger than the {max} bytes allowed")]
    TooLarge { len: u64, max: u32 },
    #[error("the message ended after {got} of its {len} bytes")]
    Truncated { got: usize, len: u32 },
    #[error("the message could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

/// The next message, or `None` when the other side closed the stream between messages.
pub fn read_message(r: &mut impl Read, max: u32) -> Result<Option<Vec<u8>>, FrameError> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(FrameError::Truncated { got, len: 4 }),
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_ne_bytes(len);
    if len > max {
        return Err(FrameError::TooLarge {
            len: u64::from(len),
            max,
        });
    }
    let mut body = vec![0u8; len as usize];
    let mut got = 0;
    while got < body.len() {
        match r.read(&mut body[got..]) {
            Ok(0) => return Err(FrameError::Truncated { got, len }),
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Some(body))
}

/// Writes one message (refused, with nothing written, when it is larger than `max`).
pub fn write_message(w: &mut impl Write, body: &[u8], max: u32) -> Result<(), FrameError> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|l| *l <= max)
        .ok_or(FrameError::TooLarge {
            len: body.len() as u64,
            max,
        })?;
    w.write_all(&len.to_ne_bytes())?;
    w.write_all(body)?;
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    #[test]
    fn messages_go_and_come_back_whole() {
        let mut buf = Vec::new();
        write_message(&mut buf, br#"{"type":"fill"}"#, MAX_OUT).unwrap();
        write_message(&mut buf, b"{}", MAX_OUT).unwrap();
        let mut r = Cursor::new(buf);
        assert_eq!(
            read_message(&mut r, MAX_IN).unwrap().unwrap(),
            br#"{"type":"fill"}"#
        );
        assert_eq!(read_message(&mut r, MAX_IN).unwrap().unwrap(), b"{}");
        assert!(read_message(&mut r, MAX_IN).unwrap().is_none());
    }

    #[test]
    fn a_length_that_claims_gigabytes_is_refused_before_any_allocation() {
        // 4 GiB - 1 claimed, 3 bytes sent: refused at once, not read into memory.
        let mut claim = u32::MAX.to_ne_bytes().to_vec();
        claim.extend_from_slice(b"abc");
        let err = read_message(&mut Cursor::new(claim), MAX_IN).unwrap_err();
        assert!(
            matches!(
                err,
                FrameError::TooLarge {
                    len: 4294967295,
                    ..
                }
            ),
            "{err}"
        );
        let over = (MAX_IN + 1).to_ne_bytes();
        assert!(matches!(
            read_message(&mut Cursor::new(over.to_vec()), MAX_IN),
            Err(FrameError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_message_cut_short_is_named_as_such() {
        let mut m = 10u32.to_ne_bytes().to_vec();
        m.extend_from_slice(b"abc");
        assert!(matches!(
            read_message(&mut Cursor::new(m), MAX_IN),
            Err(FrameError::Truncated { got: 3, len: 10 })
        ));
        assert!(matches!(
            read_message(&mut Cursor::new(vec![1, 0]), MAX_IN),
            Err(FrameError::Truncated { got: 2, len: 4 })
        ));
    }

    #[test]
    fn nothing_is_written_for_a_message_too_large() {
        let mut buf = Vec::new();
        let big = vec![b'x'; MAX_OUT as usize + 1];
        assert!(write_message(&mut buf, &big, MAX_OUT).is_err());
        assert!(buf.is_empty());
    }
}
