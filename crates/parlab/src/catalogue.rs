//! Named integrands with their exact integrals, each chosen to teach something.
//!
//! | name | f(x) on [a, b] | exact | teaches |
//! |---|---|---|---|
//! | `lecture` | 1/(1+x²) on [0, 1] | π/4 | the lecture's function: smooth; Simpson even shows order 6, as f‴(0) = f‴(1) = 0 |
//! | `gaussian` | exp(−x²) on [0, 2] | (√π/2)·erf 2 | smooth, no elementary antiderivative |
//! | `oscillatory` | cos(20x) on [0, 1] | sin(20)/20 | needs many points per wiggle before the order shows |
//! | `peak` | 1/(0.01+(x−0.3)²) on [0, 1] | 10·(atan 7 + atan 3) | a sharp peak: large error until the grid resolves it |
//! | `kink` | \|x − 0.3\| on [0, 1] | 0.29 | a kink: Simpson drops to order 2 (a kink at 1/3 would hide it: it lands where Simpson's panel error is 0) |
//! | `step` | 0 below 0.7, 1 above, on [0, 1] | 0.3 | a jump: every rule drops to order 1 |
//! | `sqrt` | √x on [0, 1] | 2/3 | f′ blows up at 0: order 1.5 at best |
//! | `periodic` | exp(sin 2πx) on [0, 1] | I₀(1) | periodic and smooth: the trapezoid rule converges faster than any power |
//!
//! The catalogue sits beside the rules: it uses them (an entry's [`Setup`]),
//! and they never use it. Here too is how an entry travels to a worker
//! process (by name: [`Portable`]) and how a worker rebuilds an integrand
//! from its [`Recipe`].

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::integrand::{Func, Integrand, Portable, Recipe, sealed};
use crate::rule::Setup;

/// One catalogue integrand.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The name used by `--integrand` and [`get`].
    pub name: &'static str,
    /// The function, as Rust.
    pub f: fn(f64) -> f64,
    /// The same function in the expression language, for display.
    pub formula: &'static str,
    /// The interval it is meant for.
    pub a: f64,
    /// The interval it is meant for.
    pub b: f64,
    /// The exact integral over [a, b], correctly rounded.
    pub exact: f64,
    /// What it teaches.
    pub teaches: &'static str,
    /// `f` at every point of a block, with `f` inlined into the loop.
    block: fn(&[f64], &mut [f64]),
}

impl Entry {
    /// The recipe that sends this entry to a worker process: its name.
    pub fn recipe(&self) -> Option<Recipe> {
        Some(self.to_recipe())
    }
}

impl Integrand for Entry {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        (self.f)(x)
    }

    fn recipe(&self) -> Option<Recipe> {
        Entry::recipe(self)
    }

    #[inline]
    fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        (self.block)(xs, out)
    }
}

impl sealed::Sealed for Entry {}

impl Portable for Entry {
    fn to_recipe(&self) -> Recipe {
        Recipe::Catalogue(self.name.to_string())
    }
}

// Defined here, beside the catalogue, so that the rules never name an entry.
impl Setup {
    /// The interval a catalogue entry is meant for.
    pub fn for_entry(entry: &Entry) -> Setup {
        Setup::new(entry.a, entry.b).expect("catalogue intervals are valid")
    }
}

// Defined here because rebuilding needs the catalogue, which sits above the
// integrands where `Recipe` is.
impl Recipe {
    /// Rebuilds the integrand this recipe describes: the catalogue entry of that
    /// name, or the expression parsed again.
    pub fn build(&self) -> Result<Func> {
        match self {
            Recipe::Catalogue(name) => Ok(Func::from(get(name)?)),
            Recipe::Expr(text) => Func::expr(text),
        }
    }
}

impl From<&'static Entry> for Func {
    fn from(entry: &'static Entry) -> Func {
        // scope: a copy of the entry (a name, a function pointer, numbers) moves into the Arc.
        Func::from_portable(entry.name, Arc::new(*entry))
    }
}

/// Parses a command-line style integrand: a catalogue name or an expression.
///
/// A catalogue name wins when the text is exactly one; anything else is
/// parsed as an expression.
///
/// ```
/// use parlab::{catalogue, Integrand, Recipe};
/// assert_eq!(catalogue::resolve("lecture").unwrap().recipe(), Some(Recipe::Catalogue("lecture".into())));
/// assert_eq!(catalogue::resolve("x^2").unwrap().eval(3.0), 9.0);
/// ```
pub fn resolve(text: &str) -> Result<Func> {
    match find(text.trim()) {
        Some(entry) => Ok(Func::from(entry)),
        None => Func::expr(text),
    }
}

