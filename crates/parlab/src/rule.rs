//! Integration rules, the interval they work on, and one estimate.
//!
//! | rule | what it computes | order p (error ∝ n^−p) |
//! |---|---|---|
//! | `lecture` | the lecture's estimator: n sorted uniform points, Σ diff × f(right point) | 1, with a bias |
//! | `partition` | the same random partition with both ends included | 1 |
//! | `monte-carlo` | width × mean of f at n uniform points, with its standard error | ½ in expectation |
//! | `midpoint` | n equal panels, f at each middle | 2 |
//! | `trapezoid` | n equal panels, f at each end | 2 |
//! | `simpson` | n equal panels (n even), weights 1 4 2 4 … 4 1 | 4 |
//!
//! # Formula
//!
//! ```text
//! lecture:    Σ_{i=2..n} (x_i − x_{i−1}) f(x_i)          x_1 < … < x_n sorted uniforms on [a, b]
//! partition:  Σ_{i=1..n+1} (x_i − x_{i−1}) f(x_i)        with x_0 = a and x_{n+1} = b
//! ```
//!
//! The lecture's sum ignores [a, x_1] and [x_n, b]. Each has expected width
//! (b − a)/(n + 1), so it misses about (f(a) + f(b))·(b − a)/(n + 1); on top
//! of that, a right-point sum on a random partition is biased by about
//! (f(b) − f(a))·(b − a)/(n + 1) (each panel's error is ½h²f′, and E\[Σh²\] ≈
//! 2(b − a)²/(n + 1)). For 1/(1+x²) on [0, 1] that is −1.5/(n+1) − 0.5/(n+1)
//! = −2/(n+1) for `lecture`, and −0.5/(n+1) for `partition` (measured:
//! −1.99 and −0.500). Averaging many runs shrinks the noise, never the bias.
//! For n = 0 and 1 the lecture's sum has no terms at all ([`Rule::terms`]):
//! its value, 0, is not an estimate.
//!
//! # Files
//!
//! | file | holds |
//! |---|---|
//! | `types.rs` | [`Rule`], [`Sampler`], [`Estimate`]: names, orders, what n each rule takes |
//! | `setup.rs` | [`Setup`]: the validated interval, and the estimate that dispatches to the kernels below |
//! | `block.rs` | points evaluated a block at a time: one call through `dyn` per block |
//! | `area.rs` | the partition sum Σ (x_i − x_{i−1}) f(x_i) over sorted points, in four lanes |
//! | `spacings.rs` | sorted uniforms from exponential spacings, streamed for large n |
//! | `sorting.rs` | sorted uniforms by sorting draws: comparison sort and bucket sort |
//! | `grid.rs` | midpoint, trapezoid and Simpson on equal panels |
//! | `monte_carlo.rs` | plain Monte Carlo with its standard error |
//! | `split.rs` | one estimate cut into blocks of fixed size: the same bits on any number of workers |
//! | `probe.rs` | where an integrand first returned NaN or ±∞ |

mod area;
mod block;
mod grid;
mod monte_carlo;
mod probe;
mod setup;
mod sorting;
mod spacings;
pub(crate) mod split;
mod types;

#[cfg(test)]
mod tests;

pub use setup::{MAX_IN_MEMORY, MAX_POINTS, Setup};
pub use types::{Estimate, Rule, Sampler};
