//! Where dark ends and light begins, block by block.
//!
//! A screenshot is not one picture but many: a dark sidebar, a white card, a grey button, and
//! somewhere a QR code that may be dark on light or light on dark, crisp or blurred, at full
//! contrast or squeezed into 150–225. So there is no single threshold. The image is cut into
//! 8×8-pixel blocks; each block's threshold is the mean of the 5×5 blocks around it (40 px, a
//! few modules of any real code), provided that neighbourhood holds both dark and light. Where it
//! does not (inside the 3×3 centre of a finder pattern with big modules, say), the same question
//! is asked of coarser blocks (16, 32, 64, 128 px) until some contrast turns up. A mean of
//! means is what ZXing's hybrid binarizer uses; unlike it, a flat neighbourhood is never forced
//! to "light", which is what turns the dark modules of a low-contrast code white next to its
//! quiet zone, and what breaks light-on-dark codes whose quiet zone is the dark page.

/// Block side in pixels (a power of two).
const BLOCK_SHIFT: usize = 3;
pub(crate) const BLOCK: usize = 1 << BLOCK_SHIFT;
/// Neighbourhood radius in blocks: 5×5 blocks.
const RADIUS: usize = 2;
/// Fewer grey levels than this between the darkest and lightest pixel of a neighbourhood is
/// flat: noise and compression ripple, not modules.
const CONTRAST_FLOOR: u32 = 24;
/// Block sizes tried for flat neighbourhoods: 8 · 2^k pixels.
const LEVELS: usize = 5;

/// Per-block thresholds of one grey image: a pixel is dark when its grey level is below the
/// threshold of its block.
pub(crate) struct Thresholds {
    blocks_x: usize,
    blocks_y: usize,
    level: Vec<u8>,
    /// Per block: grey levels between the darkest and lightest pixel of the neighbourhood the
    /// threshold came from (0 where all is flat).
    spread: Vec<u8>,
}

/// Minimum, maximum, sum and pixel count of each block of a grid.
struct Grid {
    w: usize,
    h: usize,
    min: Vec<u8>,
    max: Vec<u8>,
    sum: Vec<u32>,
    count: Vec<u32>,
}

impl Grid {
    fn blocks(grey: &[u8], width: usize, height: usize) -> Grid {
        let (w, h) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
        let n = w * h;
        let mut grid = Grid {
            w,
            h,
            min: vec![0; n],
            max: vec![0; n],
            sum: vec![0; n],
            count: vec![0; n],
        };
        // Reduce the 8 rows of a block row column by column first (this vectorizes), then
        // each 8-pixel run of the reduced rows.
        let mut row_min = vec![0u8; width];
        let mut row_max = vec![0u8; width];
        let mut row_sum = vec![0u16; width];
        for by in 0..h {
            let y0 = by * BLOCK;
            let y1 = (y0 + BLOCK).min(height);
            let first = &grey[y0 * width..(y0 + 1) * width];
            row_min.copy_from_slice(first);
            row_max.copy_from_slice(first);
            for (s, &p) in row_sum.iter_mut().zip(first) {
                *s = u16::from(p);
            }
            for y in y0 + 1..y1 {
                let row = &grey[y * width..(y + 1) * width];
                for (((lo, hi), s), &p) in row_min
                    .iter_mut()
                    .zip(row_max.iter_mut())
                    .zip(row_sum.iter_mut())
                    .zip(row)
                {
                    *lo = (*lo).min(p);
                    *hi = (*hi).max(p);
                    *s += u16::from(p);
                }
            }
            let rows = (y1 - y0) as u32;
            for bx in 0..w {
                let x0 = bx * BLOCK;
                let x1 = (x0 + BLOCK).min(width);
                let i = by * w + bx;
                grid.min[i] = row_min[x0..x1].iter().copied().min().unwrap_or(0);
                grid.max[i] = row_max[x0..x1].iter().copied().max().unwrap_or(0);
                grid.sum[i] = row_sum[x0..x1].iter().map(|&s| u32::from(s)).sum();
                grid.count[i] = (x1 - x0) as u32 * rows;
            }
        }
        grid
    }

