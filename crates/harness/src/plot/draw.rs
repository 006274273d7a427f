//! Drawing a chart to SVG with plotters: the title block, the panels (drawn by `panel`) or a
//! category strip, the legend (line, dash and marker per strategy, W caps, the ideal line) and
//! the notes.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Axis;
use super::panel::{BAND_COLOR, IDEAL_COLOR, draw_panel};
use super::style::{Palette, dashes, with_marker};
use super::{Body, CategorySeries, Chart};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;
const LEGEND_WIDTH: u32 = 180;
const NOTE_LINE: u32 = 17;
pub(super) const FONT: &str = "sans-serif";
const GREY: RGBColor = RGBColor(80, 80, 80);

pub(super) fn draw_error<E: std::fmt::Debug>(e: E) -> String {
    format!("could not draw a chart: {e:?}")
}

/// The width a line of text takes in the sans-serif font at `size`, a little generous (the
/// SVG's reader picks the actual font; plotters writes `size` as 0.8 × size pixels).
pub(super) fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * size as f64 * 0.47).ceil() as i32
}

/// One legend entry per strategy, in the order first drawn, with its W cap if any panel has one.
fn legend_entries(chart: &Chart) -> Vec<(String, Option<usize>)> {
    let mut shown: Vec<(String, Option<usize>)> = Vec::new();
    let mut add = |name: &str, capped: Option<usize>| match shown.iter_mut().find(|(n, _)| n == name) {
        Some((_, c)) => *c = c.or(capped),
        None => shown.push((name.to_string(), capped)),
    };
    match &chart.body {
        Body::Lines(panels) => panels.iter().flat_map(|p| &p.series).for_each(|s| add(&s.strategy, s.capped)),
        Body::Categories { series, .. } => series.iter().for_each(|s| add(&s.strategy, None)),
    }
    shown
}

