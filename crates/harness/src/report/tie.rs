//! The tie rule: when a run cannot tell two strategies' times apart.

use shootout_core::results::Stats;

/// Two min–max ranges that overlap: this run cannot tell them apart.
pub fn overlaps(a: Stats, b: Stats) -> bool {
    a.min <= b.max && b.min <= a.max
}
