//! How a strategy looks on every chart: a colour and a marker shape, assigned from the
//! registry's order (then the file's order for strategies the registry does not know), so a new
//! strategy needs no edit here.

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
/// unique for 70 strategies. The cross is kept for failures.
const SHAPES: usize = 7;

/// A strategy's colour and marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub color: RGBColor,
    pub shape: usize,
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
        Look { color: PALETTE[i % PALETTE.len()], shape: i % SHAPES }
    }
}

/// Runs `$body` with `$marker` bound to a closure that builds `$look`'s marker at a point,
/// `$size` pixels across its radius. A macro, because each shape is its own element type and
/// plotters draws a series of one type (a boxed element would need a `'static` backend).
macro_rules! with_marker {
    ($look:expr, $size:expr, |$marker:ident| $body:expr) => {{
        use plotters::prelude::{Circle, Color, EmptyElement, Rectangle, TriangleMarker};
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
                let $marker = |at| EmptyElement::at(at) + Circle::new((0, 0), r, hollow);
                $body
            }
            4 => {
                let $marker = |at| EmptyElement::at(at) + Rectangle::new([(-r, -r), (r, r)], hollow);
                $body
            }
            5 => {
                let $marker = |at| EmptyElement::at(at) + TriangleMarker::new((0, 0), r + 1, hollow);
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
        assert_eq!(extra, Look { color: PALETTE[names.len() % 10], shape: names.len() % SHAPES });
        assert!(!looks.contains(&extra));
    }
}
