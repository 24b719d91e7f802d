//! Sorted uniforms by drawing n uniforms and sorting them: the lecture's way, and a faster sort.
//!
//! Both sort the same draws, so they give the same bits.

use crate::stream::Stream;

/// n uniform points on [lo, hi], put in order by a comparison sort: O(n log n).
pub(super) fn by_comparison(lo: f64, hi: f64, n: u64, stream: &mut Stream) -> Vec<f64> {
    let mut xs = uniforms(lo, hi, n, stream);
    xs.sort_unstable_by(f64::total_cmp);
    xs
}

/// n uniform points on [lo, hi], put in order by a bucket sort: O(n) expected.
pub(super) fn by_buckets(lo: f64, hi: f64, n: u64, stream: &mut Stream) -> Vec<f64> {
    let xs = uniforms(lo, hi, n, stream);
    bucket_sort(&xs, lo, hi - lo)
}

fn uniforms(lo: f64, hi: f64, n: u64, stream: &mut Stream) -> Vec<f64> {
    let width = hi - lo;
    (0..n).map(|_| lo + width * stream.uniform()).collect()
}

/// Sorts points of [lo, lo + width] with one bucket per point.
pub(super) fn bucket_sort(xs: &[f64], lo: f64, width: f64) -> Vec<f64> {
    let n = xs.len();
    if n < 2 {
        return xs.to_vec();
    }
    let per = n as f64 / width;
    let bucket = |x: f64| (((x - lo) * per) as usize).min(n - 1);
    let mut starts = vec![0u32; n + 1];
    for &x in xs {
        starts[bucket(x) + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut out = vec![0.0; n];
    for &x in xs {
        let b = bucket(x);
        out[fill[b] as usize] = x;
        fill[b] += 1;
    }
    for b in 0..n {
        let slot = &mut out[starts[b] as usize..starts[b + 1] as usize];
        if slot.len() > 1 {
            slot.sort_unstable_by(f64::total_cmp);
        }
    }
    out
}
