//! parlab's integration tests: one binary, one module per part of the lab.
//!
//! - `backends`: every backend gives the serial bits; errors and panics on every backend.
//! - `checks`: the exercise checks pass the reference answers and fail known-wrong ones.
//! - `properties`: proptest invariants (linearity, additivity, constants, serial == parallel).
//! - `cli`: the real `parlab` binary, good and bad input.
//! - `workspace`: a notebook loading parlab alone builds shared crates as one loading parlab-viz does.
//! - `notebooks`: notebooks committed without outputs; the lab's student version matches its source.

mod backends;
mod checks;
mod cli;
mod notebooks;
mod properties;
mod workspace;
