//! How a strategy looks on every chart: a colour, a marker shape and a dash pattern, assigned
//! from the registry's order (then the file's order for strategies the registry does not know),
//! so a new strategy needs no edit here and the charts still read in greyscale.

use plotters::prelude::RGBColor;

/// Ten colours distinguishable on white (the first six are the ones the published charts have
/// always used for the registry's first six strategies).
const PALETTE: [RGBColor; 10] = [
    RGBColor(110, 110, 110),
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(44, 160, 44),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Marker shapes, cycled with a period prime to the palette's so colour and shape together stay
/// unique for 70 strategies.
const SHAPES: usize = 7;

/// Dash patterns in pixels (on, off, on, off …; empty = solid). The palette's colours are close
/// in grey, so the pattern and the marker are what tell lines apart in print.
const DASHES: [&[u32]; 6] = [&[], &[10, 5], &[2, 4], &[11, 4, 2, 4], &[5, 4], &[11, 3, 2, 3, 2, 3]];

/// A strategy's colour, marker and dash pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub color: RGBColor,
    pub shape: usize,
    pub dash: &'static [u32],
}

/// The looks of a file's strategies.
pub struct Palette {
    order: Vec<String>,
}

impl Palette {
    /// The registry's strategies first, in its order, then `present` ones it does not list.
    pub fn new(present: &[&str]) -> Self {
        let mut order: Vec<String> = crate::registry::names().iter().map(|s| s.to_string()).collect();
        for name in present {
            if !order.iter().any(|o| o == name) {
                order.push(name.to_string());
            }
        }
        Palette { order }
    }

    pub fn look(&self, strategy: &str) -> Look {
        let i = self.order.iter().position(|o| o == strategy).unwrap_or(self.order.len());
        Look { color: PALETTE[i % PALETTE.len()], shape: i % SHAPES, dash: DASHES[i % DASHES.len()] }
    }
}

/// The drawn pieces of a polyline under a dash pattern, the pattern running on across
/// vertices so a bend does not restart it.
pub fn dashes(points: &[(i32, i32)], pattern: &[u32]) -> Vec<Vec<(i32, i32)>> {
    if pattern.is_empty() || points.len() < 2 {
        return vec![points.to_vec()];
    }
    let at = |a: (f64, f64), b: (f64, f64), t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
    let round = |p: (f64, f64)| (p.0.round() as i32, p.1.round() as i32);
    let (mut k, mut left) = (0usize, pattern[0] as f64);
    let mut pieces: Vec<Vec<(i32, i32)>> = vec![vec![points[0]]];
    let extend = |pieces: &mut Vec<Vec<(i32, i32)>>, p: (i32, i32)| {
        let piece = pieces.last_mut().expect("a piece is open while drawing");
        if piece.last() != Some(&p) {
            piece.push(p);
        }
    };
    for w in points.windows(2) {
        let (a, b) = ((w[0].0 as f64, w[0].1 as f64), (w[1].0 as f64, w[1].1 as f64));
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut done = 0.0;
        while len - done > left {
            done += left;
            let p = round(at(a, b, done / len));
            if k % 2 == 0 {
                extend(&mut pieces, p);
            } else {
                pieces.push(vec![p]);
            }
            k = (k + 1) % pattern.len();
            left = pattern[k] as f64;
        }
        left -= len - done;
        if k % 2 == 0 {
            extend(&mut pieces, w[1]);
        }
    }
    pieces.retain(|p| p.len() >= 2);
    pieces
}

/// Runs `$body` with `$marker` bound to a closure that builds `$look`'s marker at a point,
/// `$size` pixels across its radius. A macro, because each shape is its own element type and
/// plotters draws a series of one type (a boxed element would need a `'static` backend).
macro_rules! with_marker {
    ($look:expr, $size:expr, |$marker:ident| $body:expr) => {{
        use plotters::prelude::{Circle, Color, EmptyElement, PathElement, Rectangle, TriangleMarker};
        let look: $crate::plot::style::Look = $look;
        let (filled, hollow, r) = (look.color.filled(), look.color.stroke_width(2), $size);
        match look.shape {
            0 => {
                let $marker = |at| EmptyElement::at(at) + Circle::new((0, 0), r, filled);
                $body
            }
            1 => {
                let $marker = |at| EmptyElement::at(at) + Rectangle::new([(-r, -r), (r, r)], filled);
                $body
            }
            2 => {
                let $marker = |at| EmptyElement::at(at) + TriangleMarker::new((0, 0), r + 1, filled);
                $body
            }
            3 => {
                // Outlines a size up, so one drawn over an equal filled point still shows.
                let $marker = |at| EmptyElement::at(at) + Circle::new((0, 0), r + 1, hollow);
                $body
            }
            4 => {
                let s = r + 1;
                let $marker = |at| EmptyElement::at(at) + Rectangle::new([(-s, -s), (s, s)], hollow);
                $body
            }
            5 => {
                // plotters fills every TriangleMarker: an outline is a closed path.
                let t = r + 2;
                let outline = vec![(0, -t), (t, t * 3 / 4), (-t, t * 3 / 4), (0, -t)];
                let $marker = |at| EmptyElement::at(at) + PathElement::new(outline.clone(), hollow);
                $body
            }
            _ => {
                let $marker = |at| {
                    EmptyElement::at(at)
                        + Circle::new((0, 0), r / 2, filled)
                        + Circle::new((0, 0), r + 1, hollow)
                };
                $body
            }
        }
    }};
}
pub(super) use with_marker;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_follow_the_registry_then_the_file() {
        let names = crate::registry::names();
        let palette = Palette::new(&["an-external-one"]);
        let looks: Vec<Look> = names.iter().map(|n| palette.look(n)).collect();
        for (i, a) in looks.iter().enumerate() {
            assert!(looks[i + 1..].iter().all(|b| b != a), "{} shares a look", names[i]);
        }
        let extra = palette.look("an-external-one");
        assert_eq!(extra.color, PALETTE[names.len() % 10]);
        assert_eq!(extra.shape, names.len() % SHAPES);
        assert!(!looks.contains(&extra));
        // The registry's first six differ by shape and by dash, not only by colour.
        for (i, a) in looks.iter().take(6).enumerate() {
            assert!(looks[i + 1..6].iter().all(|b| b.shape != a.shape && b.dash != a.dash));
        }
    }

    #[test]
    fn dashes_follow_the_pattern_across_bends() {
        assert_eq!(dashes(&[(0, 0), (30, 0)], &[]), vec![vec![(0, 0), (30, 0)]]);
        assert_eq!(dashes(&[(0, 0), (25, 0)], &[10, 5]), vec![vec![(0, 0), (10, 0)], vec![(15, 0), (25, 0)]]);
        // The second dash starts before the bend at (12, 0) and goes on after it.
        assert_eq!(
            dashes(&[(0, 0), (12, 0), (12, 20)], &[4, 4]),
            vec![
                vec![(0, 0), (4, 0)],
                vec![(8, 0), (12, 0)],
                vec![(12, 4), (12, 8)],
                vec![(12, 12), (12, 16)],
            ]
        );
    }
}
