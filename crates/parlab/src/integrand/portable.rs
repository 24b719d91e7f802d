//! The integrands another process can rebuild: the process backend takes only these.

use super::function::Integrand;
use super::recipe::Recipe;

/// An integrand that another process can rebuild from text: a catalogue
/// entry (by name) or an [`Expr`](crate::Expr) (by its text).
///
/// The process backend ([`process::sweep`](crate::process::sweep)) takes only
/// these, so sending a closure to a worker process does not compile. A
/// closure is code and captured memory of *this* process; another process has
/// neither. A [`Func`](crate::Func) may hold a closure, so it is not
/// `Portable` itself, but one made from an entry or an expression hands out
/// its portable form with [`Func::portable`](crate::Func::portable).
///
/// The trait is sealed: parlab implements it for [`catalogue::Entry`](crate::catalogue::Entry)
/// and [`Expr`](crate::Expr) only, because a worker can rebuild only those.
///
/// # Scope
///
/// A closure sent to a worker process is refused at compile time (E0277), with a note that says why:
///
/// ```compile_fail,E0277
#[doc = include_str!("../../tests/ui/closure_to_process.rs")]
/// ```
///
/// # Examples
///
/// ```
/// use parlab::{catalogue, Expr, Portable, Recipe};
/// let lecture = catalogue::get("lecture").unwrap();
/// assert_eq!(lecture.to_recipe(), Recipe::Catalogue("lecture".into()));
/// assert_eq!(Expr::parse("exp(-x^2)").unwrap().to_recipe(), Recipe::Expr("exp(-x^2)".into()));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to a worker process",
    label = "not a catalogue entry or an expression",
    note = "a closure is code and memory of this process: a worker process has neither; send a catalogue name (`parlab::catalogue::get(\"lecture\")?`) or an expression (`parlab::Expr::parse(\"1/(1+x^2)\")?`)",
    note = "a `Func` made from a catalogue entry or an expression hands that form out: `func.portable()`"
)]
pub trait Portable: Integrand + Send + sealed::Sealed {
    /// The text a worker process rebuilds this integrand from.
    fn to_recipe(&self) -> Recipe;
}

/// Keeps [`Portable`] to the types parlab can send.
pub(crate) mod sealed {
    /// Implemented by the portable types only.
    pub trait Sealed {}
}
