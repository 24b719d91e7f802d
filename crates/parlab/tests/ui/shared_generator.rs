use parlab::rayon::prelude::*;

fn main() {
    let setup = parlab::Setup::new(0.0, 1.0).unwrap();
    let f = |x: f64| 1.0 / (1.0 + x * x);
    // scope: one generator, captured by reference by every task; drawing needs `&mut`.
    let mut rng = parlab::stream::stream(7, 0);
    let sizes = vec![10u64, 20, 40];
    let values: Vec<f64> = sizes.par_iter().map(|&n| setup.apply(&f, n, &mut rng).0).collect();
    println!("{values:?}");
}
