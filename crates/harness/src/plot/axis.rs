//! Log axes in each unit's own base: where the ticks go (1-2-5 steps for decimal quantities
//! and times, powers of two for bytes), how a tick reads ("20 ms", "4 KiB", "500k", "2×"), and
//! the axis title with its units.

use crate::report::format::compact_count;

/// What an axis measures, which fixes its tick steps and labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A plain count (tasks, requests, work per unit): 1-2-5 ticks, "500k".
    Count,
    /// Nanoseconds: 1-2-5 ticks read in ns, µs, ms or s, which are themselves decimal steps.
    Time,
    /// Bytes in binary units: ticks at powers of two (1-2-4-8 KiB …).
    Bytes,
    /// Per second: 1-2-5 ticks, "20k".
    Rate,
    /// A ratio: 1-2-5 ticks, "2×".
    Ratio,
}

/// One axis of a panel: its title (with the unit, when the scale does not supply it) and scale.
pub struct Axis {
    pub desc: String,
    pub scale: Scale,
}

impl Axis {
    pub fn new(desc: &str, scale: Scale) -> Self {
        Axis { desc: desc.to_string(), scale }
    }

    /// The title drawn beside the axis: the quantity, the units its ticks use, "log scale".
    pub fn title(&self, ticks: &[f64]) -> String {
        match self.scale {
            Scale::Time | Scale::Bytes => {
                let mut units: Vec<&str> = Vec::new();
                for t in ticks {
                    let u = unit_of(self.scale, *t).1;
                    if !units.contains(&u) {
                        units.push(u);
                    }
                }
                if units.is_empty() {
                    units.push(if self.scale == Scale::Time { "s" } else { "B" });
                }
                format!("{} ({}; log scale)", self.desc, units.join(", "))
            }
            _ => format!("{} (log scale)", self.desc),
        }
    }

    pub fn label(&self, v: f64) -> String {
        tick_label(self.scale, v)
    }

    pub fn ticks(&self, lo: f64, hi: f64) -> Vec<f64> {
        ticks(self.scale, lo, hi)
    }

    /// The range to draw `values` in: a little air around them, then widened outward to the
    /// nearest steps of the scale so the axis ends on a round value.
    pub fn range(&self, values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
        let (lo, hi) = spread(values)?;
        let top = step_at_or_above(self.scale, hi * 1.12);
        // × best stays at or above 1 (its bars dip just below): start a little under the 1×
        // gridline, not at 0.5×.
        if self.scale == Scale::Ratio && lo >= 0.9 {
            return Some((0.85, top));
        }
        Some((step_at_or_below(self.scale, lo / 1.12), top))
    }
}

/// The smallest and largest positive finite value.
fn spread(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| *v > 0.0 && v.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo.is_finite() && hi > 0.0).then_some((lo, hi))
}

/// An x range with air on both sides, so end points (spread side by side when equal) stay off
/// the frame.
pub fn x_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = spread(values)?;
    let (lo, hi) = if hi / lo < 1.5 { (lo / 1.5, hi * 1.5) } else { (lo, hi) };
    Some((lo / 1.7, hi * 1.7))
}

/// Every step of the scale (1, 2, 5 × 10^k; or 2^k for bytes) from just below `lo` to just
/// above `hi`.
fn steps(scale: Scale, lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if scale == Scale::Bytes {
        let mut v = 2f64.powi(lo.log2().floor() as i32 - 1);
        while v <= hi * 2.0 {
            out.push(v);
            v *= 2.0;
        }
    } else {
        // powi multiplies, so whole decades stay exact and their labels read 1M, not 1000000.00001.
        let mut decade = 10f64.powi(lo.log10().floor() as i32 - 1);
        while decade <= hi * 10.0 {
            out.extend([decade, decade * 2.0, decade * 5.0]);
            decade *= 10.0;
        }
    }
    out
}

fn step_at_or_below(scale: Scale, v: f64) -> f64 {
    steps(scale, v, v).into_iter().rfind(|s| *s <= v * (1.0 + 1e-9)).unwrap_or(v)
}

fn step_at_or_above(scale: Scale, v: f64) -> f64 {
    steps(scale, v, v).into_iter().find(|s| *s >= v * (1.0 - 1e-9)).unwrap_or(v)
}

