//! What we integrate: closures, parsed expressions, boxed functions, and which of them can travel.
//!
//! | file | holds |
//! |---|---|
//! | `function.rs` | [`Integrand`]: anything that can be integrated; every `Fn(f64) -> f64 + Sync` closure is one |
//! | `expr.rs`, `syntax.rs` | [`Expr`]: a parsed expression such as `exp(-x^2)`, with the usual precedence |
//! | `func.rs` | [`Func`]: any integrand behind one owned, clonable type, for notebook variables |
//! | `recipe.rs` | [`Recipe`]: an integrand written down as text, for another process |
//! | `portable.rs` | [`Portable`]: the integrands another process can rebuild from a recipe |
//!
//! Only a [`Portable`] integrand can cross into another process: a closure is
//! code and captured memory that live in *this* process, so the process
//! backend sends a catalogue name or an expression's text instead, and the
//! worker rebuilds the integrand on its side.

mod expr;
mod func;
mod function;
mod portable;
mod recipe;
mod syntax;

pub use expr::Expr;
pub use func::Func;
pub use function::Integrand;
pub use portable::Portable;
pub(crate) use portable::sealed;
pub use recipe::Recipe;
