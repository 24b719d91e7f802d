//! How an integrand is written down for another process.

use serde::{Deserialize, Serialize};

/// How an integrand travels to a worker process: as text, never as code.
///
/// The worker rebuilds the integrand with [`Recipe::build`], which looks the
/// name up in the [catalogue](crate::catalogue) or parses the expression.
///
/// ```
/// use parlab::{Expr, Integrand, Recipe};
/// let f = Expr::parse("x^3").unwrap();
/// assert_eq!(f.recipe(), Some(Recipe::Expr("x^3".into())));
/// let rebuilt = f.recipe().unwrap().build().unwrap();
/// assert_eq!(rebuilt.eval(1.5), f.eval(1.5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipe {
    /// A catalogue entry, by name.
    Catalogue(String),
    /// An expression, by its text.
    Expr(String),
}
