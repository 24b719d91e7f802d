//! A reference value for an integral with no closed form: adaptive Gauss–Kronrod quadrature.
//!
//! The rules of [`rule`](crate::rule) are measured by their error against an
//! exact value. When the integrand has no closed-form integral (√(1+x³),
//! xˣ, a student's own function), [`reference()`] gives one to about 10⁻¹²,
//! with its own error estimate, so the rules can still be measured.
//!
//! # Formula
//!
//! ```text
//! K(a, b) = h · Σ_{i=1}^{15} w_i · f(c + h·x_i)    the 15-point Kronrod rule, c = (a+b)/2, h = (b−a)/2
//! G(a, b) = h · Σ_{j=1}^{7}  v_j · f(c + h·x_2j)   the 7-point Gauss rule on every other Kronrod node
//! E(a, b) = R · min(1, (200·|K − G| / R)^1.5)       QUADPACK's estimate of K's error,
//!           R = h · Σ w_i · |f(c + h·x_i) − K/(b−a)|  the spread of f about its mean on [a, b]
//! ```
//!
//! K is exact for polynomials of degree 22, G for degree 13, so |K − G| is
//! G's error, and K's is far smaller: QUADPACK's `qk15` scales it as above,
//! and never lets it fall below 50 ε·h·Σ w_i |f|, the round-off of the sum.
//! The adaptive loop (QUADPACK's `qag`) bisects the piece with the largest
//! E until the sum of the E is below [`REFERENCE_TOLERANCE`] relative to
//! the integral (or [`FLOOR`] absolute, for an integral near 0), or until it
//! has [`MAX_PIECES`] pieces; then the sum of the E is the error it reports,
//! met or not.
//!
//! Written out here rather than taken from a crate: it is some 60 lines, and
//! the library stays on rand and rayon so the first notebooks load fast.

use std::collections::BinaryHeap;

use crate::error::{Error, Result};
use crate::integrand::Integrand;

/// The relative error the loop aims for.
pub const REFERENCE_TOLERANCE: f64 = 1e-12;
/// The absolute error that is enough for an integral near 0.
pub const FLOOR: f64 = 1e-14;
/// How many pieces the interval may be cut into before the loop gives up
/// and reports the error it has.
pub const MAX_PIECES: usize = 10_000;

/// Kronrod nodes on [0, 1] (the rule is symmetric), the last one the centre.
#[allow(clippy::excessive_precision)] // QUADPACK's digits as published, so they can be checked against its source
const NODES: [f64; 8] = [
    0.991_455_371_120_812_639_206_854_697_526_329,
    0.949_107_912_342_758_524_526_189_684_047_851,
    0.864_864_423_359_769_072_789_712_788_640_926,
    0.741_531_185_599_394_439_863_864_773_280_788,
    0.586_087_235_467_691_130_294_144_845_693_013,
    0.405_845_151_377_397_166_906_606_412_076_961,
    0.207_784_955_007_898_467_600_689_403_773_245,
    0.0,
];
/// Kronrod weights, for the nodes above.
#[allow(clippy::excessive_precision)] // QUADPACK's digits as published, so they can be checked against its source
const KRONROD: [f64; 8] = [
    0.022_935_322_010_529_224_963_732_008_058_970,
    0.063_092_092_629_978_553_290_700_663_189_204,
    0.104_790_010_322_250_183_839_876_322_541_518,
    0.140_653_259_715_525_918_745_189_590_510_238,
    0.169_004_726_639_267_902_826_583_426_598_550,
    0.190_350_578_064_785_409_913_256_402_421_014,
    0.204_432_940_075_298_892_414_161_999_234_649,
    0.209_482_141_084_727_828_012_999_174_891_714,
];
/// Gauss weights, for the nodes 1, 3, 5 and 7 above (the last one the centre).
#[allow(clippy::excessive_precision)] // QUADPACK's digits as published, so they can be checked against its source
const GAUSS: [f64; 4] = [
    0.129_484_966_168_869_693_270_611_432_679_082,
    0.279_705_391_489_276_667_901_467_771_423_780,
    0.381_830_050_505_118_944_950_369_775_488_975,
    0.417_959_183_673_469_387_755_102_040_816_327,
];

/// An integral computed to about 10⁻¹², with its error estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reference {
    /// The integral.
    pub value: f64,
    /// The estimated error of `value`, as an absolute bound (the sum of the pieces' estimates).
    pub error: f64,
    /// How many pieces the interval was cut into.
    pub pieces: usize,
}

/// One piece of the interval, with its Kronrod value and error estimate.
#[derive(Clone, Copy, Debug)]
struct Piece {
    a: f64,
    b: f64,
    value: f64,
    error: f64,
}