fn lecture(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}
fn gaussian(x: f64) -> f64 {
    (-x * x).exp()
}
fn oscillatory(x: f64) -> f64 {
    (20.0 * x).cos()
}
fn peak(x: f64) -> f64 {
    1.0 / (0.01 + (x - 0.3) * (x - 0.3))
}
fn kink(x: f64) -> f64 {
    (x - 0.3).abs()
}
fn step(x: f64) -> f64 {
    if x < 0.7 { 0.0 } else { 1.0 }
}
fn sqrt(x: f64) -> f64 {
    x.sqrt()
}
fn periodic(x: f64) -> f64 {
    (2.0 * std::f64::consts::PI * x).sin().exp()
}

/// Every catalogue entry, the lecture's first.
pub static CATALOGUE: [Entry; 8] = [
    Entry {
        name: "lecture",
        f: lecture,
        block: |xs, out| crate::simd::map(xs, out, lecture),
        formula: "1/(1+x^2)",
        a: 0.0,
        b: 1.0,
        exact: std::f64::consts::FRAC_PI_4,
        teaches: "the lecture's function: smooth; Simpson shows order 6 here, because its third derivative is 0 at both ends",
    },
    Entry {
        name: "gaussian",
        f: gaussian,
        block: |xs, out| crate::simd::map(xs, out, gaussian),
        formula: "exp(-x^2)",
        a: 0.0,
        b: 2.0,
        exact: 0.882_081_390_762_421_7,
        teaches: "smooth, with no elementary antiderivative",
    },
    Entry {
        name: "oscillatory",
        f: oscillatory,
        block: |xs, out| crate::simd::map(xs, out, oscillatory),
        formula: "cos(20*x)",
        a: 0.0,
        b: 1.0,
        exact: 0.045_647_262_536_381_38,
        teaches: "oscillation: the order shows only once each wiggle has several points",
    },
    Entry {
        name: "peak",
        f: peak,
        block: |xs, out| crate::simd::map(xs, out, peak),
        formula: "1/(0.01+(x-0.3)^2)",
        a: 0.0,
        b: 1.0,
        exact: 26.779_450_445_889_87,
        teaches: "a sharp peak: the error stays large until the grid resolves it",
    },
    Entry {
        name: "kink",
        f: kink,
        block: |xs, out| crate::simd::map(xs, out, kink),
        formula: "abs(x-0.3)",
        a: 0.0,
        b: 1.0,
        exact: 0.29,
        teaches: "a kink: Simpson drops from order 4 to order 2",
    },
    Entry {
        name: "step",
        f: step,
        block: |xs, out| crate::simd::map(xs, out, step),
        formula: "(1+signum(x-0.7))/2",
        a: 0.0,
        b: 1.0,
        exact: 0.3,
        teaches: "a jump: every rule drops to order 1",
    },
    Entry {
        name: "sqrt",
        f: sqrt,
        block: |xs, out| crate::simd::map(xs, out, sqrt),
        formula: "sqrt(x)",
        a: 0.0,
        b: 1.0,
        exact: 0.666_666_666_666_666_6,
        teaches: "a derivative that blows up at an end: order 1.5 at best",
    },
    Entry {
        name: "periodic",
        f: periodic,
        block: |xs, out| crate::simd::map(xs, out, periodic),
        formula: "exp(sin(2*pi*x))",
        a: 0.0,
        b: 1.0,
        exact: 1.266_065_877_752_008_4,
        teaches: "smooth and periodic: the trapezoid rule converges faster than any power of n",
    },
];

/// The entry called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static Entry> {
    CATALOGUE.iter().find(|entry| entry.name == name)
}

/// The entry called `name`, or an error that lists the names there are.
///
/// # Examples
///
/// ```
/// let lecture = parlab::catalogue::get("lecture").unwrap();
/// assert_eq!((lecture.a, lecture.b), (0.0, 1.0));
/// assert_eq!(lecture.exact, std::f64::consts::FRAC_PI_4);
/// assert!(parlab::catalogue::get("lectur").is_err());
/// ```
pub fn get(name: &str) -> Result<&'static Entry> {
    find(name).ok_or_else(|| Error::UnknownIntegrand { name: name.to_string(), known: names().join(", ") })
}

/// The names of all entries, in catalogue order.
pub fn names() -> Vec<&'static str> {
    CATALOGUE.iter().map(|entry| entry.name).collect()
}

#[cfg(test)]
mod tests;