pub(super) fn render(chart: &Chart, machine: &str, palette: &Palette) -> Result<String, String> {
    let entries = legend_entries(chart);
    let mut notes = chart.notes.clone();
    for (name, capped) in &entries {
        if let Some(w) = capped {
            notes.push(format!(
                "{name}: capped at W = {w} — it ran at most {w} units at once where the case had more."
            ));
        }
    }
    let footer_height = 10 + NOTE_LINE * notes.len() as u32;
    let height = match &chart.body {
        Body::Categories { labels, .. } => HEIGHT.max(150 + footer_height + 34 * labels.len() as u32),
        Body::Lines(_) => HEIGHT + footer_height.saturating_sub(44),
    };
    let ideal = match &chart.body {
        Body::Lines(panels) => panels.iter().find_map(|p| p.ideal.as_ref()).map(|i| i.formula),
        Body::Categories { .. } => None,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let root = root.titled(&chart.title, (FONT, 20)).map_err(draw_error)?;
        let root = root.titled(machine, (FONT, 14).into_font().color(&GREY)).map_err(draw_error)?;
        let (w, h) = root.dim_in_pixel();
        let (main, footer) = root.split_vertically(h.saturating_sub(footer_height));
        let (plots, legend) = main.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
        match &chart.body {
            Body::Lines(panels) => {
                let areas = plots.split_evenly((1, panels.len().max(1)));
                for (area, panel) in areas.iter().zip(panels) {
                    draw_panel(area, panel, palette)?;
                }
            }
            Body::Categories { x, labels, series } => draw_categories(&plots, x, labels, series, palette)?,
        }
        draw_legend(&legend, &entries, ideal, palette)?;
        for (i, note) in notes.iter().enumerate() {
            let style = (FONT, 13).into_font().color(&GREY);
            footer
                .draw(&Text::new(note.as_str(), (12, 4 + (NOTE_LINE * i as u32) as i32), style))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn draw_categories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: &Axis,
    labels: &[String],
    series: &[CategorySeries],
    palette: &Palette,
) -> Result<(), String> {
    let n = labels.len();
    let values = series.iter().flat_map(|s| s.points.iter().flat_map(|(_, p)| [p.lo, p.y, p.hi]));
    let Some((x0, x1)) = x.range(values) else {
        return Ok(());
    };
    let ticks = x.ticks(x0, x1);
    let label_area = labels.iter().map(|l| text_width(l, 13)).max().unwrap_or(0) + 24;
    let builder = |area| {
        let mut b = ChartBuilder::on(area);
        b.margin(14).x_label_area_size(50).y_label_area_size(label_area as u32);
        b
    };
    // Unmeasured points sit in a band on the left (the slow side), wide enough for their labels.
    let missing = missing_lines(series);
    let band = missing.iter().map(|m| text_width(&m.text, 12) + 26).max().unwrap_or(0);
    let probe = builder(area).build_cartesian_2d((x0..x1).log_scale(), 0.0..1.0).map_err(draw_error)?;
    let plot_w = probe.plotting_area().get_pixel_range().0.len() as f64;
    let stretch = ((x1 / x0).ln() * band as f64 / (plot_w - band as f64).max(1.0)).exp();

    // The first case at the top: category i sits at y = n − 1 − i.
    let row_y = |i: usize| (n - 1 - i) as f64;
    let mut chart = builder(area)
        .build_cartesian_2d(
            (x0 / stretch..x1).log_scale().with_key_points(ticks.clone()),
            -0.6..n as f64 - 0.4,
        )
        .map_err(draw_error)?;
    let title = x.title(&ticks);
    chart
        .configure_mesh()
        .x_desc(title.as_str())
        .x_label_formatter(&|v| x.label(*v))
        .y_labels(n)
        .y_label_formatter(&|v| {
            let i = v.round();
            let on_a_row = (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n;
            if on_a_row { labels[n - 1 - i as usize].clone() } else { String::new() }
        })
        .light_line_style(TRANSPARENT)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(222, 222, 222))
        .draw()
        .map_err(draw_error)?;
    let base = area.get_base_pixel();
    let at = |v: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(v, y));
        (a - base.0, b - base.1)
    };
    if band > 0 {
        let (left, top) = at(x0 / stretch, n as f64 - 0.4);
        let (edge, bottom) = at(x0, -0.6);
        area.draw(&Rectangle::new([(left, top), (edge, bottom)], BAND_COLOR.filled())).map_err(draw_error)?;
        let style =
            (FONT, 11).into_font().color(&RGBColor(110, 110, 110)).pos(Pos::new(HPos::Left, VPos::Top));
        // Under the axis, beside the tick labels (which start right of the band): at the top of
        // the band it overprinted the label of a top row's point that was not measured.
        area.draw(&Text::new("not measured", (left + 4, bottom + 6), style)).map_err(draw_error)?;
    }
    let count = series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let look = palette.look(&s.strategy);
        // Strategies side by side within a category's band.
        let offset = (k as f64 - (count - 1.0) / 2.0) * (0.7 / count);
        for (i, p) in &s.points {
            let ((a, y), (b, _)) = (at(p.lo, row_y(*i) + offset), at(p.hi, row_y(*i) + offset));
            if b - a >= 2 {
                let style = look.color.stroke_width(1);
                for path in [vec![(a, y), (b, y)], vec![(a, y - 3), (a, y + 3)], vec![(b, y - 3), (b, y + 3)]]
                {
                    area.draw(&PathElement::new(path, style)).map_err(draw_error)?;
                }
            }
            let point = at(p.y, row_y(*i) + offset);
            with_marker!(look, 5, |marker| area.draw(&marker(point))).map_err(draw_error)?;
        }
    }
    for line in &missing {
        let look = palette.look(&series[line.series].strategy);
        let (left, center) = at(x0 / stretch, row_y(line.category));
        let y = center + line.dy;
        with_marker!(look, 4, |marker| area.draw(&marker((left + 10, y)))).map_err(draw_error)?;
        let style = (FONT, 12).into_font().color(&GREY).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(line.text.as_str(), (left + 20, y), style)).map_err(draw_error)?;
    }
    Ok(())
}

/// Pixels between two lines of unmeasured points in one category (12-point labels).
const LINE_PITCH: i32 = 14;

