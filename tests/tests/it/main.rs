//! parlab's integration tests: one binary, one module per part of the lab.
//!
//! - `backends`: every backend gives the serial bits; errors and panics on every backend.
//! - `properties`: proptest invariants (linearity, additivity, constants, serial == parallel).
//! - `cli`: the real `parlab` binary, good and bad input.
//! - `bench`: `parlab bench --students`, run small: every row, side by side, and its ratios.
//! - `workspace`: a notebook loading parlab alone builds shared crates as one loading parlab-viz does.
//! - `notebooks`: notebooks committed without outputs; the lab's student version matches its source.

mod backends;
mod bench;
mod cli;
mod notebooks;
mod properties;
mod workspace;