/// The integral of `f` over [a, b], to about 10⁻¹² relative, with its own error estimate.
///
/// Adaptive Gauss–Kronrod (7–15) quadrature, as QUADPACK's `qag`: see the
/// module's formula. `b < a` gives minus the integral over [b, a].
///
/// # Errors
///
/// [`Error::NonFiniteInterval`] or [`Error::EmptyInterval`] for a bad
/// interval, and [`Error::NonFinite`] (with the point) when `f` returns NaN
/// or ±∞ at a point the rule evaluates.
///
/// # Scope
///
/// `f` is borrowed (shared) for the call and evaluated on this thread only.
///
/// # Examples
///
/// ```
/// // √(1+x³) has no elementary antiderivative; its integral over [0, 1] is 1.1114479705325…
/// let r = parlab::reference(&|x: f64| (1.0 + x.powi(3)).sqrt(), 0.0, 1.0).unwrap();
/// assert!((r.value - 1.111_447_970_532_5).abs() < 1e-12 && r.error < 1e-12);
/// let pi_4 = parlab::reference(&|x: f64| 1.0 / (1.0 + x * x), 0.0, 1.0).unwrap();
/// assert!((pi_4.value - std::f64::consts::FRAC_PI_4).abs() < 1e-14);
/// ```
pub fn reference(f: &dyn Integrand, a: f64, b: f64) -> Result<Reference> {
    if !a.is_finite() || !b.is_finite() {
        return Err(Error::NonFiniteInterval { a, b });
    }
    if a == b {
        return Err(Error::EmptyInterval { a, b });
    }
    // The pieces, the one with the largest error estimate on top.
    let mut pieces = BinaryHeap::from([kronrod(f, a, b)?]);
    loop {
        // Summed afresh each time (not kept as running totals, which would gather round-off).
        let value: f64 = pieces.iter().map(|p| p.value).sum();
        let error: f64 = pieces.iter().map(|p| p.error).sum();
        if error <= (REFERENCE_TOLERANCE * value.abs()).max(FLOOR) || pieces.len() >= MAX_PIECES {
            return Ok(Reference { value, error, pieces: pieces.len() });
        }
        let Some(worst) = pieces.peek().copied() else { unreachable!("there is always at least one piece") };
        let middle = 0.5 * (worst.a + worst.b);
        if middle == worst.a || middle == worst.b {
            // The worst piece is as narrow as floating point allows: report the error there is.
            return Ok(Reference { value, error, pieces: pieces.len() });
        }
        pieces.pop();
        pieces.push(kronrod(f, worst.a, middle)?);
        pieces.push(kronrod(f, middle, worst.b)?);
    }
}

