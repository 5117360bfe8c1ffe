//! Which three finder patterns belong to one code.
//!
//! Every triple of same-polarity finders of similar size is scored by how close it comes to an
//! isosceles right triangle, best first. A screenshot of a Google export batch shows two or
//! three equal codes side by side, and the corners of neighbouring codes make plausible
//! triangles too; taking the first triangle each finder fits (rqrr's way) pairs finders of
//! different codes and loses both. Here the reader tries triangles best first and a finder, once
//! it belongs to a decoded code, is not offered again.

use super::finder::Finder;

/// One candidate code: indices of its finders, the right-angle corner first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Triple {
    pub top_left: usize,
    pub top_right: usize,
    pub bottom_left: usize,
    /// Departure from an isosceles right triangle: 0 is perfect.
    pub skew: f32,
}

/// Most candidates offered: more than enough for a handful of codes among look-alikes.
const MAX_TRIPLES: usize = 256;

pub(crate) fn group(finders: &[Finder]) -> Vec<Triple> {
    let mut order: Vec<usize> = (0..finders.len()).collect();
    order.sort_by(|&a, &b| finders[a].module.total_cmp(&finders[b].module));
    let mut out: Vec<Triple> = Vec::new();
    let n = order.len();
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&finders[order[i]], &finders[order[j]]);
            if b.module > 2.0 * a.module {
                break;
            }
            if a.inverted != b.inverted {
                continue;
            }
            for k in j + 1..n {
                let c = &finders[order[k]];
                if c.module > 2.0 * a.module {
                    break;
                }
                if c.inverted != a.inverted {
                    continue;
                }
                if let Some(t) = triangle([order[i], order[j], order[k]], finders) {
                    out.push(t);
                    // Keep memory and sorting bounded on textures full of look-alikes.
                    if out.len() >= 4 * MAX_TRIPLES {
                        keep_best(&mut out);
                    }
                }
            }
        }
    }
    keep_best(&mut out);
    out
}

/// The `MAX_TRIPLES` least skewed, best first.
fn keep_best(triples: &mut Vec<Triple>) {
    triples.sort_by(|a, b| a.skew.total_cmp(&b.skew));
    triples.truncate(MAX_TRIPLES);
}

/// The three finders as a code's corners, if they can be: the right angle within 45° of 90°,
/// the two legs within a factor 2 of each other (perspective), and a plausible module count.
fn triangle(ids: [usize; 3], finders: &[Finder]) -> Option<Triple> {
    let p = ids.map(|i| finders[i].centre);
    let d2 = |a: usize, b: usize| {
        let v = p[a] - p[b];
        v.dot(v)
    };
    // The corner opposite the longest side is the top-left.
    let sides = [d2(1, 2), d2(0, 2), d2(0, 1)];
    let corner = (0..3).max_by(|&a, &b| sides[a].total_cmp(&sides[b]))?;
    let (o1, o2) = ((corner + 1) % 3, (corner + 2) % 3);
    let (leg1, leg2, hyp) = (d2(corner, o1), d2(corner, o2), sides[corner]);
    let (l1, l2) = (leg1.sqrt(), leg2.sqrt());
    if l1 > 2.0 * l2 || l2 > 2.0 * l1 || l1 == 0.0 || l2 == 0.0 {
        return None;
    }
    let module = ids.iter().map(|&i| finders[i].module).sum::<f32>() / 3.0;
    let modules = (l1 + l2) / 2.0 / module + 7.0;
    if !(21.0 * 0.8..=177.0 * 1.4).contains(&modules) {
        return None;
    }
    let cos = (leg1 + leg2 - hyp) / (2.0 * l1 * l2);
    if !(-std::f32::consts::FRAC_1_SQRT_2..=std::f32::consts::FRAC_1_SQRT_2).contains(&cos) {
        return None;
    }
    let skew = ((hyp - 2.0 * leg1).abs() + (hyp - 2.0 * leg2).abs()) / hyp;
    // In image coordinates (y down) the top-right finder is clockwise of the bottom-left one as
    // seen from the top-left; a mirrored code is found the other way round and decoded mirrored.
    let (v1, v2) = (p[o1] - p[corner], p[o2] - p[corner]);
    let (tr, bl) = if v1.cross(v2) > 0.0 {
        (o1, o2)
    } else {
        (o2, o1)
    };
    Some(Triple {
        top_left: ids[corner],
        top_right: ids[tr],
        bottom_left: ids[bl],
        skew,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::locate::geometry::Point;

    fn finder(x: f32, y: f32, module: f32) -> Finder {
        Finder {
            centre: Point::new(x, y),
            module,
            inverted: false,
            hits: 3,
            strength: 1.0,
        }
    }

    #[test]
    fn corners_are_named_whatever_the_rotation() {
        // A 37-module code with 4-px modules: finder centres 30 modules = 120 px apart.
        let tl = Point::new(200.0, 200.0);
        for quarter in 0..4 {
            let rot = |v: Point| match quarter {
                0 => v,
                1 => Point::new(-v.y, v.x),
                2 => Point::new(-v.x, -v.y),
                _ => Point::new(v.y, -v.x),
            };
            let tr = tl + rot(Point::new(120.0, 0.0));
            let bl = tl + rot(Point::new(0.0, 120.0));
            let fs = vec![
                finder(bl.x, bl.y, 4.0),
                finder(tl.x, tl.y, 4.0),
                finder(tr.x, tr.y, 4.1),
            ];
            let t = group(&fs);
            assert_eq!(t.len(), 1);
            assert_eq!(
                (t[0].top_left, t[0].top_right, t[0].bottom_left),
                (1, 2, 0),
                "quarter {quarter}"
            );
            assert!(t[0].skew < 0.01);
        }
    }

    #[test]
    fn two_codes_side_by_side_rank_their_own_triangles_first() {
        // Codes of 29 modules (finder centres 88 px apart at 4 px) with 40 px between them.
        let mut fs = Vec::new();
        for x0 in [100.0f32, 100.0 + 116.0 + 40.0] {
            fs.push(finder(x0, 100.0, 4.0));
            fs.push(finder(x0 + 88.0, 100.0, 4.0));
            fs.push(finder(x0, 188.0, 4.0));
        }
        let t = group(&fs);
        let mut best: Vec<[usize; 3]> = t[..2]
            .iter()
            .map(|t| {
                let mut v = [t.top_left, t.top_right, t.bottom_left];
                v.sort();
                v
            })
            .collect();
        best.sort();
        assert_eq!(best, [[0, 1, 2], [3, 4, 5]]);
        // Different polarities never pair.
        fs[1].inverted = true;
        assert!(group(&fs[..3]).is_empty());
    }
}
