//! splitmix64: the one 64-bit mixer behind the fan-out seeds and results, the http fault
//! pattern and body filler, and the queue's id fingerprint.

/// The golden-ratio increment splitmix64 adds to its state before mixing.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// splitmix64's finaliser: a bijection that spreads every input bit over the output.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The splitmix64 output for state `x`: the finaliser of `x + GAMMA`.
#[inline]
pub(crate) fn splitmix64(x: u64) -> u64 {
    mix(x.wrapping_add(GAMMA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_generator() {
        // The first outputs of the reference splitmix64 seeded with 0: its state advances by
        // GAMMA per output, so output n is `splitmix64(n × GAMMA)`.
        let want = [0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f];
        for (n, want) in want.into_iter().enumerate() {
            assert_eq!(splitmix64(GAMMA.wrapping_mul(n as u64)), want, "output {n}");
        }
    }
}
