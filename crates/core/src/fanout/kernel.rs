//! The fan-out unit's CPU work: an LCG kernel every strategy runs the same, and its
//! jump-ahead, which gives `verify` the expected value of any unit without running it.

use std::hint::black_box;

use crate::splitmix::{mix, splitmix64};

const LCG_MUL: u64 = 6_364_136_223_846_793_005;
const LCG_INC: u64 = 1_442_695_040_888_963_407;

fn seed(index: usize) -> u64 {
    splitmix64(index as u64)
}

/// The unit's CPU work: `work` steps of a 64-bit LCG seeded by the unit's index, then mixed.
///
/// Every step is a multiply-add that depends on the previous one, so the loop cannot be
/// vectorised or shortened and costs ~4 cycles (~1 ns) a step; `black_box` keeps the compiler from
/// knowing the index or the count. The LCG has a known jump-ahead, which lets `verify` compute
/// the expected value of any unit in O(log k) (see `Expect`) while the unit pays O(k).
pub fn kernel(index: usize, work: u64) -> u64 {
    // The constants go through `black_box` too: with them known, the optimiser composes
    // unrolled steps into one (A^8 x + C'), skipping 7 of every 8.
    let (mul, inc) = black_box((LCG_MUL, LCG_INC));
    let mut x = seed(black_box(index));
    for _ in 0..black_box(work) {
        x = x.wrapping_mul(mul).wrapping_add(inc);
    }
    mix(x)
}

/// `work` LCG steps as one affine map `x -> mult * x + plus` (Brown's jump-ahead), so the
/// expected value of every unit costs O(1) once the map is built.
#[derive(Debug, Clone, Copy)]
pub(super) struct Expect {
    mult: u64,
    plus: u64,
}

impl Expect {
    pub(super) fn new(mut work: u64) -> Self {
        let (mut mult, mut plus) = (1u64, 0u64);
        let (mut step_mult, mut step_plus) = (LCG_MUL, LCG_INC);
        while work > 0 {
            if work & 1 == 1 {
                mult = mult.wrapping_mul(step_mult);
                plus = plus.wrapping_mul(step_mult).wrapping_add(step_plus);
            }
            step_plus = step_mult.wrapping_add(1).wrapping_mul(step_plus);
            step_mult = step_mult.wrapping_mul(step_mult);
            work >>= 1;
        }
        Expect { mult, plus }
    }

    pub(super) fn value(&self, index: usize) -> u64 {
        mix(self.mult.wrapping_mul(seed(index)).wrapping_add(self.plus))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jump_ahead_matches_the_kernel() {
        for work in [0, 1, 2, 3, 7, 64, 1_000, 12_345] {
            let expect = Expect::new(work);
            for index in [0, 1, 2, 99, 123_456] {
                assert_eq!(expect.value(index), kernel(index, work), "index {index} work {work}");
            }
        }
    }

    #[test]
    fn kernel_depends_on_index_and_work() {
        assert_ne!(kernel(1, 100), kernel(2, 100));
        assert_ne!(kernel(1, 100), kernel(1, 101));
    }
}
