//! Durations as people type them on a command line: `10ms`, `1s`, `250us`, `1.5s`, `2m`.

use std::time::Duration;

use crate::SpecError;

/// Parses `<number><unit>` where unit is one of `ns`, `us`, `µs`, `ms`, `s`, `m`.
/// A bare number is refused: `10` could mean seconds or milliseconds, so we make the user say.
pub fn parse_duration(text: &str) -> Result<Duration, SpecError> {
    let t = text.trim();
    let bad =
        |why: &str| SpecError::new(format!("invalid duration {text:?}: {why} (examples: 250us, 10ms, 1s)"));
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(|| bad("missing unit"))?;
    let (number, unit) = t.split_at(split);
    if number.is_empty() {
        return Err(bad("missing number"));
    }
    let value: f64 = number.parse().map_err(|_| bad("not a number"))?;
    let nanos_per_unit = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        _ => return Err(bad("unknown unit")),
    };
    let nanos = value * nanos_per_unit;
    // One day is far beyond any benchmark case; past it the input is a typo.
    if !nanos.is_finite() || nanos > 86_400e9 {
        return Err(bad("longer than one day"));
    }
    Ok(Duration::from_nanos(nanos.round() as u64))
}

/// Formats a duration the way it is parsed, in the largest unit that keeps it whole, so it
/// round-trips: `format_duration(parse_duration("10ms")?) == "10ms"`.
pub fn format_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        return "0s".to_string();
    }
    for (unit, per) in [("s", 1_000_000_000u128), ("ms", 1_000_000), ("us", 1_000)] {
        if ns.is_multiple_of(per) {
            return format!("{}{unit}", ns / per);
        }
    }
    format!("{ns}ns")
}

/// A human reading of a measured time: `1.23 s`, `10.4 ms`, `56.1 µs`, `830 ns`.
pub fn human(ns: f64) -> String {
    let (value, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else if value >= 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.2} {unit}")
    }
}

/// Serde for durations as strings in the schema (`"10ms"`), so results files read naturally.
pub mod serde_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_duration(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for `Option<Duration>` as text (`"8ms"`) or null.
pub(crate) mod serde_opt_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| super::parse_duration(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("10ms").unwrap(), Duration::from_millis(10));
        assert_eq!(parse_duration("1s").unwrap(), Duration::from_secs(1));
        assert_eq!(parse_duration("250us").unwrap(), Duration::from_micros(250));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("0ms").unwrap(), Duration::ZERO);
    }

    #[test]
    fn refuses_garbage() {
        for bad in ["abc", "10", "ms", "-3ms", "10 parsecs", "", "1e9s", "2days"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
        }
        assert!(parse_duration("100000s").is_err());
    }

    #[test]
    fn formats_round_trip() {
        for text in ["10ms", "1s", "250us", "0s", "7ns"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }
}
