//! The operations of the expression language, and the value each computes.
//!
//! Every operation is a plain function of `f64`s, used both to fold constants
//! when an expression is compiled and to evaluate it at a point or over a
//! block, so all three give the same bits. The transcendental functions and
//! `^` come from the `libm` crate, not from the system's C library (which
//! `f64::sin` calls): libm is Rust code compiled into parlab, so an expression
//! gives the same bits on every machine. The exact operations (`+ - * /`,
//! `sqrt`, `abs`, `floor`, …) are correctly rounded everywhere and use `f64`'s
//! own methods.

/// An operation with two operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    /// `a^b`, libm's `pow`.
    Pow,
}

impl Binary {
    /// `+ - * / ^`, or `None`.
    pub(crate) fn from_char(op: char) -> Option<Binary> {
        Some(match op {
            '+' => Binary::Add,
            '-' => Binary::Sub,
            '*' => Binary::Mul,
            '/' => Binary::Div,
            '^' => Binary::Pow,
            _ => return None,
        })
    }

    #[inline(always)]
    pub(crate) fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Mul => a * b,
            Binary::Div => a / b,
            Binary::Pow => libm::pow(a, b),
        }
    }
}

/// An operation with one operand: a sign, a square, or a named function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unary {
    Neg,
    /// `a*a`: what libm's `pow(a, 2)` returns for every `a` (its `y == 2`
    /// case), so `a^2` with the constant exponent 2 is computed this way.
    Square,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Exp,
    Ln,
    Log10,
    Log2,
    Sqrt,
    Cbrt,
    Abs,
    Signum,
    Floor,
    Ceil,
    Round,
    Trunc,
    Fract,
}

/// The functions an expression may call, by name.
pub(crate) const FUNCTIONS: &[(&str, Unary)] = &[
    ("sin", Unary::Sin),
    ("cos", Unary::Cos),
    ("tan", Unary::Tan),
    ("asin", Unary::Asin),
    ("acos", Unary::Acos),
    ("atan", Unary::Atan),
    ("sinh", Unary::Sinh),
    ("cosh", Unary::Cosh),
    ("tanh", Unary::Tanh),
    ("asinh", Unary::Asinh),
    ("acosh", Unary::Acosh),
    ("atanh", Unary::Atanh),
    ("exp", Unary::Exp),
    ("ln", Unary::Ln),
    ("log", Unary::Ln),
    ("log10", Unary::Log10),
    ("log2", Unary::Log2),
    ("sqrt", Unary::Sqrt),
    ("cbrt", Unary::Cbrt),
    ("abs", Unary::Abs),
    ("signum", Unary::Signum),
    ("floor", Unary::Floor),
    ("ceil", Unary::Ceil),
    ("round", Unary::Round),
    ("trunc", Unary::Trunc),
    ("fract", Unary::Fract),
];

/// The named constants, by name.
pub(crate) const CONSTANTS: &[(&str, f64)] = &[
    ("pi", std::f64::consts::PI),
    ("e", std::f64::consts::E),
    ("PI", std::f64::consts::PI),
    ("π", std::f64::consts::PI),
    ("E", std::f64::consts::E),
    ("TAU", std::f64::consts::TAU),
    ("τ", std::f64::consts::TAU),
];

impl Unary {
    /// The function called `name`, if there is one.
    pub(crate) fn function(name: &str) -> Option<Unary> {
        FUNCTIONS.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    #[inline(always)]
    pub(crate) fn apply(self, a: f64) -> f64 {
        match self {
            Unary::Neg => -a,
            Unary::Square => a * a,
            Unary::Sin => libm::sin(a),
            Unary::Cos => libm::cos(a),
            Unary::Tan => libm::tan(a),
            Unary::Asin => libm::asin(a),
            Unary::Acos => libm::acos(a),
            Unary::Atan => libm::atan(a),
            Unary::Sinh => libm::sinh(a),
            Unary::Cosh => libm::cosh(a),
            Unary::Tanh => libm::tanh(a),
            Unary::Asinh => libm::asinh(a),
            Unary::Acosh => libm::acosh(a),
            Unary::Atanh => libm::atanh(a),
            Unary::Exp => libm::exp(a),
            Unary::Ln => libm::log(a),
            Unary::Log10 => libm::log10(a),
            Unary::Log2 => libm::log2(a),
            Unary::Sqrt => a.sqrt(),
            Unary::Cbrt => libm::cbrt(a),
            Unary::Abs => a.abs(),
            Unary::Signum => a.signum(),
            Unary::Floor => a.floor(),
            Unary::Ceil => a.ceil(),
            Unary::Round => a.round(),
            Unary::Trunc => a.trunc(),
            Unary::Fract => a.fract(),
        }
    }
}

/// The constant called `name`, if there is one.
pub(crate) fn constant(name: &str) -> Option<f64> {
    CONSTANTS.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_is_libms_power_of_two_for_every_kind_of_value() {
        let mut values = vec![0.0, -0.0, 1.0, -1.0, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE, 5e-324, 1e200];
        values.extend((0..2000).map(|i| (i as f64 - 1000.0) * 0.012_345_678_9));
        for a in values {
            assert_eq!(Unary::Square.apply(a).to_bits(), libm::pow(a, 2.0).to_bits(), "{a}");
        }
        assert!(Unary::Square.apply(f64::NAN).is_nan() && libm::pow(f64::NAN, 2.0).is_nan());
    }

    #[test]
    fn every_name_is_found() {
        for &(name, f) in FUNCTIONS {
            assert_eq!(Unary::function(name), Some(f));
        }
        assert_eq!(Unary::function("Sin"), None);
        assert_eq!(constant("pi"), Some(std::f64::consts::PI));
        assert_eq!(constant("x"), None);
    }
}
