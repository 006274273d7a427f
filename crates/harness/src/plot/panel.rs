//! One log–log panel: axes with ticks in the unit's own base, the ideal line, min–max bars,
//! dashed lines and markers per strategy, and a shaded band on the worse side of the plot
//! holding the points that were not measured, each run of them with its label.
//!
//! Everything after the axes is drawn in pixels (mapped through the chart's coordinates), so
//! dash patterns, bars and labels keep their size whatever the data's range.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::x_range;
use super::draw::{FONT, draw_error, text_width};
use super::style::{Palette, dashes, with_marker};
use super::{Better, Missing, Panel};

const MARGIN: u32 = 14;
const X_LABELS: u32 = 50;
const Y_LABELS: u32 = 84;
/// Height of one row of labels in the band of unmeasured points, and the band's padding.
const ROW: i32 = 18;
const PAD: i32 = 5;
const LABEL_SIZE: u32 = 12;
/// Horizontal distance between points of one x that would cover each other, so equal results
/// stay visible side by side; and how close (vertically) counts as covering.
const DODGE: f64 = 9.0;
const COVERS: i32 = 9;
pub(super) const IDEAL_COLOR: RGBColor = RGBColor(185, 185, 185);
pub(super) const BAND_COLOR: RGBColor = RGBColor(244, 244, 244);
const NOTE_COLOR: RGBColor = RGBColor(60, 60, 60);

/// Where a run's label sits: after its last marker, before its first, or in the next row
/// starting under its first marker when neither side has room.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Right,
    Left,
    Below,
}

/// A run of unmeasured points placed in the band: marker x's and their row, the label, its
/// row and the x its text starts at (ends at, on the left side).
struct Placed<'a> {
    strategy: &'a str,
    xs: Vec<i32>,
    row: i32,
    label: String,
    text_row: i32,
    text_x: i32,
    side: Side,
}

/// Places each run in the first row where its markers and label overlap nothing, trying the
/// label right of the markers, then left, then under them; row 0 starts with the caption.
fn layout<'a>(
    runs: &[(&'a str, &Missing)],
    to_x: impl Fn(f64) -> i32,
    (left, right): (i32, i32),
    caption: i32,
) -> Vec<Placed<'a>> {
    let mut rows: Vec<Vec<(i32, i32)>> = vec![vec![(left, left + caption)]];
    let fits = |rows: &Vec<Vec<(i32, i32)>>, r: usize, span: (i32, i32)| {
        rows.get(r).is_none_or(|row| row.iter().all(|&(a, b)| span.1 + 8 < a || b + 8 < span.0))
    };
    let mut placed = Vec::new();
    let mut order: Vec<&(&str, &Missing)> = runs.iter().collect();
    order.sort_by(|a, b| a.1.xs[0].total_cmp(&b.1.xs[0]));
    for &(strategy, run) in order {
        let label = format!("{strategy} — {}", run.label);
        let xs: Vec<i32> = run.xs.iter().map(|&x| to_x(x)).collect();
        let (first, last) = (*xs.iter().min().unwrap_or(&left), *xs.iter().max().unwrap_or(&left));
        let width = text_width(&label, LABEL_SIZE);
        let markers = (first - 6, last + 6);
        let on_right = (last + 9 + width <= right).then_some((first - 6, last + 9 + width));
        let on_left = (first - 9 - width >= left).then_some((first - 9 - width, last + 6));
        let under = (first - 6).min(right - width).max(left);
        let (row, side) = (0..)
            .find_map(|r| {
                if let Some(span) = on_right.filter(|s| fits(&rows, r, *s)) {
                    Some((r, Side::Right, span, None))
                } else if let Some(span) = on_left.filter(|s| fits(&rows, r, *s)) {
                    Some((r, Side::Left, span, None))
                } else if fits(&rows, r, markers) && fits(&rows, r + 1, (under, under + width)) {
                    Some((r, Side::Below, markers, Some((under, under + width))))
                } else {
                    None
                }
            })
            .map(|(r, side, span, text)| {
                let needed = r + 1 + usize::from(text.is_some());
                if rows.len() < needed {
                    rows.resize(needed, Vec::new());
                }
                rows[r].push(span);
                if let Some(t) = text {
                    rows[r + 1].push(t);
                }
                (r as i32, side)
            })
            .expect("a row past the last is always free");
        let (text_row, text_x) = match side {
            Side::Right => (row, last + 9),
            Side::Left => (row, first - 9),
            Side::Below => (row + 1, under),
        };
        placed.push(Placed { strategy, xs, row, label, text_row, text_x, side });
    }
    placed
}

fn builder<'a, 'b, DB: DrawingBackend>(area: &'a DrawingArea<DB, Shift>) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.margin(MARGIN).x_label_area_size(X_LABELS).y_label_area_size(Y_LABELS);
    b
}

