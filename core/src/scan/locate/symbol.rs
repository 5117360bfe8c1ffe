//! The fixed parts of a QR symbol (ISO/IEC 18004): sizes, alignment pattern positions, and the
//! BCH-protected version and format words. The locator reads these to tell a real code from a
//! look-alike and to learn a dense code's size without counting its timing pattern.

/// Side of a version-`v` symbol in modules.
pub(crate) const fn side(version: usize) -> usize {
    17 + 4 * version
}

/// The version whose symbol has `side` modules, if there is one.
pub(crate) fn version_of(side: usize) -> Option<usize> {
    ((21..=177).contains(&side) && side % 4 == 1).then(|| (side - 17) / 4)
}

/// Row/column indices of the alignment pattern centres, per version (index 0 unused).
const ALIGNMENT: [&[u8]; 41] = [
    &[],
    &[],
    &[6, 18],
    &[6, 22],
    &[6, 26],
    &[6, 30],
    &[6, 34],
    &[6, 22, 38],
    &[6, 24, 42],
    &[6, 26, 46],
    &[6, 28, 50],
    &[6, 30, 54],
    &[6, 32, 58],
    &[6, 34, 62],
    &[6, 26, 46, 66],
    &[6, 26, 48, 70],
    &[6, 26, 50, 74],
    &[6, 30, 54, 78],
    &[6, 30, 56, 82],
    &[6, 30, 58, 86],
    &[6, 34, 62, 90],
    &[6, 28, 50, 72, 94],
    &[6, 26, 50, 74, 98],
    &[6, 30, 54, 78, 102],
    &[6, 28, 54, 80, 106],
    &[6, 32, 58, 84, 110],
    &[6, 30, 58, 86, 114],
    &[6, 34, 62, 90, 118],
    &[6, 26, 50, 74, 98, 122],
    &[6, 30, 54, 78, 102, 126],
    &[6, 26, 52, 78, 104, 130],
    &[6, 30, 56, 82, 108, 134],
    &[6, 34, 60, 86, 112, 138],
    &[6, 30, 58, 86, 114, 142],
    &[6, 34, 62, 90, 118, 146],
    &[6, 30, 54, 78, 102, 126, 150],
    &[6, 24, 50, 76, 102, 128, 154],
    &[6, 28, 54, 80, 106, 132, 158],
    &[6, 32, 58, 84, 110, 136, 162],
    &[6, 26, 54, 82, 110, 138, 166],
    &[6, 30, 58, 86, 114, 142, 170],
];

/// Centres of the alignment patterns of `version` as (column, row) module indices, those
/// under the three finder patterns left out.
pub(crate) fn alignment_centres(version: usize) -> Vec<(usize, usize)> {
    let Some(at) = ALIGNMENT.get(version) else {
        return Vec::new();
    };
    let last = at.len().saturating_sub(1);
    let mut out = Vec::new();
    for (j, &row) in at.iter().enumerate() {
        for (i, &col) in at.iter().enumerate() {
            let under_finder = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
            if !under_finder {
                out.push((usize::from(col), usize::from(row)));
            }
        }
    }
    out
}

/// Remainder of `value` (already shifted up) divided by the generator polynomial `poly`.
fn bch_remainder(mut value: u32, poly: u32) -> u32 {
    let degree = 31 - poly.leading_zeros();
    while value != 0 && 31 - value.leading_zeros() >= degree {
        value ^= poly << (31 - value.leading_zeros() - degree);
    }
    value
}

/// The 18-bit version information word of `version` (7 and up).
pub(crate) fn version_word(version: usize) -> u32 {
    let v = version as u32;
    (v << 12) | bch_remainder(v << 12, 0x1F25)
}

/// The version that the 18 bits read from a version block most likely say, with the number
/// of bits that had to be wrong. The code corrects up to 3 errors; more is a guess.
pub(crate) fn decode_version(bits: u32) -> Option<(usize, u32)> {
    (7..=40)
        .map(|v| (v, (version_word(v) ^ bits).count_ones()))
        .min_by_key(|&(_, d)| d)
        .filter(|&(_, d)| d <= 3)
}

