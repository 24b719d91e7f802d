//! Plain loops over f64, compiled a second time for AVX2 and chosen at run time.
//!
//! The library is built for the baseline x86-64 (two f64 per vector
//! instruction); these loops also run a copy compiled for AVX2 (four) when the
//! CPU has it. Both copies make the same IEEE operations in the same order,
//! and neither fuses a multiply and an add (Rust never does unless asked), so
//! they give the same bits: our own code here, because a crate that picks
//! kernels at run time does not promise that.

/// `out[i] = f(xs[i])` for each point of `xs`, with `f` inlined into the loop.
///
/// # Panics
///
/// If `out` is shorter than `xs`.
#[inline(always)]
pub(crate) fn map<F: Fn(f64) -> f64>(xs: &[f64], out: &mut [f64], f: F) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { map_avx2(xs, out, f) };
    }
    map_plain(xs, out, f)
}

/// `xs[i] = f(xs[i])` for each point, with `f` inlined into the loop.
#[inline(always)]
pub(crate) fn map_in_place<F: Fn(f64) -> f64>(xs: &mut [f64], f: F) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { map_in_place_avx2(xs, f) };
    }
    map_in_place_plain(xs, f)
}

#[inline(always)]
fn map_plain<F: Fn(f64) -> f64>(xs: &[f64], out: &mut [f64], f: F) {
    for (y, &x) in out[..xs.len()].iter_mut().zip(xs) {
        *y = f(x);
    }
}

#[inline(always)]
fn map_in_place_plain<F: Fn(f64) -> f64>(xs: &mut [f64], f: F) {
    for x in xs {
        *x = f(*x);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn map_avx2<F: Fn(f64) -> f64>(xs: &[f64], out: &mut [f64], f: F) {
    map_plain(xs, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn map_in_place_avx2<F: Fn(f64) -> f64>(xs: &mut [f64], f: F) {
    map_in_place_plain(xs, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_copies_give_the_same_bits() {
        // On an AVX2 machine `map` runs the AVX2 copy; `map_plain` never does.
        let mut s = crate::stream::stream(5, 6);
        let xs: Vec<f64> = (0..1001).map(|_| s.uniform() * 8.0 - 4.0).collect();
        let fs: [fn(f64) -> f64; 3] =
            [|x| 1.0 / (1.0 + x * x), |x| 0.3 + 1.7 * (0.1 + x), |x| (x * x - 2.0) / (x + 9.0)];
        for f in fs {
            let (mut fast, mut plain) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            map(&xs, &mut fast, f);
            map_plain(&xs, &mut plain, f);
            assert!(fast.iter().zip(&plain).all(|(a, b)| a.to_bits() == b.to_bits()));
            let mut in_place = xs.clone();
            map_in_place(&mut in_place, f);
            assert!(in_place.iter().zip(&plain).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}
