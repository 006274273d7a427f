//! The one set of number formatters: every table, report line, comparison and chart axis
//! writes ratios, rates, bytes, counts and durations through these.

/// A measured time: `1.23 s`, `10.4 ms`, `56.1 µs`, `830 ns` (core's reading, re-exported so
/// there is one place to look).
pub use shootout_core::duration::human as duration;

/// A ratio with the precision its size deserves: 1.04, 13.4, 152.
pub fn ratio(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A rate: 950, 12.3k, 4.56M.
pub fn rate(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// Bytes in binary units: 512 B, 2.0 KiB, 3.5 MiB, 120 GiB.
pub fn bytes(b: f64) -> String {
    const KIB: f64 = 1024.0;
    let (v, unit) = if b >= KIB * KIB * KIB {
        (b / (KIB * KIB * KIB), "GiB")
    } else if b >= KIB * KIB {
        (b / (KIB * KIB), "MiB")
    } else if b >= KIB {
        (b / KIB, "KiB")
    } else {
        return format!("{b:.0} B");
    };
    if v >= 100.0 { format!("{v:.0} {unit}") } else { format!("{v:.1} {unit}") }
}

/// A count with thousands separators: 100,000.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A millisecond parameter as a duration: 10 → "10 ms", 0.5 → "500 µs".
pub fn millis(ms: f64) -> String {
    if ms == 0.0 {
        "0 ms".to_string()
    } else if ms.fract() == 0.0 && (1.0..1000.0).contains(&ms) {
        format!("{ms:.0} ms")
    } else {
        duration(ms * 1e6)
    }
}

/// A signed duration, e.g. an oversleep: "+1.10 ms", "−70.0 µs" (a true minus sign).
pub fn signed(ns: f64) -> String {
    format!("{}{}", if ns < 0.0 { "−" } else { "+" }, duration(ns.abs()))
}

/// A count as an axis tick: whole thousands and millions in short form (500k, 1M, 20M),
/// otherwise the count itself.
pub fn compact_count(v: f64) -> String {
    if v >= 1e6 && (v / 1e6).fract() == 0.0 {
        format!("{}M", v / 1e6)
    } else if v >= 1e3 && (v / 1e3).fract() == 0.0 {
        format!("{}k", v / 1e3)
    } else if v.fract() == 0.0 {
        count(v as u64)
    } else {
        format!("{v:.2}")
    }
}

/// A rate as an axis tick: whole values as `compact_count`, others as `rate`.
pub fn compact_rate(v: f64) -> String {
    if v.fract() == 0.0 { compact_count(v) } else { rate(v) }
}

/// A ratio as an axis tick: "1.5×", "20×".
pub fn compact_ratio(v: f64) -> String {
    if v >= 10.0 { format!("{v:.0}×") } else { format!("{v:.1}×") }
}

/// "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first line of `text`, cut to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max {
        line.to_string()
    } else {
        format!("{}…", line.chars().take(max).collect::<String>().trim_end())
    }
}

/// "1 case", "3 cases".
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ratios() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(ratio(1.004), "1.00");
        assert_eq!(ratio(52.2), "52.2");
        assert_eq!(millis(10.0), "10 ms");
        assert_eq!(millis(1.0), "1 ms");
        assert_eq!(millis(0.5), "500 µs");
    }

    #[test]
    fn byte_units() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(2048.0), "2.0 KiB");
        assert_eq!(bytes(3.5 * 1024.0 * 1024.0), "3.5 MiB");
    }

    #[test]
    fn axis_ticks_and_signs() {
        assert_eq!(compact_count(500_000.0), "500k");
        assert_eq!(compact_count(2e7), "20M");
        assert_eq!(compact_count(1500.5), "1500.50");
        assert_eq!(compact_ratio(1.5), "1.5×");
        assert_eq!(signed(-70_000.0), "−70.0 µs");
        assert_eq!(signed(1_100_000.0), "+1.10 ms");
        assert_eq!(join_and(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