    /// The grid of blocks twice as large.
    fn coarser(&self) -> Grid {
        let (w, h) = (self.w.div_ceil(2), self.h.div_ceil(2));
        let n = w * h;
        let mut out = Grid {
            w,
            h,
            min: vec![u8::MAX; n],
            max: vec![0; n],
            sum: vec![0; n],
            count: vec![0; n],
        };
        for y in 0..self.h {
            for x in 0..self.w {
                let (i, o) = (y * self.w + x, (y / 2) * w + x / 2);
                out.min[o] = out.min[o].min(self.min[i]);
                out.max[o] = out.max[o].max(self.max[i]);
                out.sum[o] += self.sum[i];
                out.count[o] += self.count[i];
            }
        }
        out
    }

    /// The same statistics over the (2·RADIUS+1)² blocks around each block.
    fn neighbourhoods(&self) -> Grid {
        let horizontal = self.box_filter(true, self);
        self.box_filter(false, &horizontal)
    }

    fn box_filter(&self, along_x: bool, src: &Grid) -> Grid {
        let (w, h) = (src.w, src.h);
        let n = w * h;
        let mut out = Grid {
            w,
            h,
            min: vec![0; n],
            max: vec![0; n],
            sum: vec![0; n],
            count: vec![0; n],
        };
        let (len, lines) = if along_x { (w, h) } else { (h, w) };
        let index = |line: usize, k: usize| if along_x { line * w + k } else { k * w + line };
        for line in 0..lines {
            for k in 0..len {
                let (a, b) = (k.saturating_sub(RADIUS), (k + RADIUS).min(len - 1));
                let (mut lo, mut hi, mut s, mut c) = (u8::MAX, 0u8, 0u32, 0u32);
                for j in a..=b {
                    let i = index(line, j);
                    lo = lo.min(src.min[i]);
                    hi = hi.max(src.max[i]);
                    s += src.sum[i];
                    c += src.count[i];
                }
                let o = index(line, k);
                out.min[o] = lo;
                out.max[o] = hi;
                out.sum[o] = s;
                out.count[o] = c;
            }
        }
        out
    }
}

impl Thresholds {
    pub fn new(grey: &[u8], width: usize, height: usize) -> Thresholds {
        debug_assert_eq!(grey.len(), width * height);
        let blocks = Grid::blocks(grey, width, height);
        let mut areas = Vec::with_capacity(LEVELS);
        let mut grid = blocks;
        for level in 0..LEVELS {
            areas.push(grid.neighbourhoods());
            if level + 1 < LEVELS {
                grid = grid.coarser();
            }
        }
        let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
        let mut level = vec![128u8; blocks_x * blocks_y];
        let mut spread = vec![0u8; blocks_x * blocks_y];
        for by in 0..blocks_y {
            for bx in 0..blocks_x {
                for (k, area) in areas.iter().enumerate() {
                    let i = (by >> k) * area.w + (bx >> k);
                    if u32::from(area.max[i].saturating_sub(area.min[i])) >= CONTRAST_FLOOR {
                        let t = (u32::from(area.min[i]) + u32::from(area.max[i])).div_ceil(2);
                        level[by * blocks_x + bx] = t.min(255) as u8;
                        spread[by * blocks_x + bx] = area.max[i] - area.min[i];
                        break;
                    }
                }
            }
        }
        Thresholds {
            blocks_x,
            blocks_y,
            level,
            spread,
        }
    }

    /// The thresholds of the block row holding pixel row `y`, one per 8 pixels.
    pub fn row(&self, y: usize) -> &[u8] {
        let by = (y >> BLOCK_SHIFT).min(self.blocks_y - 1);
        &self.level[by * self.blocks_x..(by + 1) * self.blocks_x]
    }