impl PartialEq for Piece {
    fn eq(&self, other: &Piece) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Piece {}

impl PartialOrd for Piece {
    fn partial_cmp(&self, other: &Piece) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Pieces are ordered by their error estimate, so the heap's top is the worst one.
impl Ord for Piece {
    fn cmp(&self, other: &Piece) -> std::cmp::Ordering {
        self.error.total_cmp(&other.error)
    }
}

/// The 15-point Kronrod value of one piece, and QUADPACK's estimate of its error.
fn kronrod(f: &dyn Integrand, a: f64, b: f64) -> Result<Piece> {
    let (centre, half) = (0.5 * (a + b), 0.5 * (b - a));
    let at = |x: f64| {
        let value = f.eval(x);
        if value.is_finite() { Ok(value) } else { Err(Error::NonFinite { x, value }) }
    };
    // values[i] = (f(c − h·x_i), f(c + h·x_i)); the centre once.
    let mut values = [(0.0, 0.0); 8];
    for (i, node) in NODES.iter().enumerate() {
        values[i] = if i == 7 {
            let middle = at(centre)?;
            (middle, middle)
        } else {
            (at(centre - half * node)?, at(centre + half * node)?)
        };
    }
    let pair = |i: usize| if i == 7 { values[7].0 } else { values[i].0 + values[i].1 };
    let kronrod_sum: f64 = (0..8).map(|i| KRONROD[i] * pair(i)).sum();
    let gauss_sum: f64 = (0..4).map(|j| GAUSS[j] * pair(2 * j + 1)).sum();
    let absolute: f64 = (0..8)
        .map(|i| KRONROD[i] * if i == 7 { values[7].0.abs() } else { values[i].0.abs() + values[i].1.abs() })
        .sum();
    let mean = 0.5 * kronrod_sum;
    let spread: f64 = (0..8)
        .map(|i| {
            let (left, right) = values[i];
            let both = if i == 7 { (left - mean).abs() } else { (left - mean).abs() + (right - mean).abs() };
            KRONROD[i] * both
        })
        .sum();
    let (value, h) = (kronrod_sum * half, half.abs());
    let (spread, absolute) = (spread * h, absolute * h);
    let mut error = ((kronrod_sum - gauss_sum) * half).abs();
    if spread != 0.0 && error != 0.0 {
        error = spread * (200.0 * error / spread).powf(1.5).min(1.0);
    }
    let round_off = 50.0 * f64::EPSILON * absolute;
    Ok(Piece { a, b, value, error: error.max(round_off) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{E, PI};

    /// `f` over [a, b] is within 10⁻¹² of `exact` (relative to max(|exact|, 1)),
    /// and the error estimate covers the true error.
    fn agrees(f: &dyn Integrand, a: f64, b: f64, exact: f64) -> Reference {
        let r = reference(f, a, b).unwrap();
        let off = (r.value - exact).abs();
        assert!(off <= 1e-12 * exact.abs().max(1.0), "off by {off:e}: {r:?}, exact {exact}");
        assert!(off <= r.error.max(1e-15), "the estimate {:e} does not cover the true error {off:e}", r.error);
        r
    }

    #[test]
    fn known_integrals_to_1e_12() {
        agrees(&|x: f64| 1.0 / (1.0 + x * x), 0.0, 1.0, PI / 4.0);
        agrees(&f64::exp, 0.0, 1.0, E - 1.0);
        agrees(&f64::sin, 0.0, PI, 2.0);
        agrees(&|x: f64| (-x * x).exp(), -10.0, 10.0, PI.sqrt());
        agrees(&|x: f64| x * x.exp(), 0.0, 1.0, 1.0);
        agrees(&|x: f64| (2.0 * PI * x).sin().exp(), 0.0, 1.0, 1.266_065_877_752_008_4); // I₀(1)
        agrees(&|x: f64| 1.0 / x, 1.0, 100.0, 100f64.ln());
    }

    #[test]
    fn integrands_that_are_not_smooth_are_cut_finer() {
        let sqrt = agrees(&f64::sqrt, 0.0, 1.0, 2.0 / 3.0);
        let kink = agrees(&|x: f64| (x - 0.3).abs(), 0.0, 1.0, 0.29);
        let step = agrees(&|x: f64| if x < 0.7 { 0.0 } else { 1.0 }, 0.0, 1.0, 0.3);
        let smooth = agrees(&f64::exp, 0.0, 1.0, E - 1.0);
        assert_eq!(smooth.pieces, 1);
        assert!(sqrt.pieces > 1 && kink.pieces > 1 && step.pieces > 1);
    }

    #[test]
    fn polynomials_of_degree_13_or_less_take_one_piece() {
        // The 7-point Gauss rule is exact for them too, so K − G is round-off and the first piece is enough.
        let r = agrees(&|x: f64| x.powi(13), 0.0, 1.0, 1.0 / 14.0);
        assert_eq!(r.pieces, 1);
        agrees(&|_| 3.0, 2.0, 5.0, 9.0);
    }

    #[test]
    fn a_divergent_integral_ends_in_an_error() {
        // 1/x on [0, 1] diverges; no node is 0, so every value is finite, and the loop stops at MAX_PIECES.
        // 1/x on [0, 1] diverges. No node is 0, so the loop cuts the piece at 0 ever finer, until 1/x
        // overflows at a node next to 0: the value is reported, not a wrong finite number.
        let err = reference(&|x: f64| 1.0 / x, 0.0, 1.0).unwrap_err();
        assert!(
            matches!(err, Error::NonFinite { x, value } if x > 0.0 && x < 1e-300 && value == f64::INFINITY),
            "{err:?}"
        );
    }

    #[test]
    fn a_reversed_interval_gives_minus_the_integral() {
        let forward = reference(&f64::exp, 0.0, 1.0).unwrap();
        let backward = reference(&f64::exp, 1.0, 0.0).unwrap();
        assert_eq!(backward.value, -forward.value);
    }

    #[test]
    fn bad_intervals_and_values_are_errors() {
        assert!(matches!(reference(&f64::exp, 0.0, f64::NAN), Err(Error::NonFiniteInterval { .. })));
        assert!(matches!(reference(&f64::exp, 0.0, f64::INFINITY), Err(Error::NonFiniteInterval { .. })));
        assert!(matches!(reference(&f64::exp, 1.0, 1.0), Err(Error::EmptyInterval { .. })));
        let pole = reference(&|x: f64| 1.0 / (x - 0.5), 0.0, 1.0).unwrap_err();
        assert_eq!(pole, Error::NonFinite { x: 0.5, value: f64::INFINITY });
        assert!(matches!(reference(&|_| f64::NAN, 0.0, 1.0), Err(Error::NonFinite { .. })));
    }
}