pub(super) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    palette: &Palette,
) -> Result<(), String> {
    let points = || panel.series.iter().flat_map(|s| s.points());
    let ideal = || panel.ideal.iter().flat_map(|i| i.points.iter().copied());
    let runs: Vec<(&str, &Missing)> =
        panel.series.iter().flat_map(|s| s.missing.iter().map(move |m| (s.strategy.as_str(), m))).collect();
    let xs = points()
        .map(|p| p.x)
        .chain(runs.iter().flat_map(|(_, m)| m.xs.iter().copied()))
        .chain(ideal().map(|p| p.0));
    let ys = points().flat_map(|p| [p.lo, p.y, p.hi]).chain(ideal().map(|p| p.1));
    let (Some((x0, x1)), Some((y0, y1))) = (x_range(xs), panel.y.range(ys)) else {
        area.draw(&Text::new("no verified points", (60, 60), (FONT, 16))).map_err(draw_error)?;
        return Ok(());
    };
    let (x_ticks, y_ticks) = (panel.x.ticks(x0, x1), panel.y.ticks(y0, y1));
    let base = area.get_base_pixel();

    // The band's rows depend on where the x's land, so place the labels on a first build of
    // the same axes, then stretch the y range by the band's height.
    let probe =
        builder(area).build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale()).map_err(draw_error)?;
    let (px, py) = probe.plotting_area().get_pixel_range();
    let (left, right) = (px.start - base.0, px.end - base.0);
    let caption = "not measured";
    let placed = layout(
        &runs,
        |x| probe.backend_coord(&(x, y0)).0 - base.0,
        (left + 4, right - 4),
        text_width(caption, 11),
    );
    let rows = placed.iter().map(|p| p.text_row.max(p.row) + 1).max().unwrap_or(0);
    let band = if rows > 0 { 2 * PAD + rows * ROW } else { 0 };
    let plot_h = (py.end - py.start) as f64;
    let stretch = ((y1 / y0).ln() * band as f64 / (plot_h - band as f64).max(1.0)).exp();
    let (lo, hi) = match panel.better {
        Better::Lower => (y0, y1 * stretch),
        Better::Higher => (y0 / stretch, y1),
    };

    let mut chart = builder(area)
        .build_cartesian_2d(
            (x0..x1).log_scale().with_key_points(x_ticks.clone()),
            (lo..hi).log_scale().with_key_points(y_ticks.clone()),
        )
        .map_err(draw_error)?;
    let (x_title, y_title) = (panel.x.title(&x_ticks), panel.y.title(&y_ticks));
    chart
        .configure_mesh()
        .x_desc(x_title.as_str())
        .y_desc(y_title.as_str())
        .x_label_formatter(&|v| panel.x.label(*v))
        .y_label_formatter(&|v| panel.y.label(*v))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(222, 222, 222))
        .draw()
        .map_err(draw_error)?;
    let at = |x: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(x, y));
        (a - base.0, b - base.1)
    };
    let (top, bottom) = (py.start - base.1, py.end - base.1);

    if band > 0 {
        // The band lies between the plot's edge and the last gridline on the worse side.
        let (b0, b1) = match panel.better {
            Better::Lower => (top, at(x0, y1).1),
            Better::Higher => (at(x0, y0).1, bottom),
        };
        area.draw(&Rectangle::new([(left, b0), (right, b1)], BAND_COLOR.filled())).map_err(draw_error)?;
        let edge = if panel.better == Better::Lower { b1 } else { b0 };
        area.draw(&PathElement::new(
            vec![(left, edge), (right, edge)],
            RGBColor(160, 160, 160).stroke_width(1),
        ))
        .map_err(draw_error)?;
        let caption_y = row_y(panel.better, (top, bottom), 0);
        let style =
            (FONT, 11).into_font().color(&RGBColor(110, 110, 110)).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(caption, (left + 4, caption_y), style)).map_err(draw_error)?;
    }

    if let Some(ideal) = &panel.ideal {
        let line: Vec<(i32, i32)> = ideal.points.iter().map(|&(x, y)| at(x, y)).collect();
        area.draw(&PathElement::new(line, IDEAL_COLOR.stroke_width(5))).map_err(draw_error)?;
    }

    let marks: Vec<Vec<(i32, i32)>> =
        panel.series.iter().map(|s| s.points().map(|p| at(p.x, p.y)).collect()).collect();
    let shift = dodges(&marks, (left, right));
    let dodge = |k: usize, i: usize| shift[k][i];
    for (k, s) in panel.series.iter().enumerate() {
        let color = palette.look(&s.strategy).color;
        for (i, p) in s.points().enumerate() {
            let ((x, y0), (_, y1)) = (at(p.x, p.lo), at(p.x, p.hi));
            let x = x + dodge(k, i);
            if y0 - y1 >= 2 {
                let style = color.stroke_width(1);
                for path in
                    [vec![(x, y0), (x, y1)], vec![(x - 3, y0), (x + 3, y0)], vec![(x - 3, y1), (x + 3, y1)]]
                {
                    area.draw(&PathElement::new(path, style)).map_err(draw_error)?;
                }
            }
        }
    }
    for (k, s) in panel.series.iter().enumerate() {
        let look = palette.look(&s.strategy);
        let mut i = 0;
        for run in &s.runs {
            let line: Vec<(i32, i32)> = run
                .iter()
                .map(|p| at(p.x, p.y))
                .enumerate()
                .map(|(j, (x, y))| (x + dodge(k, i + j), y))
                .collect();
            i += run.len();
            if line.len() < 2 {
                continue;
            }
            for piece in dashes(&line, look.dash) {
                area.draw(&PathElement::new(piece, look.color.stroke_width(2))).map_err(draw_error)?;
            }
        }
    }
    for (k, s) in panel.series.iter().enumerate() {
        let look = palette.look(&s.strategy);
        for (i, p) in s.points().enumerate() {
            let (x, y) = at(p.x, p.y);
            with_marker!(look, 4, |marker| area.draw(&marker((x + dodge(k, i), y)))).map_err(draw_error)?;
        }
    }

    for p in &placed {
        let look = palette.look(p.strategy);
        let y = row_y(panel.better, (top, bottom), p.row);
        if p.xs.len() >= 2 {
            let line = vec![(p.xs[0], y), (*p.xs.last().expect("two or more"), y)];
            area.draw(&PathElement::new(line, look.color.stroke_width(1))).map_err(draw_error)?;
        }
        for &x in &p.xs {
            with_marker!(look, 4, |marker| area.draw(&marker((x, y)))).map_err(draw_error)?;
        }
        let h = if p.side == Side::Left { HPos::Right } else { HPos::Left };
        let style = (FONT, LABEL_SIZE).into_font().color(&NOTE_COLOR).pos(Pos::new(h, VPos::Center));
        let text_y = row_y(panel.better, (top, bottom), p.text_row);
        area.draw(&Text::new(p.label.as_str(), (p.text_x, text_y), style)).map_err(draw_error)?;
    }
    Ok(())
}

