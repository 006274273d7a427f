//! Drawing a chart to SVG with plotters: the title block, log–log panels or a category strip,
//! the legend and the notes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{Palette, with_marker};
use super::{Body, CategorySeries, Chart, Panel};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;
const LEGEND_WIDTH: u32 = 170;
const FOOTER_HEIGHT: u32 = 44;
const FONT: &str = "sans-serif";

fn draw_error<E: std::fmt::Debug>(e: E) -> String {
    format!("could not draw a chart: {e:?}")
}

/// Key points of a log axis: the powers of ten inside the range, with 2× and 5× steps when
/// the range spans less than two decades.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    // powi multiplies, so whole decades stay exact and their labels read 1M, not 1000000.00001.
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    let narrow = hi / lo < 100.0;
    while decade <= hi {
        for m in if narrow { &[1.0, 2.0, 5.0][..] } else { &[1.0][..] } {
            let t = decade * m;
            if t >= lo && t <= hi {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    ticks
}

/// A log range around the data with some air, never empty.
fn padded(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() || hi <= 0.0 {
        return None;
    }
    let (lo, hi) = if hi / lo < 1.5 { (lo / 1.5, hi * 1.5) } else { (lo, hi) };
    Some((lo / 1.4, hi * 1.6))
}

pub(super) fn render(chart: &Chart, machine: &str, palette: &Palette) -> Result<String, String> {
    let height = match &chart.body {
        Body::Categories { labels, .. } => HEIGHT.max(150 + 34 * labels.len() as u32),
        Body::Lines(_) => HEIGHT,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let root = root.titled(&chart.title, (FONT, 20)).map_err(draw_error)?;
        let root =
            root.titled(machine, (FONT, 14).into_font().color(&RGBColor(80, 80, 80))).map_err(draw_error)?;
        let (w, h) = root.dim_in_pixel();
        let (main, footer) = root.split_vertically(h.saturating_sub(FOOTER_HEIGHT));
        let (plots, legend) = main.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
        let mut shown: Vec<String> = Vec::new();
        let mut any_failed = false;
        match &chart.body {
            Body::Lines(panels) => {
                let areas = plots.split_evenly((1, panels.len().max(1)));
                for (area, panel) in areas.iter().zip(panels) {
                    draw_panel(area, panel, palette)?;
                    for s in &panel.series {
                        if !shown.contains(&s.strategy) {
                            shown.push(s.strategy.clone());
                        }
                        any_failed |= !s.failed.is_empty();
                    }
                }
            }
            Body::Categories { x_desc, x_fmt, labels, series } => {
                draw_categories(&plots, x_desc, *x_fmt, labels, series, palette)?;
                for s in series {
                    shown.push(s.strategy.clone());
                    any_failed |= !s.failed.is_empty();
                }
            }
        }
        draw_legend(&legend, &shown, any_failed, palette)?;
        for (i, note) in chart.notes.iter().enumerate() {
            footer
                .draw(&Text::new(
                    note.as_str(),
                    (12, 4 + 18 * i as i32),
                    (FONT, 13).into_font().color(&RGBColor(80, 80, 80)),
                ))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    palette: &Palette,
) -> Result<(), String> {
    let xs = panel.series.iter().flat_map(|s| s.points.iter().map(|p| p.0).chain(s.failed.iter().copied()));
    let ys = panel.series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (Some((x0, x1)), Some((y0, y1))) = (padded(xs), padded(ys)) else {
        area.draw(&Text::new("no verified points", (60, 60), (FONT, 16))).map_err(draw_error)?;
        return Ok(());
    };
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(78)
        .build_cartesian_2d(
            (x0..x1).log_scale().with_key_points(log_ticks(x0, x1)),
            (y0..y1).log_scale().with_key_points(log_ticks(y0, y1)),
        )
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_desc.as_str())
        .y_desc(panel.y_desc.as_str())
        .x_label_formatter(&|v| (panel.x_fmt)(*v))
        .y_label_formatter(&|v| (panel.y_fmt)(*v))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()
        .map_err(draw_error)?;
    // Failures sit just under the top edge, above every measured point.
    let top = y1 / 1.25;
    for s in &panel.series {
        let look = palette.look(&s.strategy);
        let color = look.color;
        chart
            .draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(2)))
            .map_err(draw_error)?;
        with_marker!(look, 4, |marker| chart.draw_series(s.points.iter().map(|&p| marker(p))))
            .map_err(draw_error)?;
        chart
            .draw_series(s.failed.iter().map(|&x| Cross::new((x, top), 7, color.stroke_width(3))))
            .map_err(draw_error)?;
    }
    Ok(())
}

fn draw_categories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_desc: &str,
    x_fmt: fn(f64) -> String,
    labels: &[String],
    series: &[CategorySeries],
    palette: &Palette,
) -> Result<(), String> {
    let n = labels.len();
    let Some((x0, x1)) = padded(series.iter().flat_map(|s| s.points.iter().map(|p| p.1))) else {
        return Ok(());
    };
    // The first case at the top: category i sits at y = n − 1 − i.
    let row_y = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(250)
        .build_cartesian_2d((x0..x1).log_scale().with_key_points(log_ticks(x0, x1)), -0.6..n as f64 - 0.4)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .x_label_formatter(&|v| x_fmt(*v))
        .y_labels(n)
        .y_label_formatter(&|v| {
            let i = v.round();
            let on_a_row = (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n;
            if on_a_row { labels[n - 1 - i as usize].clone() } else { String::new() }
        })
        .light_line_style(TRANSPARENT)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()
        .map_err(draw_error)?;
    let count = series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let look = palette.look(&s.strategy);
        let color = look.color;
        // Strategies side by side within a category's band.
        let offset = (k as f64 - (count - 1.0) / 2.0) * (0.7 / count);
        with_marker!(look, 5, |marker| {
            chart.draw_series(s.points.iter().map(|&(i, v)| marker((v, row_y(i) + offset))))
        })
        .map_err(draw_error)?;
        chart
            .draw_series(
                s.failed
                    .iter()
                    .map(|&i| Cross::new((x0 * 1.15, row_y(i) + offset), 6, color.stroke_width(3))),
            )
            .map_err(draw_error)?;
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    strategies: &[String],
    any_failed: bool,
    palette: &Palette,
) -> Result<(), String> {
    let mut y = 40;
    for name in strategies {
        let look = palette.look(name);
        area.draw(&PathElement::new(vec![(8, y), (40, y)], look.color.stroke_width(2)))
            .map_err(draw_error)?;
        with_marker!(look, 4, |marker| area.draw(&marker((24, y)))).map_err(draw_error)?;
        area.draw(&Text::new(name.as_str(), (50, y - 8), (FONT, 15))).map_err(draw_error)?;
        y += 26;
    }
    if any_failed {
        y += 6;
        area.draw(&Cross::new((24, y), 6, BLACK.stroke_width(2))).map_err(draw_error)?;
        area.draw(&Text::new("failed / timeout", (50, y - 8), (FONT, 14))).map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_cover_decades() {
        assert_eq!(log_ticks(1.0, 1e4), vec![1.0, 10.0, 100.0, 1000.0, 10000.0]);
        assert_eq!(log_ticks(15.0, 300.0), vec![20.0, 50.0, 100.0, 200.0]);
    }
}
