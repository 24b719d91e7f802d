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

mod draw;
mod lanes;
mod ziggurat;

use draw::{exp1, next, splitmix, to_unit};

pub use lanes::SpacingSums;

/// One task's random numbers: a xoshiro256++ generator. Owned by the task
/// that draws from it; deliberately not `Copy`, so a stream is never
/// duplicated by accident (cloning one is explicit, and replays the same numbers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    state: [u64; 4],
}

/// The stream for task `task` of a run seeded with `seed`.
///
/// The only constructor of generators in parlab: everything random is drawn
/// from a `Stream` made here and passed in.
pub fn stream(seed: u64, task: u64) -> Stream {
    // Mix the two words so that neighbouring seeds and tasks give unrelated states.
    let mut z = splitmix(seed ^ 0x5851_f42d_4c95_7f2d).wrapping_add(splitmix(task ^ 0x1405_7b7e_f767_814f));
    let state = [0; 4].map(|_| {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        splitmix(z)
    });
    // An all-zero state would stay zero forever; splitmix never gives four zeros.
    Stream { state }
}

/// The stream for block `block` of task `task`: block 0's is the task's own
/// stream ([`stream`]), so an estimate in one block draws what it always drew.
///
/// An estimate cut into blocks ([`crate::split`]) draws each block's numbers
/// from its own stream, made from `(seed, task, block)` and never from who
/// computes it, so any worker can compute any block.
///
/// ```
/// use parlab::stream::{block_stream, stream};
/// assert_eq!(block_stream(7, 100, 0), stream(7, 100));
/// assert_ne!(block_stream(7, 100, 1).uniform(), stream(7, 100).uniform());
/// ```
pub fn block_stream(seed: u64, task: u64, block: u64) -> Stream {
    if block == 0 {
        return stream(seed, task);
    }
    // A third word mixed like the other two, so that blocks of neighbouring tasks are unrelated too.
    let mut z = splitmix(seed ^ 0x5851_f42d_4c95_7f2d)
        .wrapping_add(splitmix(task ^ 0x1405_7b7e_f767_814f))
        .wrapping_add(splitmix(block ^ 0x6a09_e667_f3bc_c909));
    let state = [0; 4].map(|_| {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        splitmix(z)
    });
    Stream { state }
}

impl Stream {
    /// A uniform number in [0, 1), from the top 53 bits of one 64-bit draw.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        to_unit(next(&mut self.state))
    }

    /// A standard exponential number, by the ziggurat method (exact in distribution).
    ///
    /// Marsaglia and Tsang's 256-layer ziggurat with rand_distr's tables: one
    /// 64-bit draw per number about 99% of the time. The rare slow path uses
    /// the pure-Rust `libm`, not the platform's, so the bits are the same on
    /// every machine.
    #[inline]
    pub fn exp1(&mut self) -> f64 {
        exp1(&mut self.state)
    }

    /// A raw 64-bit draw.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        next(&mut self.state)
    }

    /// A uniform index in 0..len, without modulo bias (Lemire's method):
    /// for resampling, as in a bootstrap.
    ///
    /// # Panics
    ///
    /// If `len` is 0: there is no index to return.
    #[inline]
    pub fn index(&mut self, len: usize) -> usize {
        assert!(len > 0, "Stream::index needs a non-empty range");
        let range = len as u64;
        let threshold = range.wrapping_neg() % range;
        loop {
            let product = u128::from(next(&mut self.state)) * u128::from(range);
            if (product as u64) >= threshold {
                return (product >> 64) as usize;
            }
        }
    }

    /// The running sums of exponential spacings for the spacings sampler,
    /// drawn four at a time from four lanes seeded by this stream's next draw.
    ///
    /// The spacings are exponential like [`Stream::exp1`]'s draws (each lane
    /// draws exactly as it does), and their sums are added in quads; see [`SpacingSums`].
    pub fn spacing_sums(&mut self) -> SpacingSums {
        SpacingSums::seeded(next(&mut self.state))
    }
}

