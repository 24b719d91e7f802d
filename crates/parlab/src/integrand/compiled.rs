//! The lecture's function, compiled into the rules.
//!
//! The rules take `&dyn Integrand`, so they are compiled once, in parlab, and
//! a notebook cell that calls them compiles in a second instead of
//! re-optimising every rule for its own closure's type. The price is one
//! indirect call per evaluation, about 20% of the lecture's kernel. The
//! lecture's own integrand, which the benchmarks time, skips it: the catalogue
//! entry says it is this function ([`Integrand::compiled`](crate::Integrand::compiled)),
//! and the rules call this copy directly (`fast.rs`).

/// A function compiled into parlab's rules, named by the integrand that computes the same values.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compiled {
    /// 1/(1+x²), the lecture's integrand.
    Lecture,
}

/// 1/(1+x²): the lecture's integrand, and the catalogue entry `lecture`'s function.
pub(crate) fn lecture(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}
