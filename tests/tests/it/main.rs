//! parlab's integration tests: one binary, one module per part of the lab.
//!
//! - `layers`: the library's modules import only downwards, and never in a circle.
//! - `backends`: every backend gives the serial bits; errors and panics on every backend.
//! - `expressions`: any text gives a value or an error, never a crash; parsed values match a reference evaluator.
//! - `properties`: proptest invariants (linearity, additivity, constants, serial == parallel).
//! - `cli`: the real `parlab` binary, good and bad input.
//! - `workspace`: a notebook loading parlab alone builds shared crates as one loading parlab-viz does.
//! - `notebooks`: notebooks committed without outputs; the lab's student version matches its source.

mod backends;
mod cli;
mod expressions;
mod layers;
mod notebooks;
mod properties;
mod workspace;
