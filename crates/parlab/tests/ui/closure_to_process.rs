fn main() {
    let setup = parlab::Setup::new(0.0, 1.0).unwrap();
    // scope: the closure is code and memory of this process; a worker process has neither.
    let f = |x: f64| 1.0 / (1.0 + x * x);
    parlab::process::sweep(&f, &setup, &[10, 20], 2).unwrap();
}