/// Module (column, row) of version bit `i` (0 = least significant) in the block above the
/// bottom-left finder; the block beside the top-right finder is its transpose.
pub(crate) fn version_bit_bottom_left(side: usize, i: usize) -> (usize, usize) {
    (i / 3, side - 11 + i % 3)
}

pub(crate) fn version_bit_top_right(side: usize, i: usize) -> (usize, usize) {
    (side - 11 + i % 3, i / 3)
}

/// The 15-bit format word (masked, as printed) for 5 bits of data: ECC level and mask.
fn format_word(data: u32) -> u32 {
    ((data << 10) | bch_remainder(data << 10, 0x537)) ^ 0x5412
}

/// How many of 15 format bits are wrong at the least: 0 for a clean read, up to 3 can be
/// corrected, beyond that the grid is not a QR code's (or not placed on one).
/// Both copies of the format information, read straight or mirrored, whichever agrees best.
pub(crate) fn read_format(side: usize, dark: &impl Fn(usize, usize) -> bool) -> (u32, u32) {
    let mut best = (30, 15);
    for mirrored in [false, true] {
        let mut bits = [0u32; 2];
        for (copy, word) in bits.iter_mut().enumerate() {
            for i in 0..15 {
                let (c, r) = format_bit(side, copy, i);
                let (c, r) = if mirrored { (r, c) } else { (c, r) };
                *word |= u32::from(dark(c, r)) << i;
            }
        }
        let e = format_errors(bits[0], bits[1]);
        if e < best {
            best = e;
        }
    }
    best
}

/// Share of timing-pattern modules (row 6 and column 6 between the finders) that alternate as
/// they should: near 1 for the right size, near ½ for a wrong one.
pub(crate) fn timing_agreement(side: usize, dark: &impl Fn(usize, usize) -> bool) -> f32 {
    let mut agree = 0;
    let mut total = 0;
    for i in 8..side - 8 {
        let want = i % 2 == 0;
        agree += usize::from(dark(i, 6) == want) + usize::from(dark(6, i) == want);
        total += 2;
    }
    agree as f32 / total.max(1) as f32
}

/// The size the version blocks give, from whichever block reads with fewer errors.
pub(crate) fn read_version(side: usize, dark: &impl Fn(usize, usize) -> bool) -> Option<usize> {
    let mut best: Option<(usize, u32)> = None;
    for block in 0..2 {
        for mirrored in [false, true] {
            let mut bits = 0;
            for i in 0..18 {
                let (c, r) = if block == 0 {
                    version_bit_top_right(side, i)
                } else {
                    version_bit_bottom_left(side, i)
                };
                let (c, r) = if mirrored { (r, c) } else { (c, r) };
                bits |= u32::from(dark(c, r)) << i;
            }
            if let Some((v, d)) = decode_version(bits)
                && best.is_none_or(|(_, bd)| d < bd)
            {
                best = Some((v, d));
            }
        }
    }
    best.map(|(v, _)| self::side(v))
}

#[cfg(test)]
pub(crate) fn format_distance(bits: u32) -> u32 {
    (0..32)
        .map(|d| (format_word(d) ^ bits).count_ones())
        .min()
        .unwrap_or(15)
}

/// The two copies of the format information read together: the fewest wrong bits in both
/// for one and the same format word, and the fewest in either copy alone. A real code's
/// copies agree; random modules match some word within 3 bits in one copy half the time, but
/// both copies on the same word within 6 bits in all only a few times in a hundred.
pub(crate) fn format_errors(first: u32, second: u32) -> (u32, u32) {
    let mut both = 30;
    let mut either = 15;
    for d in 0..32 {
        let w = format_word(d);
        let (a, b) = ((w ^ first).count_ones(), (w ^ second).count_ones());
        both = both.min(a + b);
        either = either.min(a.min(b));
    }
    (both, either)
}

