//! Any integrand behind one owned, clonable type.

use std::fmt;
use std::sync::Arc;

use super::expr::Expr;
use super::function::Integrand;
use super::portable::Portable;
use super::recipe::Recipe;
use crate::error::Result;

/// A boxed integrand: any integrand behind one owned, clonable type.
///
/// A notebook cell cannot keep a closure in a variable for later cells, but it
/// can keep a `Func`: the closure moves into a heap allocation the `Func` owns.
///
/// A `Func` made from a catalogue entry or an expression keeps that
/// [`Portable`] form and hands it out with [`Func::portable`], for the process
/// backend; one made from a closure has none.
///
/// # Scope
///
/// [`Func::new`] takes the closure by value (`F: 'static`): the closure, and
/// everything it captured by move, now belongs to the `Func`, and lives as
/// long as the last clone of it. `Send + Sync` let clones of it be used from
/// any thread.
///
/// # Examples
///
/// ```
/// use parlab::{Func, Integrand};
/// let k = 3.0;
/// // scope: `k` is copied into the closure, which moves into the Func.
/// let f = Func::new("3x^2", move |x| k * x * x);
/// assert_eq!(f.eval(2.0), 12.0);
/// assert_eq!(f.to_string(), "3x^2");
/// assert!(f.portable().is_none()); // a closure stays in this process
/// assert!(Func::expr("3*x^2").unwrap().portable().is_some());
/// ```
#[derive(Clone)]
pub struct Func {
    label: String,
    body: Body,
}

/// What a `Func` owns: a closure, or an integrand another process can rebuild.
#[derive(Clone)]
enum Body {
    /// As an integrand, not a `dyn Fn`: its block loop is the one compiled
    /// where [`Func::new`] was called, with the closure inlined.
    Closure(Arc<dyn Integrand + Send>),
    Portable(Arc<dyn Portable>),
}

impl Func {
    /// Boxes a closure, with a label for tables and charts.
    pub fn new(label: impl Into<String>, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Func {
        Func { label: label.into(), body: Body::Closure(Arc::new(f)) }
    }

    /// Parses an expression into a `Func` that can also cross into another process.
    pub fn expr(text: &str) -> Result<Func> {
        Ok(Func::from(Expr::parse(text)?))
    }

    /// Boxes an integrand another process can rebuild, keeping that form.
    pub(crate) fn from_portable(label: impl Into<String>, portable: Arc<dyn Portable>) -> Func {
        Func { label: label.into(), body: Body::Portable(portable) }
    }

    /// The label given at construction.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The catalogue entry or expression this `Func` was made from, which a
    /// worker process can rebuild; `None` for a closure.
    ///
    /// ```
    /// use parlab::{catalogue, process, Func, Portable, Recipe, Setup};
    /// let lecture = Func::from(catalogue::get("lecture").unwrap());
    /// let portable = lecture.portable().expect("made from the catalogue");
    /// assert_eq!(portable.to_recipe(), Recipe::Catalogue("lecture".into()));
    /// // What the process backend takes (it starts the `parlab` binary, so it is not called here):
    /// let _in_two_processes = |setup: &Setup| process::sweep(portable, setup, &[10, 20], 2);
    /// ```
    pub fn portable(&self) -> Option<&dyn Portable> {
        match &self.body {
            Body::Closure(_) => None,
            Body::Portable(p) => Some(p.as_ref()),
        }
    }
}

impl Integrand for Func {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        match &self.body {
            Body::Closure(f) => f.eval(x),
            Body::Portable(p) => p.eval(x),
        }
    }

    #[inline]
    fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        match &self.body {
            Body::Closure(f) => f.eval_block(xs, out),
            Body::Portable(p) => p.eval_block(xs, out),
        }
    }

    fn recipe(&self) -> Option<Recipe> {
        self.portable().map(|p| p.to_recipe())
    }
}

impl From<Expr> for Func {
    fn from(expr: Expr) -> Func {
        let label = expr.text().to_string();
        // scope: the Expr moves into the Arc, which the Func owns.
        Func::from_portable(label, Arc::new(expr))
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Func").field("label", &self.label).field("recipe", &self.recipe()).finish()
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}
