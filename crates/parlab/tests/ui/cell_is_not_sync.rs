use std::cell::Cell;

fn main() {
    let calls = Cell::new(0);
    // scope: the closure captures `calls` by reference; a Cell mutates through a shared borrow.
    let f = |x: f64| {
        calls.set(calls.get() + 1);
        x
    };
    let setup = parlab::Setup::new(0.0, 1.0).unwrap();
    let pool = parlab::parallel::Pool::new(2).unwrap();
    parlab::parallel::sweep(&f, &setup, &[10, 20], &pool).unwrap();
}
