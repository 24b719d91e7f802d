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
        let (body, values) = (&xs[k..], &ys[k..]);
        let mut lanes = self.lanes;
        let mut prev = self.prev;
        let mut quads = body.chunks_exact(4);
        let mut quad_values = values.chunks_exact(4);
        for (q, v) in (&mut quads).zip(&mut quad_values) {
            lanes[0] += (q[0] - prev) * v[0];
            lanes[1] += (q[1] - q[0]) * v[1];
            lanes[2] += (q[2] - q[1]) * v[2];
            lanes[3] += (q[3] - q[2]) * v[3];
            prev = q[3];
        }
        self.lanes = lanes;
        self.prev = prev;
        let done = k + body.len() - quads.remainder().len();
        self.next += done as u64;
        for (&x, &y) in quads.remainder().iter().zip(quad_values.remainder()) {
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
