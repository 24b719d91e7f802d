use parlab::rayon::prelude::*;

fn main() {
    let mut total = 0.0;
    // scope: every task captures `total` by reference, and rayon's closures are `Fn`.
    (1..=100).into_par_iter().for_each(|n| total += 1.0 / n as f64);
    println!("{total}");
}
