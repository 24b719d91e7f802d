//! Sorted uniforms without sorting: normalised running sums of exponential spacings.

use super::area::Area;
use crate::integrand::Integrand;
use crate::stream::Stream;

/// Points the spacings sampler keeps in memory; above this it draws its
/// numbers twice instead (same bits, no memory).
pub(super) const BUFFERED: u64 = 1 << 20;
/// Points regenerated at a time when streaming; a multiple of 4.
const CHUNK: usize = 4096;

/// The lecture's and the partition's sum over sorted uniforms made from
/// exponential spacings: x_i = lo + (hi − lo)·(E_0 + … + E_{i−1}) / (E_0 + … + E_n).
pub(super) fn area<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64, stream: &mut Stream, ends: bool) -> f64 {
    let spacings = n + 1;
    let replay = stream.clone();
    let mut area = Area::new(lo, ends);
    if spacings <= BUFFERED {
        // The running sum rides along with the drawing, where the generator's
        // work hides its latency; the map to points below is then a plain loop.
        let mut buf = vec![0.0; spacings as usize];
        let total = stream.exp1_running_sums(0.0, &mut buf);
        let scale = (hi - lo) / total;
        let points = &mut buf[..n as usize];
        for c in points.iter_mut() {
            *c = lo + scale * *c;
        }
        area.feed(f, points);
    } else {
        // Too many to keep: sum them once, then draw the same numbers again.
        let total = stream.exp1_sum(spacings);
        let scale = (hi - lo) / total;
        let mut replay = replay;
        let mut cum = 0.0;
        let mut chunk = [0.0; CHUNK];
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK as u64) as usize;
            cum = replay.exp1_running_sums(cum, &mut chunk[..k]);
            for x in &mut chunk[..k] {
                *x = lo + scale * *x;
            }
            area.feed(f, &chunk[..k]);
            left -= k as u64;
        }
    }
    area.finish(f, hi)
}
