//! Points evaluated a block at a time: one call of [`Integrand::eval_block`] per block.
//!
//! The rules take `&dyn Integrand`, so they are compiled once, in parlab. A
//! call through `dyn` cannot be inlined; made once per point it would cost
//! about a fifth of the lecture's kernel. Made once per block of [`BLOCK`]
//! points, with the integrand's own loop compiled where its type is known, it
//! costs nothing measurable, for any integrand.

use std::ops::Range;

use crate::integrand::Integrand;

/// Points evaluated with one call: the buffers live on the stack (2 × 2 KiB).
pub(super) const BLOCK: usize = 256;

/// Evaluates `f` at `point(i)` for each i of `range`, in order, a block at a
/// time, and hands each (i, f(point(i))) to `take`, in order.
#[inline]
pub(super) fn for_each_value<F: Integrand + ?Sized>(
    f: &F,
    range: Range<u64>,
    mut point: impl FnMut(u64) -> f64,
    mut take: impl FnMut(u64, f64),
) {
    let (mut xs, mut ys) = ([0.0; BLOCK], [0.0; BLOCK]);
    let mut start = range.start;
    while start < range.end {
        let k = (range.end - start).min(BLOCK as u64) as usize;
        for (j, x) in xs[..k].iter_mut().enumerate() {
            *x = point(start + j as u64);
        }
        f.eval_block(&xs[..k], &mut ys[..k]);
        for (j, &y) in ys[..k].iter().enumerate() {
            take(start + j as u64, y);
        }
        start += k as u64;
    }
}