/// A `Stream` is a rand generator too, so rand's distributions and
/// shuffles can draw from it (with rand's own value-stability rules).
impl rand_core::TryRng for Stream {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((next(&mut self.state) >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(next(&mut self.state))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = next(&mut self.state).to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use draw::layer_point;

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

    const PINNED_U64: [u64; 3] = [12307139181245490089, 9750174294108880645, 12002818215252993712];
    const PINNED_UNIFORM: u64 = 0x3fea7a6b0ef70bd3;
    const PINNED_EXP1: u64 = 0x3fef2d998a23ed07;

    #[test]
    fn the_generator_is_xoshiro256_plus_plus() {
        use rand_core::{Rng, SeedableRng};
        let ours = stream(3, 4);
        let bytes: Vec<u8> = ours.state.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut reference = rand_xoshiro::Xoshiro256PlusPlus::from_seed(bytes.try_into().unwrap());
        let mut ours = ours;
        for _ in 0..1000 {
            assert_eq!(ours.next_u64(), reference.next_u64());
        }
    }

    #[test]
    fn exponentials_match_rand_distr_on_the_fast_path() {
        use rand_core::SeedableRng;
        use rand_distr::{Distribution, Exp1};
        // Same tables and the same fast path: the draws agree until the first
        // slow-path draw, where we use a squeeze and a portable libm.
        let ours = stream(5, 6);
        let bytes: Vec<u8> = ours.state.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut reference = rand_xoshiro::Xoshiro256PlusPlus::from_seed(bytes.try_into().unwrap());
        let mut ours = ours;
        let agree = (0..20)
            .take_while(|_| {
                let theirs: f64 = Exp1.sample(&mut reference);
                ours.exp1().to_bits() == theirs.to_bits()
            })
            .count();
        assert!(agree >= 10, "only {agree} draws agree");
    }

    /// The ziggurat without the squeeze: every point in a wedge is decided by computing e^−x.
    fn exp1_without_squeeze(s: &mut [u64; 4]) -> f64 {
        let (mut i, mut x) = layer_point(next(s));
        loop {
            if x < ziggurat::X[i + 1] {
                return x;
            }
            if i == 0 {
                let u = to_unit(next(s));
                return ziggurat::R - libm::log(1.0 - u);
            }
            let (f0, f1) = (ziggurat::F[i], ziggurat::F[i + 1]);
            let f = f1 + (f0 - f1) * to_unit(next(s));
            if f < libm::exp(-x) {
                return x;
            }
            (i, x) = layer_point(next(s));
        }
    }

    #[test]
    fn the_squeeze_never_changes_a_draw() {
        // The tangent and chord bounds only skip computing e^−x: a million
        // draws, about ten thousand of them on the slow path, give the same
        // bits, and leave the generator in the same state, as the plain ziggurat.
        let mut ours = stream(13, 0);
        let mut plain = ours.state;
        let mut slow = 0;
        for _ in 0..1_000_000 {
            let (i, x) =
                layer_point(ours.state[0].wrapping_add(ours.state[3]).rotate_left(23).wrapping_add(ours.state[0]));
            slow += usize::from(x >= ziggurat::X[i + 1]);
            assert_eq!(ours.exp1().to_bits(), exp1_without_squeeze(&mut plain).to_bits());
        }
        assert_eq!(ours.state, plain);
        assert!(slow > 5_000, "only {slow} draws took the slow path");
    }

    #[test]
    fn fill_bytes_is_the_draws_in_little_endian() {
        use rand_core::Rng;
        let mut a = stream(2, 9);
        let mut b = a.clone();
        let mut bytes = [0u8; 20];
        a.fill_bytes(&mut bytes);
        let words: Vec<u8> = (0..3).flat_map(|_| b.next_u64().to_le_bytes()).collect();
        assert_eq!(bytes[..], words[..20], "two whole draws, then the first 4 bytes of a third");
        assert_eq!(a, b, "a partial chunk still uses up its draw");
        let (mut c, mut d) = (stream(2, 9), stream(2, 9));
        assert_eq!(c.next_u32(), (d.next_u64() >> 32) as u32, "a 32-bit draw is the top half of a 64-bit one");
    }

    #[test]
    fn the_exponential_distribution_is_right() {
        // Moments and the tail of many draws, including the slow paths.
        let mut s = stream(11, 0);
        let draws: Vec<f64> = (0..400_000).map(|_| s.exp1()).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / draws.len() as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        for t in [0.5, 1.0, 2.0, 4.0, 8.0] {
            let tail = draws.iter().filter(|&&x| x > t).count() as f64 / draws.len() as f64;
            let want = (-t).exp();
            assert!(
                (tail - want).abs() < 4.0 * (want / draws.len() as f64).sqrt() + 1e-5,
                "P(X > {t}) = {tail}, want {want}"
            );
        }
    }

    #[test]
    fn seeds_and_tasks_give_different_streams() {
        let first = |seed, task| stream(seed, task).next_u64();
        assert_ne!(first(0, 0), first(1, 0));
        assert_ne!(first(0, 0), first(0, 1));
        assert_ne!(first(1, 0), first(0, 1));
    }

    #[test]
    fn index_stays_in_range_and_pins_its_draws() {
        let mut s = stream(2, 2);
        for len in [1, 2, 3, 7, 10, 1000, usize::MAX] {
            for _ in 0..1000 {
                assert!(s.index(len) < len, "len {len}");
            }
        }
        // A range of one has one answer, and still takes a draw.
        let (mut a, b) = (stream(4, 4), stream(4, 4));
        assert_eq!(a.index(1), 0);
        assert_ne!(a, b);
        // Value stability: the bootstrap exercise resamples with these; the first
        // three follow from the pinned 64-bit draws: ⌊draw · 10 / 2^64⌋.
        let mut s = stream(7, 0);
        let got: Vec<usize> = (0..6).map(|_| s.index(10)).collect();
        assert_eq!(got, PINNED_INDEX);
    }

    const PINNED_INDEX: [usize; 6] = [6, 5, 6, 1, 2, 6];

    #[test]
    fn index_is_uniform() {
        // Chi-square over 10 cells, 100 000 draws: 9 degrees of freedom, so
        // above 27.9 happens once in a thousand for a uniform index.
        let mut s = stream(3, 3);
        let draws = 100_000;
        let mut counts = [0u32; 10];
        for _ in 0..draws {
            counts[s.index(10)] += 1;
        }
        let want = draws as f64 / 10.0;
        let chi2: f64 = counts.iter().map(|&c| (c as f64 - want).powi(2) / want).sum();
        assert!(chi2 < 27.9, "chi-square {chi2:.1} for counts {counts:?}");
    }

    #[test]
    fn index_has_no_modulo_bias() {
        // With len = 3·2^62, `next_u64() % len` would put half of all draws
        // below 2^62 (those values have two preimages); an unbiased index puts a third there.
        let len = 3usize << 62;
        let mut s = stream(5, 5);
        let draws = 60_000;
        let low = (0..draws).filter(|_| s.index(len) < 1 << 62).count() as f64 / draws as f64;
        assert!((low - 1.0 / 3.0).abs() < 0.01, "fraction below 2^62: {low:.4}, want 1/3 (modulo would give 1/2)");
        // The same shape for a small range: len = 3 over many draws.
        let mut s = stream(5, 6);
        let ones = (0..draws).filter(|_| s.index(3) == 1).count() as f64 / draws as f64;
        assert!((ones - 1.0 / 3.0).abs() < 0.01, "{ones}");
    }

    #[test]
    #[should_panic(expected = "Stream::index needs a non-empty range")]
    fn index_of_an_empty_range_panics() {
        stream(1, 1).index(0);
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
