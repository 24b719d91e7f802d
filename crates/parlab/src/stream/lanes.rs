//! Running sums of exponential spacings, drawn four at a time.
//!
//! Four xoshiro256++ generators (the *lanes*) step together, and spacing j
//! comes from lane j mod 4, so one step of all four gives a quad of spacings.
//! Their running sum is taken a quad at a time: within the quad by a
//! two-step scan, then one addition of the carry for each of the four, so
//! the additions do not wait on one another as a one-by-one sum does.
//!
//! On a CPU with AVX2 the four lanes run in vector instructions; elsewhere,
//! portable code runs them one by one. Both make the same IEEE operations on
//! the same numbers (no fused multiply-add, which would round differently), so
//! they give the same bits; a test forces the portable code and compares.

use super::draw::{exp1, exp1_slow, splitmix};
use super::ziggurat;

/// The running sums of exponential spacings E_0, E_1, … from four lanes.
///
/// [`SpacingSums::fill`] hands out S_1 = E_0, S_2 = E_0 + E_1, … in order;
/// how the calls cut the sequence never changes a value.
///
/// ```
/// let mut whole = parlab::stream::stream(1, 2).spacing_sums();
/// let mut parts = whole.clone();
/// let mut a = [0.0; 10];
/// whole.fill(&mut a);
/// let (mut b, mut c) = ([0.0; 3], [0.0; 7]);
/// parts.fill(&mut b);
/// parts.fill(&mut c);
/// assert_eq!(a[..3], b);
/// assert_eq!(a[3..], c);
/// assert!(a.windows(2).all(|w| w[0] < w[1]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SpacingSums {
    /// `lanes[w][k]`: word w of lane k's state, so that each word is one vector.
    lanes: [[u64; 4]; 4],
    /// The running sums of the last quad drawn (its last is the running sum so far).
    quad: [f64; 4],
    /// How many of `quad` were handed out: 4 when none is waiting.
    used: usize,
}

impl SpacingSums {
    /// Four lanes seeded from one 64-bit draw, through SplitMix64.
    pub(super) fn seeded(seed: u64) -> SpacingSums {
        let mut z = seed;
        let mut words = [0u64; 16].map(|_| {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            splitmix(z)
        });
        // xoshiro's state must not be all zero; SplitMix64 is a bijection of a
        // counter, so four consecutive outputs are never all zero.
        let mut lanes = [[0u64; 4]; 4];
        for (k, state) in words.chunks_exact_mut(4).enumerate() {
            for (w, &word) in state.iter().enumerate() {
                lanes[w][k] = word;
            }
        }
        SpacingSums { lanes, quad: [0.0; 4], used: 4 }
    }

    /// Fills `out` with the next running sums, and returns the last one
    /// handed out (0 before any).
    pub fn fill(&mut self, out: &mut [f64]) -> f64 {
        let waiting = (4 - self.used).min(out.len());
        out[..waiting].copy_from_slice(&self.quad[self.used..self.used + waiting]);
        self.used += waiting;
        let rest = &mut out[waiting..];
        let whole = rest.len() - rest.len() % 4;
        if whole > 0 {
            let quads = &mut rest[..whole];
            fill_quads(&mut self.lanes, self.quad[3], quads);
            self.quad.copy_from_slice(&quads[whole - 4..]);
        }
        let tail = &mut rest[whole..];
        if !tail.is_empty() {
            let mut quad = [0.0; 4];
            fill_quads(&mut self.lanes, self.quad[3], &mut quad);
            tail.copy_from_slice(&quad[..tail.len()]);
            (self.quad, self.used) = (quad, tail.len());
        }
        self.last()
    }

    /// Skips `count` running sums and returns the last one: the sum of the
    /// next `count` spacings added to the sum so far, the same bits
    /// [`SpacingSums::fill`] would hand out last.
    pub fn skip(&mut self, count: u64) -> f64 {
        let mut buf = [0.0; 1024];
        let mut left = count;
        while left > 0 {
            let k = left.min(buf.len() as u64) as usize;
            self.fill(&mut buf[..k]);
            left -= k as u64;
        }
        self.last()
    }

    /// The running sum handed out last (0 before any: `quad` starts as zeros, all "handed out").
    fn last(&self) -> f64 {
        self.quad[self.used - 1]
    }

    /// [`SpacingSums::fill`] on the portable code only: the same bits, for the tests.
    #[doc(hidden)]
    pub fn fill_portable(&mut self, out: &mut [f64]) -> f64 {
        assert!(self.used == 4 && out.len().is_multiple_of(4), "whole quads only");
        quads_portable(&mut self.lanes, self.quad[3], out);
        if let Some(quad) = out.last_chunk::<4>() {
            self.quad = *quad;
        }
        self.last()
    }
}

