//! From three finder patterns to the code's modules, and rqrr's decoder on them.
//!
//! The size of a code is first estimated from the finders' distance and module size, then
//! settled by what the symbol itself says: the 18-bit version blocks beside the top-right and
//! bottom-left finders (BCH-coded, so a wrong guess reads as garbage) for version 7 and up, the
//! timing patterns below that. Alignment patterns are then searched where the three finders
//! predict them, and the module grid is the projective map that fits finders and alignment
//! patterns together. Each module is read from the grey image between pixels against the local
//! threshold, so modules of 1.5 pixels are read where they are, not where a binarized pixel
//! happens to be.

use zeroize::Zeroizing;

use super::alignment::{self, Anchors};
use super::corners::Corners;
use super::finder::Finder;
use super::geometry::{Homography, Point};
use super::modules::{self, Reading};
use super::symbol;
use super::view::View;

/// A decoded code: its bytes (possibly a secret) and its outer corners in the image,
/// top-left, top-right, bottom-right, bottom-left of the code.
pub(crate) struct Decoded {
    pub bytes: Zeroizing<Vec<u8>>,
    pub corners: [Point; 4],
}

/// What became of a candidate: decoded, a code that would not decode (so the image is worth
/// a second look), or no code at all.
pub(crate) enum Outcome {
    Decoded(Decoded),
    Unreadable,
    NotACode,
}

impl Outcome {
    #[cfg_attr(not(feature = "trace"), allow(dead_code))]
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Decoded(_) => "decoded",
            Outcome::Unreadable => "unreadable",
            Outcome::NotACode => "not a code",
        }
    }
}

/// A candidate size with what the symbol says about it.
#[derive(Clone, Copy, Debug)]
struct Fit {
    side: usize,
    /// The version blocks agree (versions 7 and up).
    version_read: bool,
    /// Wrong format bits in both copies together (see [`symbol::format_errors`]).
    format_errors: u32,
    timing: f32,
}

impl Fit {
    fn rank(&self) -> f32 {
        let version = if self.version_read { 2.0 } else { 0.0 };
        version + self.timing - 0.05 * self.format_errors as f32
    }
}

/// Modules smaller than this (pixels) are worth unmixing when nothing else reads them.
const UNMIX_BELOW: f32 = 2.5;

/// Least share of timing modules that must alternate in a code below version 7: a wrong size
/// leaves about half.
const MIN_TIMING: f32 = 0.6;

/// Three finders that may be one code's corners, and the image they were found in.
struct Candidate<'a> {
    view: &'a View<'a>,
    corners: Corners<'a>,
    inverted: bool,
}

pub(crate) fn read(view: &View, tl: &Finder, tr: &Finder, bl: &Finder) -> Outcome {
    let corners = Corners::measure(view, tl, tr, bl);
    trace!("  {corners:?}");
    if !corners.look_like_finders(view) {
        return Outcome::NotACode;
    }
    let estimate = (tl.centre.distance(tr.centre) / corners.top
        + tl.centre.distance(bl.centre) / corners.left)
        / 2.0
        + 7.0;
    if !(17.0..=190.0).contains(&estimate) {
        return Outcome::NotACode;
    }
    let c = Candidate {
        view,
        corners,
        inverted: tl.inverted,
    };
    let fits = candidate_sizes(estimate)
        .into_iter()
        .filter_map(|side| c.assess(side))
        .collect::<Vec<_>>();
    let mut fits = c.settle_versions(fits);
    fits.sort_by_key(|f| f.side);
    fits.dedup_by_key(|f| f.side);
    trace!("  size estimate {estimate:.1}: {fits:?}");
    if fits.is_empty() {
        return Outcome::NotACode;
    }
    fits.sort_by(|a, b| b.rank().total_cmp(&a.rank()));
    for fit in fits.iter().take(2) {
        if let Some(decoded) = c.decode(fit.side) {
            return Outcome::Decoded(decoded);
        }
    }
    Outcome::Unreadable
}

/// Sides of the form 4k+1 nearest the estimate, nearest first.
fn candidate_sizes(estimate: f32) -> Vec<usize> {
    let nearest = ((estimate - 17.0) / 4.0).round().clamp(1.0, 40.0) as i32;
    let spread = if estimate > 60.0 { 2 } else { 1 };
    let mut out: Vec<usize> = (nearest - spread..=nearest + spread)
        .filter(|v| (1..=40).contains(v))
        .map(|v| symbol::side(v as usize))
        .collect();
    out.sort_by(|a, b| {
        (*a as f32 - estimate)
            .abs()
            .total_cmp(&(*b as f32 - estimate).abs())
    });
    out
}

