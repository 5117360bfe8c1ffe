//! Text from outside (an account's labels from a QR code or a backup, a file name in a shared
//! folder, another computer's name) as it may be shown: what a terminal or a layout engine
//! would act on instead of showing is replaced by a visible stand-in, so a label such as
//! `Evil\x1b[2K\rGitHub` cannot rewrite a terminal's line (or, through OSC 52, its clipboard)
//! and a right-to-left override cannot make one label read as another.

/// `text` with every control character (C0 but for newline and tab, DEL, C1) shown as a
/// visible symbol, and every bidirectional control shown as U+FFFD.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            // C0 controls as their control pictures: U+241B "␛" for ESC.
            '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\x7f' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c if is_bidi_control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Whether `text` holds anything [`visible`] replaces.
pub fn is_visible(text: &str) -> bool {
    visible(text) == text
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_shown_not_obeyed() {
        assert_eq!(
            visible("Evil\x1b[2K\rGitHub"),
            "Evil\u{241b}[2K\u{240d}GitHub"
        );
        assert_eq!(visible("a\u{202e}moc.buhtig"), "a\u{fffd}moc.buhtig");
        assert_eq!(
            visible("bell\x07 del\x7f c1\u{9b}"),
            "bell\u{2407} del\u{2421} c1\u{fffd}"
        );
        // What is meant to be read stays as it is, in any script.
        for fine in [
            "GitHub (mika@example.org)",
            "ゆうちょ銀行",
            "بنك",
            "two\nlines\tand a tab",
        ] {
            assert_eq!(visible(fine), fine);
            assert!(is_visible(fine));
        }
        assert!(!is_visible("x\u{2066}y"));
    }
}