    pub fn at_pixel(&self, x: usize, y: usize) -> u8 {
        let bx = (x >> BLOCK_SHIFT).min(self.blocks_x - 1);
        let by = (y >> BLOCK_SHIFT).min(self.blocks_y - 1);
        self.level[by * self.blocks_x + bx]
    }

    /// The contrast around pixel `(x, y)`: how far apart dark and light are there.
    pub fn spread_at_pixel(&self, x: usize, y: usize) -> u8 {
        let bx = (x >> BLOCK_SHIFT).min(self.blocks_x - 1);
        let by = (y >> BLOCK_SHIFT).min(self.blocks_y - 1);
        self.spread[by * self.blocks_x + bx]
    }

    /// The threshold at a point between pixels, interpolated between block centres so that
    /// sampling a module does not jump at block edges.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let fx = (x / BLOCK as f32 - 0.5).clamp(0.0, (self.blocks_x - 1) as f32);
        let fy = (y / BLOCK as f32 - 0.5).clamp(0.0, (self.blocks_y - 1) as f32);
        let (x0, y0) = (fx as usize, fy as usize);
        let (x1, y1) = (
            (x0 + 1).min(self.blocks_x - 1),
            (y0 + 1).min(self.blocks_y - 1),
        );
        let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
        let l = |x: usize, y: usize| f32::from(self.level[y * self.blocks_x + x]);
        let top = l(x0, y0) + (l(x1, y0) - l(x0, y0)) * tx;
        let bottom = l(x0, y1) + (l(x1, y1) - l(x0, y1)) * tx;
        top + (bottom - top) * ty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Vec<u8> {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect()
    }

    #[test]
    fn a_low_contrast_dark_block_stays_dark_beside_its_quiet_zone() {
        // Modules at 160 on a 225 ground: a 24-px dark square starting 24 px in.
        let (w, h) = (96, 96);
        let grey = image(w, h, |x, y| {
            if (24..48).contains(&x) && (24..48).contains(&y) {
                160
            } else {
                225
            }
        });
        let t = Thresholds::new(&grey, w, h);
        for (x, y) in [(24, 24), (30, 30), (47, 47), (24, 47)] {
            assert!(
                grey[y * w + x] < t.at_pixel(x, y),
                "({x},{y}) should be dark"
            );
        }
        for (x, y) in [(20, 20), (50, 30), (5, 5), (90, 90)] {
            assert!(
                grey[y * w + x] >= t.at_pixel(x, y),
                "({x},{y}) should be light"
            );
        }
    }

    #[test]
    fn big_flat_areas_take_their_threshold_from_coarser_blocks() {
        // A 120-px dark square (the centre of a finder with 40-px modules) on white.
        let (w, h) = (400, 400);
        let grey = image(w, h, |x, y| {
            if (140..260).contains(&x) && (140..260).contains(&y) {
                10
            } else {
                245
            }
        });
        let t = Thresholds::new(&grey, w, h);
        assert!(grey[200 * w + 200] < t.at_pixel(200, 200));
        assert!(grey[200 * w + 100] >= t.at_pixel(100, 200));
        // The same picture inverted: light centre, dark ground, the other way round.
        let inverted: Vec<u8> = grey.iter().map(|v| 255 - v).collect();
        let t = Thresholds::new(&inverted, w, h);
        assert!(inverted[200 * w + 200] >= t.at_pixel(200, 200));
        assert!(inverted[200 * w + 100] < t.at_pixel(100, 200));
    }

    #[test]
    fn flat_images_and_odd_sizes() {
        let grey = vec![0u8; 13 * 7];
        let t = Thresholds::new(&grey, 13, 7);
        assert_eq!(t.row(6).len(), 2);
        assert!(t.at(12.9, 6.9).is_finite());
        let grey = vec![200u8; 1];
        let t = Thresholds::new(&grey, 1, 1);
        assert_eq!(t.at_pixel(0, 0), 128);
    }
}
