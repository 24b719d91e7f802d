fn main() {
    let split = parlab::split::Split::new(parlab::Setup::new(0.0, 1.0).unwrap(), 3_000_000).unwrap();
    // scope: the closure is code and memory of this process; a worker process has neither.
    let f = |x: f64| 1.0 / (1.0 + x * x);
    parlab::split::process(&f, &split, 2).unwrap();
}