/// The labelled ticks inside [lo, hi]: every 1-2-5 step across up to about three decades,
/// the decades alone up to seven, then every other decade; for bytes, every power of two
/// thinned to at most eight ticks (1-2-4-8 KiB, or 1-4-16-64 KiB …).
pub fn ticks(scale: Scale, lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo) {
        return Vec::new();
    }
    let inside = |t: &f64| *t >= lo * (1.0 - 1e-9) && *t <= hi * (1.0 + 1e-9);
    let all: Vec<f64> = steps(scale, lo, hi).into_iter().filter(inside).collect();
    if scale == Scale::Bytes {
        let stride = all.len().div_ceil(8).max(1);
        // Keep the powers of two whose exponent is a multiple of the stride, so 1 KiB and 1 MiB
        // stay ticks whatever the range.
        return all
            .into_iter()
            .filter(|t| (t.log2().round() as i64).rem_euclid(stride as i64) == 0)
            .collect();
    }
    let decades = (hi / lo).log10();
    let mantissa = |t: f64| t / 10f64.powf(t.log10().floor());
    let is_decade = |t: &f64| (mantissa(*t) - 1.0).abs() < 1e-6;
    if decades <= 3.2 {
        all
    } else if decades <= 7.0 {
        all.into_iter().filter(is_decade).collect()
    } else {
        all.into_iter().filter(is_decade).filter(|t| (t.log10().round() as i64).rem_euclid(2) == 0).collect()
    }
}

/// The unit a value reads in and its divisor: 20 ms → (1e6, "ms"); 4096 B → (1024, "KiB").
fn unit_of(scale: Scale, v: f64) -> (f64, &'static str) {
    match scale {
        Scale::Time => {
            if v >= 1e9 {
                (1e9, "s")
            } else if v >= 1e6 {
                (1e6, "ms")
            } else if v >= 1e3 {
                (1e3, "µs")
            } else {
                (1.0, "ns")
            }
        }
        Scale::Bytes => {
            const KIB: f64 = 1024.0;
            if v >= KIB * KIB * KIB {
                (KIB * KIB * KIB, "GiB")
            } else if v >= KIB * KIB {
                (KIB * KIB, "MiB")
            } else if v >= KIB {
                (KIB, "KiB")
            } else {
                (1.0, "B")
            }
        }
        _ => (1.0, ""),
    }
}

/// A number without trailing zeros: 2, 0.5, 1.25.
fn plain(v: f64) -> String {
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn tick_label(scale: Scale, v: f64) -> String {
    match scale {
        Scale::Time | Scale::Bytes => {
            let (div, unit) = unit_of(scale, v);
            format!("{} {unit}", plain(v / div))
        }
        Scale::Count | Scale::Rate => {
            if v >= 1.0 {
                compact_count(v.round())
            } else {
                plain(v)
            }
        }
        Scale::Ratio => format!("{}×", plain(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(scale: Scale, lo: f64, hi: f64) -> Vec<String> {
        ticks(scale, lo, hi).into_iter().map(|t| tick_label(scale, t)).collect()
    }

    #[test]
    fn times_step_1_2_5_in_their_own_units() {
        assert_eq!(labels(Scale::Time, 5e6, 2e8), ["5 ms", "10 ms", "20 ms", "50 ms", "100 ms", "200 ms"]);
        assert_eq!(labels(Scale::Time, 5e5, 2e10), ["1 ms", "10 ms", "100 ms", "1 s", "10 s"]);
        assert_eq!(labels(Scale::Time, 200.0, 2000.0), ["200 ns", "500 ns", "1 µs", "2 µs"]);
    }

    #[test]
    fn bytes_step_in_powers_of_two_with_binary_units() {
        assert_eq!(labels(Scale::Bytes, 900.0, 9000.0), ["1 KiB", "2 KiB", "4 KiB", "8 KiB"]);
        let wide = labels(Scale::Bytes, 1000.0, 3e6);
        assert_eq!(wide, ["1 KiB", "4 KiB", "16 KiB", "64 KiB", "256 KiB", "1 MiB"]);
        assert!(labels(Scale::Bytes, 100.0, 1e9).iter().all(|l| !l.contains('.')));
    }

    #[test]
    fn counts_rates_and_ratios() {
        assert_eq!(labels(Scale::Count, 0.8, 120.0), ["1", "2", "5", "10", "20", "50", "100"]);
        assert_eq!(labels(Scale::Count, 0.5, 2e6), ["1", "10", "100", "1k", "10k", "100k", "1M"]);
        assert_eq!(labels(Scale::Ratio, 0.9, 6.0), ["1×", "2×", "5×"]);
        assert_eq!(labels(Scale::Rate, 1e3, 1e12).len(), 5, "every other decade past seven");
    }

    #[test]
    fn ranges_end_on_steps_and_titles_name_units() {
        let axis = Axis::new("wall time", Scale::Time);
        assert_eq!(axis.range([10.07e6, 9.8e9].into_iter()), Some((5e6, 20e9)));
        assert_eq!(axis.title(&[1e7, 1e8, 1e9]), "wall time (ms, s; log scale)");
        let mem = Axis::new("memory per task", Scale::Bytes);
        assert_eq!(mem.range([1500.0, 3000.0].into_iter()), Some((1024.0, 4096.0)));
        assert_eq!(Axis::new("N, tasks", Scale::Count).title(&[]), "N, tasks (log scale)");
        assert_eq!(Axis::new("× best", Scale::Ratio).range([1.0, 8.0].into_iter()), Some((0.85, 10.0)));
    }
}
