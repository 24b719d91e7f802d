//! The scalar steps under every stream: SplitMix64 for seeding, one
//! xoshiro256++ step, and the exponential ziggurat, on a state held by value.

use super::ziggurat;

/// SplitMix64's output function (Steele, Lea and Flood 2014).
pub(super) fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One step of xoshiro256++ (Blackman and Vigna 2019) on a state held by value.
#[inline(always)]
pub(super) fn next(s: &mut [u64; 4]) -> u64 {
    let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    result
}

/// [0, 1) from the top 53 bits.
#[inline(always)]
pub(super) fn to_unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A ziggurat layer and a point in its rectangle, from one draw.
#[inline(always)]
pub(super) fn layer_point(bits: u64) -> (usize, f64) {
    let i = (bits & 0xff) as usize;
    // The top 52 bits as a float in [1, 2), shifted to (0, 1).
    let u = f64::from_bits((bits >> 12) | 0x3ff0_0000_0000_0000) - (1.0 - f64::EPSILON / 2.0);
    (i, u * ziggurat::X[i])
}

/// The fast path of the exponential ziggurat, with the rare rest out of line.
///
/// The state is passed by value to the slow path and back, so that in a hot
/// loop it stays in registers instead of going through memory.
#[inline(always)]
pub(super) fn exp1(state: &mut [u64; 4]) -> f64 {
    let (i, x) = layer_point(next(state));
    if x < ziggurat::X[i + 1] {
        x
    } else {
        let (s, x) = exp1_slow(*state, i, x);
        *state = s;
        x
    }
}

#[cold]
#[inline(never)]
pub(super) fn exp1_slow(mut s: [u64; 4], mut i: usize, mut x: f64) -> ([u64; 4], f64) {
    loop {
        if i == 0 {
            // The tail beyond R is R plus an exponential; 1 − u lies in (0, 1].
            let u = to_unit(next(&mut s));
            return (s, ziggurat::R - libm::log(1.0 - u));
        }
        // A point under the layer's wedge: accept it if it lies under e^−x.
        // e^−x is convex, so it lies above its tangent at x_i and below the
        // chord between the layer's ends: those two bounds settle most
        // points without computing e^−x (the squeeze).
        let (x0, x1, f0, f1) = (ziggurat::X[i], ziggurat::X[i + 1], ziggurat::F[i], ziggurat::F[i + 1]);
        let f = f1 + (f0 - f1) * to_unit(next(&mut s));
        let below_tangent = f < f0 * (1.0 + (x0 - x));
        let above_chord = f > f1 + (f0 - f1) * (x - x1) / (x0 - x1);
        if below_tangent || (!above_chord && f < libm::exp(-x)) {
            return (s, x);
        }
        (i, x) = layer_point(next(&mut s));
        if x < ziggurat::X[i + 1] {
            return (s, x);
        }
    }
}