/// Fills `out` (whole quads) with running sums from `carry` on, with the
/// fastest code this CPU runs; returns the last.
fn fill_quads(lanes: &mut [[u64; 4]; 4], carry: f64, out: &mut [f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { quads_avx2(lanes, carry, out) };
    }
    quads_portable(lanes, carry, out)
}

/// The portable code: each lane is [`Stream::exp1`](super::Stream::exp1)'s
/// generator, and the scan is written out as the vector code does it.
fn quads_portable(lanes: &mut [[u64; 4]; 4], mut carry: f64, out: &mut [f64]) -> f64 {
    let mut states = [0, 1, 2, 3].map(|k| [0, 1, 2, 3].map(|w| lanes[w][k]));
    for q in out.chunks_exact_mut(4) {
        let e = [0, 1, 2, 3].map(|k| exp1(&mut states[k]));
        // Two-step scan: t = [e0, e0+e1, (e1+e2)+e0, (e2+e3)+(e0+e1)].
        let t1 = [e[0], e[1] + e[0], e[2] + e[1], e[3] + e[2]];
        let t = [t1[0], t1[1], t1[2] + t1[0], t1[3] + t1[1]];
        for k in 0..4 {
            q[k] = carry + t[k];
        }
        carry = q[3];
    }
    for (k, state) in states.iter().enumerate() {
        for (w, &word) in state.iter().enumerate() {
            lanes[w][k] = word;
        }
    }
    carry
}

