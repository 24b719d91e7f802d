use std::rc::Rc;

fn main() {
    let scale = Rc::new(2.0);
    // scope: the closure owns the Rc; Rc is not Sync, so neither is the closure.
    let f = move |x: f64| *scale * x;
    let setup = parlab::Setup::new(0.0, 1.0).unwrap();
    let pool = parlab::parallel::Pool::new(2).unwrap();
    parlab::parallel::sweep(&f, &setup, &[10, 20], &pool).unwrap();
}
