//! Random streams: the one place in parlab that builds a random number generator.
//!
//! Every task gets its own stream, seeded from `(seed, task)`. The generator
//! is a named, portable one (Xoshiro256++), and seeding goes through
//! SplitMix64 written out here, so the same `(seed, task)` gives the same
//! numbers on every machine, every thread count and every backend. This is
//! the idiom *one RNG per task*; the lecture's forked workers instead
//! inherited copies of one global generator and drew the same numbers.
//!
//! # Examples
//!
//! ```
//! let mut a = parlab::stream::stream(7, 100);
//! let mut b = parlab::stream::stream(7, 100);
//! assert_eq!(a.uniform().to_bits(), b.uniform().to_bits());
//! assert_ne!(parlab::stream::stream(7, 100).uniform(), parlab::stream::stream(8, 100).uniform());
//! ```

use rand_core::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;

/// One task's random numbers. Owned by the task that draws from it.
#[derive(Clone, Debug)]
pub struct Stream {
    rng: Xoshiro256PlusPlus,
}

/// The stream for task `task` of a run seeded with `seed`.
///
/// The only constructor of generators in parlab: everything random is drawn
/// from a `Stream` made here and passed in.
pub fn stream(seed: u64, task: u64) -> Stream {
    // Mix the two words so that neighbouring seeds and tasks give unrelated states.
    let mut state = splitmix(seed ^ 0x5851_f42d_4c95_7f2d).wrapping_add(splitmix(task ^ 0x1405_7b7e_f767_814f));
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        chunk.copy_from_slice(&splitmix(state).to_le_bytes());
    }
    Stream { rng: Xoshiro256PlusPlus::from_seed(bytes) }
}

/// SplitMix64's output function (Steele, Lea and Flood 2014).
fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Stream {
    /// A uniform number in [0, 1), from the top 53 bits of one 64-bit draw.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard exponential number, by the ziggurat method (exact in distribution).
    #[inline]
    pub fn exp1(&mut self) -> f64 {
        Exp1.sample(&mut self.rng)
    }

    /// A raw 64-bit draw.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Value stability: these bits must never change, or every pinned result moves.
    #[test]
    fn pinned_values() {
        let mut s = stream(7, 0);
        let got: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        assert_eq!(got, PINNED_U64, "the generator or its seeding changed");
        let mut s = stream(7, 3000);
        assert_eq!(s.uniform().to_bits(), PINNED_UNIFORM);
        assert_eq!(s.exp1().to_bits(), PINNED_EXP1);
    }

    const PINNED_U64: [u64; 3] = [0, 0, 0];
    const PINNED_UNIFORM: u64 = 0;
    const PINNED_EXP1: u64 = 0;

    #[test]
    fn seeds_and_tasks_give_different_streams() {
        let first = |seed, task| stream(seed, task).next_u64();
        assert_ne!(first(0, 0), first(1, 0));
        assert_ne!(first(0, 0), first(0, 1));
        assert_ne!(first(1, 0), first(0, 1));
    }

    #[test]
    fn uniforms_lie_in_the_unit_interval() {
        let mut s = stream(1, 1);
        let mean = (0..100_000).map(|_| s.uniform()).inspect(|u| assert!((0.0..1.0).contains(u))).sum::<f64>() / 1e5;
        assert!((mean - 0.5).abs() < 0.01);
        let mut s = stream(1, 2);
        let mean = (0..100_000).map(|_| s.exp1()).sum::<f64>() / 1e5;
        assert!((mean - 1.0).abs() < 0.02);
    }
}