/// The vector code: the same operations as [`quads_portable`], four lanes
/// per instruction (xoshiro256++'s step, the ziggurat's fast path, the
/// scan), the table lookups as plain loads, and the rare slow path lane by lane.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn quads_avx2(lanes: &mut [[u64; 4]; 4], carry: f64, out: &mut [f64]) -> f64 {
    use std::arch::x86_64::*;

    macro_rules! rotl {
        ($x:expr, $k:literal) => {
            _mm256_or_si256(_mm256_slli_epi64::<$k>($x), _mm256_srli_epi64::<{ 64 - $k }>($x))
        };
    }
    // SAFETY (every unsafe block below): loads and stores are unaligned ones
    // inside `lanes`, `out`'s quad or a local array.
    let load = |words: &[u64; 4]| unsafe { _mm256_loadu_si256(words.as_ptr().cast()) };
    let (mut s0, mut s1, mut s2, mut s3) = (load(&lanes[0]), load(&lanes[1]), load(&lanes[2]), load(&lanes[3]));
    let low8 = _mm256_set1_epi64x(0xff);
    let exponent = _mm256_set1_epi64x(0x3ff0_0000_0000_0000);
    let below_one = _mm256_set1_pd(1.0 - f64::EPSILON / 2.0);
    let zero = _mm256_setzero_pd();
    let mut c = _mm256_set1_pd(carry);
    for q in out.chunks_exact_mut(4) {
        // xoshiro256++, as `next`.
        let bits = _mm256_add_epi64(rotl!(_mm256_add_epi64(s0, s3), 23), s0);
        let t = _mm256_slli_epi64::<17>(s1);
        s2 = _mm256_xor_si256(s2, s0);
        s3 = _mm256_xor_si256(s3, s1);
        s1 = _mm256_xor_si256(s1, s2);
        s0 = _mm256_xor_si256(s0, s3);
        s2 = _mm256_xor_si256(s2, t);
        s3 = rotl!(s3, 45);
        // The ziggurat's fast path, as `layer_point` and `exp1`.
        let layer = _mm256_and_si256(bits, low8);
        let unit = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64::<12>(bits), exponent));
        let u = _mm256_sub_pd(unit, below_one);
        // The table lookups as plain loads: on the AMD EPYC this was measured on,
        // they beat two gather instructions by about a fifth of the draw.
        let mut at = [0u64; 4];
        unsafe { _mm256_storeu_si256(at.as_mut_ptr().cast(), layer) };
        let x = &ziggurat::X;
        let [a, b, c2, d] = at.map(|i| i as usize & 0xff);
        let edge = _mm256_set_pd(x[d], x[c2], x[b], x[a]);
        let next_edge = _mm256_set_pd(x[d + 1], x[c2 + 1], x[b + 1], x[a + 1]);
        let mut e = _mm256_mul_pd(u, edge);
        let outside = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_NLT_UQ>(e, next_edge));
        if outside != 0 {
            let mut words = [[0u64; 4]; 4];
            let mut x = [0.0; 4];
            let layers = [a, b, c2, d];
            unsafe {
                for (w, v) in [s0, s1, s2, s3].into_iter().enumerate() {
                    _mm256_storeu_si256(words[w].as_mut_ptr().cast(), v);
                }
                _mm256_storeu_pd(x.as_mut_ptr(), e);
            }
            for k in (0..4).filter(|k| outside & (1 << k) != 0) {
                let state = [0, 1, 2, 3].map(|w| words[w][k]);
                let (state, value) = exp1_slow(state, layers[k], x[k]);
                for (w, word) in state.into_iter().enumerate() {
                    words[w][k] = word;
                }
                x[k] = value;
            }
            (s0, s1, s2, s3) = (load(&words[0]), load(&words[1]), load(&words[2]), load(&words[3]));
            e = unsafe { _mm256_loadu_pd(x.as_ptr()) };
        }
        // The scan: t1 = e + [0, e0, e1, e2]; t = t1 + [0, 0, t1_0, t1_1].
        let t1 = _mm256_add_pd(e, _mm256_blend_pd::<0b0001>(_mm256_permute4x64_pd::<0b10_01_00_00>(e), zero));
        let t = _mm256_add_pd(t1, _mm256_blend_pd::<0b0011>(_mm256_permute4x64_pd::<0b01_00_00_00>(t1), zero));
        let sums = _mm256_add_pd(c, t);
        unsafe { _mm256_storeu_pd(q.as_mut_ptr(), sums) };
        c = _mm256_permute4x64_pd::<0b11_11_11_11>(sums);
    }
    let store = |words: &mut [u64; 4], v: __m256i| unsafe { _mm256_storeu_si256(words.as_mut_ptr().cast(), v) };
    store(&mut lanes[0], s0);
    store(&mut lanes[1], s1);
    store(&mut lanes[2], s2);
    store(&mut lanes[3], s3);
    _mm256_cvtsd_f64(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::draw::{layer_point, next, to_unit};
    use crate::stream::stream;

    /// Lane k's state, as the one-at-a-time generator holds it.
    fn lane(sums: &SpacingSums, k: usize) -> [u64; 4] {
        [0, 1, 2, 3].map(|w| sums.lanes[w][k])
    }

    #[test]
    fn each_lane_is_the_one_at_a_time_ziggurat() {
        // Spacing j is lane (j mod 4)'s (j div 4)-th exponential, drawn as Stream::exp1 draws it.
        let mut sums = stream(4, 5).spacing_sums();
        let mut states = [0, 1, 2, 3].map(|k| lane(&sums, k));
        let mut out = vec![0.0; 40_000];
        sums.fill(&mut out);
        let mut sum = 0.0;
        let mut previous = 0.0;
        for (j, &s) in out.iter().enumerate() {
            let e = exp1(&mut states[j % 4]);
            let spacing = s - previous;
            assert!((spacing - e).abs() <= 1e-9 * (1.0 + s), "spacing {j}: {spacing} vs {e}");
            sum += e;
            previous = s;
        }
        assert!((sum - previous).abs() < 1e-9 * sum);
        for (k, state) in states.iter().enumerate() {
            assert_eq!(lane(&sums, k), *state, "lane {k} drew another number of times");
        }
    }

    #[test]
    fn the_scan_is_pinned() {
        // The order of the additions is part of the values: pin it on one quad.
        let mut sums = stream(4, 5).spacing_sums();
        let mut states = [0, 1, 2, 3].map(|k| lane(&sums, k));
        let e = [0, 1, 2, 3].map(|k| exp1(&mut states[k]));
        let mut out = [0.0; 8];
        sums.fill(&mut out);
        let t = [e[0], e[0] + e[1], (e[1] + e[2]) + e[0], (e[2] + e[3]) + (e[0] + e[1])];
        assert_eq!(out[..4], t);
        let f = [0, 1, 2, 3].map(|k| exp1(&mut states[k]));
        assert_eq!(out[4].to_bits(), (t[3] + f[0]).to_bits());
        assert_eq!(out[7].to_bits(), (t[3] + ((f[2] + f[3]) + (f[0] + f[1]))).to_bits());
    }

    #[test]
    fn the_portable_code_gives_the_same_bits() {
        // On an AVX2 machine `fill` runs the vector code; `fill_portable` never does.
        let simd = std::arch::is_x86_feature_detected!("avx2");
        eprintln!("vector code on this machine: {simd}");
        for seed in 0..20 {
            let mut fast = stream(seed, 1000 + seed).spacing_sums();
            let mut portable = fast.clone();
            let (mut a, mut b) = (vec![0.0; 100_000], vec![0.0; 100_000]);
            fast.fill(&mut a);
            portable.fill_portable(&mut b);
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()), "seed {seed}");
            assert_eq!(fast, portable);
        }
    }

    /// What one exponential draw meets in the ziggurat: the wedge, the tail,
    /// a point the squeeze cannot settle, a rejected point (a second round).
    fn cases(state: &mut [u64; 4], seen: &mut [usize; 4]) {
        let (mut i, mut x) = layer_point(next(state));
        while x >= ziggurat::X[i + 1] {
            if i == 0 {
                seen[1] += 1;
                next(state);
                return;
            }
            seen[0] += 1;
            let (x0, x1, f0, f1) = (ziggurat::X[i], ziggurat::X[i + 1], ziggurat::F[i], ziggurat::F[i + 1]);
            let f = f1 + (f0 - f1) * to_unit(next(state));
            let below_tangent = f < f0 * (1.0 + (x0 - x));
            let above_chord = f > f1 + (f0 - f1) * (x - x1) / (x0 - x1);
            seen[2] += usize::from(!below_tangent && !above_chord);
            if below_tangent || (!above_chord && f < libm::exp(-x)) {
                return;
            }
            seen[3] += 1;
            (i, x) = layer_point(next(state));
        }
    }

    #[test]
    fn the_vector_code_meets_every_case_of_the_slow_path() {
        // The same bits as the portable code, over draws that meet each case
        // of the slow path many times, in every lane.
        let mut fast = stream(21, 22).spacing_sums();
        let mut portable = fast.clone();
        let mut seen = [[0usize; 4]; 4];
        let mut states = [0, 1, 2, 3].map(|k| lane(&fast, k));
        let draws = 2_000_000;
        for j in 0..draws {
            cases(&mut states[j % 4], &mut seen[j % 4]);
        }
        let (mut a, mut b) = (vec![0.0; draws], vec![0.0; draws]);
        fast.fill(&mut a);
        portable.fill_portable(&mut b);
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert_eq!(fast, portable);
        for (k, seen) in seen.iter().enumerate() {
            assert_eq!(lane(&fast, k), states[k], "lane {k}: the cases replayed another number of draws");
            let [wedge, tail, unsure, rejected] = *seen;
            assert!(wedge > 5_000 && tail > 50 && unsure > 50 && rejected > 2_000, "lane {k}: {seen:?}");
        }
    }

    #[test]
    fn cutting_the_calls_never_changes_a_value() {
        let mut whole = stream(9, 9).spacing_sums();
        let mut out = vec![0.0; 5000];
        let last = whole.fill(&mut out);
        assert_eq!(last, out[4999]);
        for cut in [1, 2, 3, 5, 7, 64, 1023, 4096] {
            let mut parts = stream(9, 9).spacing_sums();
            let mut got = Vec::new();
            let mut left = 5000;
            while left > 0 {
                let mut chunk = vec![0.0; cut.min(left)];
                let last = parts.fill(&mut chunk);
                assert_eq!(last, *chunk.last().unwrap());
                got.extend(chunk);
                left -= cut.min(left);
            }
            assert_eq!(got, out, "calls of {cut}");
            assert_eq!(parts, whole, "calls of {cut}");
        }
        for count in [0, 1, 3, 4, 1000, 4999, 5000] {
            let mut skipped = stream(9, 9).spacing_sums();
            let got = skipped.skip(count);
            let want = if count == 0 { 0.0 } else { out[count as usize - 1] };
            assert_eq!(got.to_bits(), want.to_bits(), "skip {count}");
        }
    }

    #[test]
    fn spacings_are_exponential_and_lanes_independent() {
        // The distribution as for Stream::exp1, on the spacings; and no
        // correlation between neighbours, which come from different lanes.
        let mut sums = stream(11, 0).spacing_sums();
        let mut out = vec![0.0; 400_001];
        sums.fill(&mut out);
        let e: Vec<f64> = out.windows(2).map(|w| w[1] - w[0]).collect();
        let n = e.len() as f64;
        let mean = e.iter().sum::<f64>() / n;
        let var = e.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        for t in [0.5, 1.0, 2.0, 4.0, 8.0] {
            let tail = e.iter().filter(|&&x| x > t).count() as f64 / n;
            let want = (-t).exp();
            assert!((tail - want).abs() < 4.0 * (want / n).sqrt() + 1e-5, "P(E > {t}) = {tail}, want {want}");
        }
        for lag in 1..=4 {
            let c = e.windows(lag + 1).map(|w| (w[0] - 1.0) * (w[lag] - 1.0)).sum::<f64>() / n;
            assert!(c.abs() < 0.01, "correlation at lag {lag}: {c}");
        }
    }
}
