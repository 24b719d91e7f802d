//! What we integrate: closures, parsed expressions, boxed functions, and which of them can travel.
//!
//! | file | holds |
//! |---|---|
//! | `function.rs` | [`Integrand`]: anything that can be integrated; every `Fn(f64) -> f64 + Sync` closure is one |
//! | `expr.rs` | [`Expr`]: a parsed expression such as `exp(-x^2)`, evaluated one point or one block at a time |
//! | `syntax.rs` | reading an expression's text, with the usual precedence and bounded nesting |
//! | `operation.rs` | the expression language's operations and functions (libm's, the same bits everywhere) |
//! | `program.rs` | an expression compiled into a flat program, run at a point or over a block of points |
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
mod operation;
mod portable;
mod program;
mod recipe;
mod syntax;

pub use expr::Expr;
pub use func::Func;
pub use function::Integrand;
pub use portable::Portable;
pub(crate) use portable::sealed;
pub use recipe::Recipe;