/// Module (column, row) of format bit `i` in the copy around the top-left finder, and in the
/// copy split between the bottom-left and top-right finders, in the bit order rqrr reads.
pub(crate) fn format_bit(side: usize, copy: usize, i: usize) -> (usize, usize) {
    const COLS: [usize; 15] = [8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 4, 3, 2, 1, 0];
    const ROWS: [usize; 15] = [0, 1, 2, 3, 4, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8];
    if copy == 0 {
        (COLS[i], ROWS[i])
    } else {
        // Bit 14 is read first, at the bottom of column 8.
        let r = 14 - i;
        if r < 7 {
            (8, side - 1 - r)
        } else {
            (side - 15 + r, 8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{Color, EcLevel, QrCode, Version};

    fn matrix(version: i16, level: EcLevel) -> (usize, Vec<bool>) {
        let code = QrCode::with_version(b"ninsho", Version::Normal(version), level).unwrap();
        let colors = code.to_colors();
        (
            code.width(),
            colors.iter().map(|c| *c == Color::Dark).collect(),
        )
    }

    #[test]
    fn alignment_patterns_sit_where_the_encoder_draws_them() {
        for version in 1..=40 {
            let (n, dark) = matrix(version as i16, EcLevel::M);
            assert_eq!(n, side(version));
            let at = |c: usize, r: usize| dark[r * n + c];
            let centres = alignment_centres(version);
            let expected = match version {
                1 => 0,
                2..=6 => 1,
                v => {
                    let k = ALIGNMENT[v].len();
                    k * k - 3
                }
            };
            assert_eq!(centres.len(), expected, "version {version}");
            for (c, r) in centres {
                assert!(at(c, r), "v{version} centre ({c},{r})");
                for d in [-1i32, 1] {
                    let (cc, rr) = ((c as i32 + d) as usize, (r as i32 + d) as usize);
                    assert!(!at(cc, r) && !at(c, rr), "v{version} ring at ({c},{r})");
                    let (cc, rr) = ((c as i32 + 2 * d) as usize, (r as i32 + 2 * d) as usize);
                    assert!(at(cc, r) && at(c, rr), "v{version} border at ({c},{r})");
                }
            }
        }
    }

    #[test]
    fn version_blocks_read_back_as_their_version() {
        for version in 7..=40 {
            let (n, dark) = matrix(version as i16, EcLevel::L);
            let mut bl = 0u32;
            let mut tr = 0u32;
            for i in 0..18 {
                let (c, r) = version_bit_bottom_left(n, i);
                bl |= u32::from(dark[r * n + c]) << i;
                let (c, r) = version_bit_top_right(n, i);
                tr |= u32::from(dark[r * n + c]) << i;
            }
            assert_eq!(bl, version_word(version), "v{version}");
            assert_eq!(tr, version_word(version), "v{version}");
            assert_eq!(decode_version(bl ^ 0b101_0000_0001), Some((version, 3)));
        }
        assert_eq!(version_word(7), 0x07C94);
        assert_eq!(decode_version(0), None);
    }

    #[test]
    fn format_copies_read_back_clean() {
        for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            for version in [1, 2, 7, 25] {
                let (n, dark) = matrix(version, level);
                for copy in 0..2 {
                    let mut bits = 0;
                    for i in 0..15 {
                        let (c, r) = format_bit(n, copy, i);
                        bits |= u32::from(dark[r * n + c]) << i;
                    }
                    assert_eq!(format_distance(bits), 0, "v{version} {level:?} copy {copy}");
                    assert!(format_distance(bits ^ 0b1001) == 2);
                    assert_eq!(format_errors(bits, bits ^ 0b1_0000_0001), (2, 0));
                }
            }
        }
        assert_eq!(version_of(21), Some(1));
        assert_eq!(version_of(177), Some(40));
        assert_eq!(version_of(23), None);
    }
}
