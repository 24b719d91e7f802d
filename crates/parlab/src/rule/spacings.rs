//! Sorted uniforms without sorting: normalised running sums of exponential spacings.

use super::area::Area;
use crate::integrand::Integrand;
use crate::stream::{SpacingSums, Stream};

/// Points the spacings sampler keeps in memory; above this it draws its
/// numbers twice instead (same bits, no memory).
pub(super) const BUFFERED: u64 = 1 << 20;
/// Points regenerated at a time when streaming; a multiple of 4.
pub(super) const CHUNK: usize = 4096;

thread_local! {
    /// The points of the last buffered estimate on this thread, kept for the
    /// next one: a sweep then allocates (and zeroes) once, not once per size.
    /// Taken out while in use, so an integrand that itself estimates gets its own.
    static BUFFER: std::cell::Cell<Vec<f64>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The lecture's and the partition's sum over sorted uniforms made from
/// exponential spacings: x_i = lo + (hi − lo)·(E_0 + … + E_{i−1}) / (E_0 + … + E_n).
pub(super) fn area<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64, stream: &mut Stream, ends: bool) -> f64 {
    let spacings = n + 1;
    let mut sums = stream.spacing_sums();
    let mut area = Area::new(lo, ends);
    if spacings <= BUFFERED {
        // The running sum rides along with the drawing; the map to points
        // below is then a plain loop.
        let mut buf = BUFFER.take();
        buf.resize(buf.len().max(spacings as usize), 0.0);
        let total = sums.fill(&mut buf[..spacings as usize]);
        let scale = (hi - lo) / total;
        let points = &mut buf[..n as usize];
        to_points(points, lo, scale, 0.0);
        area.feed(f, points);
        BUFFER.set(buf);
    } else {
        // Too many to keep: sum them once, then draw the same numbers again.
        let mut replay = sums.clone();
        let total = sums.skip(spacings);
        feed_running(f, &mut area, lo, (hi - lo) / total, 0.0, n, &mut replay);
    }
    area.finish(f, hi)
}

/// Feeds `area` the next `count` points, lo + scale·(offset + running sum),
/// the running sums from `sums` (from 0 when made), a chunk at a time.
///
/// `offset` is the sum of the spacings before these points; adding it to a
/// running sum started from 0 (not starting the running sum at it) keeps each
/// block's sums the same numbers whoever computes the blocks before it, and
/// with `offset` 0 the points are exactly lo + scale·(running sum).
pub(super) fn feed_running<F: Integrand + ?Sized>(
    f: &F,
    area: &mut Area,
    lo: f64,
    scale: f64,
    offset: f64,
    count: u64,
    sums: &mut SpacingSums,
) {
    let mut chunk = [0.0; CHUNK];
    let mut left = count;
    while left > 0 {
        let k = left.min(CHUNK as u64) as usize;
        sums.fill(&mut chunk[..k]);
        to_points(&mut chunk[..k], lo, scale, offset);
        area.feed(f, &chunk[..k]);
        left -= k as u64;
    }
}

/// Running sums to points in place: lo + scale·(offset + s), or lo + scale·s
/// when `offset` is 0 (the same bits: adding 0 changes no sum but −0).
#[inline]
fn to_points(sums: &mut [f64], lo: f64, scale: f64, offset: f64) {
    crate::simd::map_in_place(sums, |s| lo + scale * (offset + s))
}
