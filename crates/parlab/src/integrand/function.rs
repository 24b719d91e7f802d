//! The one trait every integrand implements.

use super::recipe::Recipe;

/// A function of one real variable that can be integrated, from any thread.
///
/// # Scope
///
/// The bound is `Sync` because parallel backends share one integrand by
/// reference (`&dyn Integrand`) between all their threads: sharing a `&T`
/// across threads is exactly what `T: Sync` allows, and making `Sync` part of
/// the trait is what lets every `&dyn Integrand` cross. A closure that captures an `Rc` or a `Cell`
/// is not `Sync`, so it is refused at compile time:
///
/// ```compile_fail,E0277
#[doc = include_str!("../../tests/ui/integrand_must_be_sync.rs")]
/// ```
///
/// # Examples
///
/// ```
/// use parlab::Integrand;
/// let square = |x: f64| x * x;
/// assert_eq!(square.eval(3.0), 9.0);
/// assert!(square.recipe().is_none()); // a closure cannot travel to another process
/// ```
pub trait Integrand: Sync {
    /// The value at `x`.
    fn eval(&self, x: f64) -> f64;

    /// The values at every point of `xs`, into `out` (of the same length).
    ///
    /// The rules evaluate a block of points with one call, so a `&dyn
    /// Integrand` costs one indirect call per block, not per point. The
    /// default loops over [`Integrand::eval`]; for a closure or a `fn` item it
    /// is compiled where the integrand becomes a `&dyn Integrand`, with the
    /// function inlined into the loop (and a copy of the loop for AVX2, chosen
    /// when the CPU has it: the same bits). An integrand that evaluates blocks
    /// faster (an [`Expr`](crate::Expr)) overrides it; it must give exactly
    /// the bits `eval` gives at each point.
    ///
    /// # Panics
    ///
    /// May panic if `out` is shorter than `xs`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::Integrand;
    /// let square = |x: f64| x * x;
    /// let mut out = [0.0; 3];
    /// square.eval_block(&[1.0, 2.0, 3.0], &mut out);
    /// assert_eq!(out, [1.0, 4.0, 9.0]);
    /// ```
    #[inline]
    fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        crate::simd::map(xs, out, |x| self.eval(x))
    }

    /// How another process can rebuild this integrand, if it can: `Some` only
    /// for the [`Portable`](crate::Portable) ones (a catalogue entry, an
    /// expression, and a [`Func`](crate::Func) made from either).
    fn recipe(&self) -> Option<Recipe> {
        None
    }
}

impl<F: Fn(f64) -> f64 + Sync + ?Sized> Integrand for F {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        self(x)
    }
}
