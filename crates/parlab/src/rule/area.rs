//! The partition sum over sorted points: the lecture's and the partition rule's kernel.

use super::block::BLOCK;
use crate::integrand::Integrand;

/// The running sum Σ (x_i − x_{i−1}) f(x_i) over sorted points fed in order.
///
/// Term i goes to lane i mod 4, and the lanes are added in a fixed order at
/// the end, so the bits do not depend on how the points were chunked; four
/// independent sums also let the additions overlap instead of waiting on one
/// another. With `ends`, the sum starts at x_0 = lo and ends with the panel
/// [x_n, hi] (the partition rule); without, it skips both (the lecture's).
pub(super) struct Area {
    lanes: [f64; 4],
    prev: f64,
    /// Index (from 1) of the next point fed.
    next: u64,
    /// The first point whose term counts: 1 with both ends, 2 for the lecture.
    first: u64,
    ends: bool,
}

impl Area {
    pub(super) fn new(lo: f64, ends: bool) -> Area {
        Area { lanes: [0.0; 4], prev: lo, next: 1, first: if ends { 1 } else { 2 }, ends }
    }

    /// The sum over one block of the points: from the point of index `next`
    /// (from 1) on, after the point `prev`; the rule's end panel [x_n, hi]
    /// only in the `last` block. With prev = lo, next = 1 and `last`, it is [`Area::new`].
    pub(super) fn resume(prev: f64, next: u64, ends: bool, last: bool) -> Area {
        Area { lanes: [0.0; 4], prev, next, first: if ends { 1 } else { 2 }, ends: ends && last }
    }

    /// The whole sum over `points`, sorted, on [lo, hi].
    pub(super) fn over<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, points: &[f64], ends: bool) -> f64 {
        let mut area = Area::new(lo, ends);
        area.feed(f, points);
        area.finish(f, hi)
    }

    /// Feeds the next sorted points, evaluated a block at a time.
    #[inline]
    pub(super) fn feed<F: Integrand + ?Sized>(&mut self, f: &F, mut xs: &[f64]) {
        // The lecture's skipped first point: its term does not count, so f is not evaluated there.
        while self.next < self.first
            && let Some((&x, rest)) = xs.split_first()
        {
            self.prev = x;
            self.next += 1;
            xs = rest;
        }
        let mut ys = [0.0; BLOCK];
        for chunk in xs.chunks(BLOCK) {
            let ys = &mut ys[..chunk.len()];
            f.eval_block(chunk, ys);
            self.add(chunk, ys);
        }
    }

    /// Adds the terms of points `xs` with values `ys`.
    #[inline]
    fn add(&mut self, xs: &[f64], ys: &[f64]) {
        let mut k = 0;
        // Scalar until the next index is a multiple of 4.
        while k < xs.len() && !(self.next + k as u64).is_multiple_of(4) {
            self.scalar(xs[k], ys[k], self.next + k as u64);
            k += 1;
        }
        let whole = (xs.len() - k) / 4 * 4;
        let (body, values) = (&xs[k..k + whole], &ys[k..k + whole]);
        if let Some(&last) = body.last() {
            add_quads(&mut self.lanes, self.prev, body, values);
            self.prev = last;
        }
        self.next += (k + whole) as u64;
        for (&x, &y) in xs[k + whole..].iter().zip(&ys[k + whole..]) {
            self.scalar(x, y, self.next);
            self.next += 1;
        }
    }

    #[inline]
    fn scalar(&mut self, x: f64, y: f64, index: u64) {
        self.lanes[(index % 4) as usize] += (x - self.prev) * y;
        self.prev = x;
    }

    pub(super) fn finish<F: Integrand + ?Sized>(self, f: &F, hi: f64) -> f64 {
        let [l0, l1, l2, l3] = self.lanes;
        let sum = (l0 + l1) + (l2 + l3);
        if self.ends { sum + (hi - self.prev) * f.eval(hi) } else { sum }
    }
}

/// Adds the terms of whole quads of points `xs` (values `ys`) to the four
/// lanes, point 4j + k to lane k, after the point `prev`; with the fastest
/// code this CPU runs.
#[inline]
fn add_quads(lanes: &mut [f64; 4], prev: f64, xs: &[f64], ys: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { add_quads_avx2(lanes, prev, xs, ys) };
    }
    add_quads_portable(lanes, prev, xs, ys)
}

/// The portable code: lane k += (x_k − x_{k−1})·y_k, a quad at a time.
fn add_quads_portable(lanes: &mut [f64; 4], mut prev: f64, xs: &[f64], ys: &[f64]) {
    for (q, v) in xs.chunks_exact(4).zip(ys.chunks_exact(4)) {
        lanes[0] += (q[0] - prev) * v[0];
        lanes[1] += (q[1] - q[0]) * v[1];
        lanes[2] += (q[2] - q[1]) * v[2];
        lanes[3] += (q[3] - q[2]) * v[3];
        prev = q[3];
    }
}

/// The vector code: the same subtraction, product and sum in each lane (no
/// fused multiply–add), four lanes per instruction; the points before a
/// quad are one unaligned load, one place back.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_quads_avx2(lanes: &mut [f64; 4], prev: f64, xs: &[f64], ys: &[f64]) {
    use std::arch::x86_64::*;
    assert!(xs.len().is_multiple_of(4) && ys.len() >= xs.len() && !xs.is_empty());
    // SAFETY (every unsafe block): loads of four f64 from index i − 1 ≥ 0 or
    // i, with i + 4 ≤ xs.len() ≤ ys.len(), and the store into `lanes`.
    let mut sum = unsafe { _mm256_loadu_pd(lanes.as_ptr()) };
    let before = _mm256_set_pd(xs[2], xs[1], xs[0], prev);
    let (q, v) = unsafe { (_mm256_loadu_pd(xs.as_ptr()), _mm256_loadu_pd(ys.as_ptr())) };
    sum = _mm256_add_pd(sum, _mm256_mul_pd(_mm256_sub_pd(q, before), v));
    for i in (4..xs.len()).step_by(4) {
        let (q, before, v) = unsafe {
            (
                _mm256_loadu_pd(xs.as_ptr().add(i)),
                _mm256_loadu_pd(xs.as_ptr().add(i - 1)),
                _mm256_loadu_pd(ys.as_ptr().add(i)),
            )
        };
        sum = _mm256_add_pd(sum, _mm256_mul_pd(_mm256_sub_pd(q, before), v));
    }
    unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), sum) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portable_code_gives_the_same_bits() {
        // On an AVX2 machine `add_quads` runs the vector code; `add_quads_portable` never does.
        let mut s = crate::stream::stream(3, 4);
        for len in [4, 8, 12, 256, 1000] {
            let mut xs: Vec<f64> = (0..len).map(|_| s.uniform()).collect();
            xs.sort_by(f64::total_cmp);
            let ys: Vec<f64> = (0..len).map(|_| s.uniform() * 10.0 - 5.0).collect();
            let start = [0.25, -1.0, 3.5, 1e-3];
            let (mut fast, mut portable) = (start, start);
            add_quads(&mut fast, 0.0, &xs, &ys);
            add_quads_portable(&mut portable, 0.0, &xs, &ys);
            assert_eq!(fast.map(f64::to_bits), portable.map(f64::to_bits), "{len} points");
        }
    }
}