/// One unmeasured point of the band: its category, its series, its label, and its offset from
/// the category's row in pixels.
#[derive(Debug, PartialEq)]
struct MissingLine {
    category: usize,
    series: usize,
    text: String,
    dy: i32,
}

/// Every unmeasured point, its line stacked a label's height from the others of its category
/// (centred on the row), so labels of strategies that failed on one case never overprint each
/// other; the series' own offsets within a row are a few pixels, less than a label.
fn missing_lines(series: &[CategorySeries]) -> Vec<MissingLine> {
    let mut lines: Vec<MissingLine> = Vec::new();
    for (k, s) in series.iter().enumerate() {
        for (category, reason) in &s.missing {
            let text = format!("{} — {reason}", s.strategy);
            lines.push(MissingLine { category: *category, series: k, text, dy: 0 });
        }
    }
    let categories: std::collections::BTreeSet<usize> = lines.iter().map(|l| l.category).collect();
    for category in categories {
        let count = lines.iter().filter(|l| l.category == category).count() as i32;
        for (j, line) in lines.iter_mut().filter(|l| l.category == category).enumerate() {
            // Centred: offsets −(count − 1)/2 … +(count − 1)/2 pitches, in series order.
            line.dy = (2 * j as i32 - (count - 1)) * LINE_PITCH / 2;
        }
    }
    lines
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Option<usize>)],
    ideal: Option<&str>,
    palette: &Palette,
) -> Result<(), String> {
    let mut y = 40;
    for (name, capped) in entries {
        let look = palette.look(name);
        for piece in dashes(&[(4, y), (46, y)], look.dash) {
            area.draw(&PathElement::new(piece, look.color.stroke_width(2))).map_err(draw_error)?;
        }
        with_marker!(look, 4, |marker| area.draw(&marker((25, y)))).map_err(draw_error)?;
        let style = (FONT, 15).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(name.as_str(), (54, y), style)).map_err(draw_error)?;
        if let Some(w) = capped {
            let style = (FONT, 12).into_font().color(&GREY).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(format!("capped at W = {w}"), (54, y + 15), style)).map_err(draw_error)?;
            y += 14;
        }
        y += 26;
    }
    if let Some(label) = ideal {
        y += 4;
        area.draw(&PathElement::new(vec![(4, y), (46, y)], IDEAL_COLOR.stroke_width(5)))
            .map_err(draw_error)?;
        let style = (FONT, 14).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new("ideal (floor)", (54, y), style)).map_err(draw_error)?;
        let style = (FONT, 11).into_font().color(&GREY).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(label, (54, y + 15), style)).map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(strategy: &str, missing: &[(usize, &str)]) -> CategorySeries {
        CategorySeries {
            strategy: strategy.into(),
            points: Vec::new(),
            missing: missing.iter().map(|&(i, l)| (i, l.to_string())).collect(),
        }
    }

    /// The 2026-12-07 queue chart printed "compio — failed: timed out" over "monoio — failed:
    /// timed out" on one row: the lines of one category are a label's height apart, centred.
    #[test]
    fn labels_of_points_not_measured_in_one_category_do_not_overprint() {
        let all = [
            series("tokio-per-core", &[(0, "failed: timed out")]),
            series("compio", &[(0, "failed: timed out"), (3, "failed: timed out")]),
            series("monoio", &[(0, "failed: timed out")]),
            series("glommio", &[(0, "failed: timed out")]),
        ];
        let lines = missing_lines(&all);
        let row: Vec<(&str, i32)> =
            lines.iter().filter(|l| l.category == 0).map(|l| (l.text.as_str(), l.dy)).collect();
        assert_eq!(
            row,
            [
                ("tokio-per-core — failed: timed out", -21),
                ("compio — failed: timed out", -7),
                ("monoio — failed: timed out", 7),
                ("glommio — failed: timed out", 21),
            ]
        );
        let alone: Vec<i32> = lines.iter().filter(|l| l.category == 3).map(|l| l.dy).collect();
        assert_eq!(alone, [0]);
    }
}