/// A horizontal shift per point (by series, then point): points at one x whose markers would
/// cover each other are spread side by side in series order (kept inside `bounds`); the others
/// stay where they are.
fn dodges(series: &[Vec<(i32, i32)>], (left, right): (i32, i32)) -> Vec<Vec<i32>> {
    let mut shift: Vec<Vec<i32>> = series.iter().map(|s| vec![0; s.len()]).collect();
    let mut all: Vec<(i32, i32, usize, usize)> = series
        .iter()
        .enumerate()
        .flat_map(|(k, s)| s.iter().enumerate().map(move |(i, &(x, y))| (x, y, k, i)))
        .collect();
    all.sort();
    for same_x in all.chunk_by(|a, b| a.0 == b.0) {
        for cluster in same_x.chunk_by(|a, b| b.1 - a.1 < COVERS) {
            let mut members: Vec<&(i32, i32, usize, usize)> = cluster.iter().collect();
            members.sort_by_key(|m| m.2);
            let m = members.len() as f64;
            let half = ((m - 1.0) / 2.0 * DODGE).round() as i32;
            let x = cluster[0].0;
            let inside = (left + 6 + half - x).max(0) - (x + half - (right - 6)).max(0);
            for (j, &&(_, _, k, i)) in members.iter().enumerate() {
                shift[k][i] = ((j as f64 - (m - 1.0) / 2.0) * DODGE).round() as i32 + inside;
            }
        }
    }
    shift
}

/// The centre of a row of the band, counted from the plot's edge on the worse side.
fn row_y(better: Better, (top, bottom): (i32, i32), row: i32) -> i32 {
    match better {
        Better::Lower => top + PAD + ROW / 2 + row * ROW,
        Better::Higher => bottom - PAD - ROW / 2 - row * ROW,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_would_overlap_go_to_another_row() {
        let a = Missing { xs: vec![10.0], label: "skipped: predicted 50 s".into() };
        let b = Missing { xs: vec![20.0], label: "failed: thread limit".into() };
        let c = Missing { xs: vec![900.0], label: "failed: thread limit".into() };
        let wide =
            Missing { xs: vec![100.0, 500.0, 990.0], label: "skipped: predicted 100 s … 28 h".into() };
        let runs = [("rayon", &a), ("threads", &b), ("tokio", &c), ("sequential", &wide)];
        let placed = layout(&runs, |x| x as i32, (0, 1000), 80);
        let at: Vec<(i32, i32, Side)> = placed.iter().map(|p| (p.row, p.text_row, p.side)).collect();
        // a clashes with the caption in row 0; b with a; the wide run has no room on either
        // side, so its label goes under its markers; c fits left of its marker in row 0.
        assert_eq!(at, [(1, 1, Side::Right), (2, 2, Side::Right), (3, 4, Side::Below), (0, 0, Side::Left)]);
        assert_eq!(placed[0].label, "rayon — skipped: predicted 50 s");
        assert!(placed[3].text_x < 900 && placed[2].text_x == 94);
    }

    #[test]
    fn only_points_that_cover_each_other_move_aside() {
        // Three series at x = 100: two within a marker of each other, one far above.
        let series = vec![vec![(100, 300), (200, 50)], vec![(100, 305)], vec![(100, 100)]];
        assert_eq!(dodges(&series, (0, 1000)), vec![vec![-5, 0], vec![5], vec![0]]);
        // Near the frame the spread moves inward as a whole.
        assert_eq!(dodges(&series, (92, 1000)), vec![vec![-2, 0], vec![8], vec![0]]);
    }
}