impl Candidate<'_> {
    /// The module grid the three finders span for a code of `side` modules.
    fn grid(&self, side: usize) -> Option<Homography> {
        self.corners.grid(side)
    }

    /// Whether module `(col, row)` of grid `h` is dark.
    fn dark(&self, h: &Homography, col: usize, row: usize) -> bool {
        let p = h.at(col as f32 + 0.5, row as f32 + 0.5);
        self.view.darkness_at(p, self.inverted) > 0.0
    }

    /// How a code of `side` modules would read here: format bits, timing patterns, version.
    fn assess(&self, side: usize) -> Option<Fit> {
        let h = self.grid(side)?;
        let dark = |c: usize, r: usize| self.dark(&h, c, r);
        let timing = symbol::timing_agreement(side, &dark);
        let (both, either) = symbol::read_format(side, &dark);
        trace!("  side {side}: timing {timing:.2}, format errors {both}/{either}");
        // One copy may be lost to a logo or a smudge, but then the other must read clean.
        if both > 6 && !(either <= 1 && timing >= 0.85) {
            return None;
        }
        // From version 7 the version blocks settle the size (see `settle_versions`); below,
        // the timing patterns must mostly alternate. Perspective bends them away from this
        // first grid, so the bar is low: it is the ranking that picks the size.
        let version_read =
            side >= symbol::side(7) && symbol::read_version(side, &dark) == Some(side);
        if !version_read && side < symbol::side(7) && timing < MIN_TIMING {
            return None;
        }
        Some(Fit {
            side,
            version_read,
            format_errors: both,
            timing,
        })
    }

    /// For codes of version 7 and up the version blocks decide: a size whose blocks read as
    /// another version is replaced by that version's size; sizes whose blocks read as nothing
    /// are kept only with clean timing patterns (a damaged block).
    fn settle_versions(&self, fits: Vec<Fit>) -> Vec<Fit> {
        let mut out: Vec<Fit> = Vec::new();
        for fit in fits {
            if fit.side < symbol::side(7) || fit.version_read {
                out.push(fit);
                continue;
            }
            let Some(h) = self.grid(fit.side) else {
                continue;
            };
            match symbol::read_version(fit.side, &|c, r| self.dark(&h, c, r)) {
                Some(side) if side != fit.side && side.abs_diff(fit.side) <= 16 => {
                    if !out.iter().any(|f| f.side == side)
                        && let Some(f) = self.assess(side)
                    {
                        out.push(f);
                    }
                }
                _ if fit.timing >= 0.9 => out.push(fit),
                _ => {}
            }
        }
        out
    }

    /// Reads the code as `side` modules on ever more careful grids — the bottom-right
    /// alignment pattern's, then every alignment pattern's — and ways of reading a module,
    /// until rqrr decodes one. Most codes decode on the first try; each further try costs only
    /// where the symbol checks already said a code is here.
    fn decode(&self, side: usize) -> Option<Decoded> {
        let base = self.grid(side)?;
        let version = symbol::version_of(side)?;
        let (modules, pixels) = self.corners.centres(side);
        let anchors = Anchors::new(&modules, &pixels);
        let (view, inverted) = (self.view, self.inverted);
        let attempt = |h: &Homography, how: Reading| {
            trace!("  reading {side} modules {how:?}");
            let bits = modules::read(view, h, side, inverted, how);
            modules::decode(bits).map(|bytes| {
                let s = side as f32;
                Decoded {
                    bytes,
                    corners: [h.at(0.0, 0.0), h.at(s, 0.0), h.at(s, s), h.at(0.0, s)],
                }
            })
        };
        let corner = alignment::corner(view, &base, &anchors, version, inverted);
        let first = corner.as_ref().map_or(base, |c| c.0);
        if let Some(d) = attempt(&first, Reading::Local) {
            return Some(d);
        }
        // Already read with the local threshold: the corner grid and the full grid.
        let mut grids = vec![first];
        if version >= 7 {
            let anchors = corner.as_ref().map_or(&anchors, |c| &c.1);
            if let Some(h) = alignment::all(view, &first, anchors, version, inverted) {
                if let Some(d) = attempt(&h, Reading::Local) {
                    return Some(d);
                }
                grids.insert(0, h);
            }
        }
        let small = self.corners.top.min(self.corners.left) < UNMIX_BELOW;
        for h in &grids {
            for how in [Reading::Nearest, Reading::Global] {
                if let Some(d) = attempt(h, how) {
                    return Some(d);
                }
            }
        }
        if small && let Some(d) = attempt(&grids[0], Reading::Unmixed) {
            return Some(d);
        }
        // The finders' own grid, when an alignment pattern moved the others: a false match
        // inside the data modules can pull a grid off.
        if corner.is_some() {
            for how in [Reading::Local, Reading::Nearest, Reading::Global] {
                if let Some(d) = attempt(&base, how) {
                    return Some(d);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_sizes_are_symbol_sizes_nearest_first() {
        assert_eq!(candidate_sizes(25.4), vec![25, 29, 21]);
        assert_eq!(candidate_sizes(19.0), vec![21, 25]);
        assert_eq!(candidate_sizes(118.0), vec![117, 121, 113, 125, 109]);
    }
}
