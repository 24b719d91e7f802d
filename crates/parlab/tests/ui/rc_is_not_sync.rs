use std::rc::Rc;

fn main() {
    let height = Rc::new(1.0);
    // scope: the closure owns the Rc; sharing the closure would share the Rc's count.
    let f = move |x: f64| *height / (1.0 + x * x);
    let setup = parlab::Setup::new(0.0, 1.0).unwrap();
    parlab::chunked::sweep(&f, &setup, &[10, 20], 2).unwrap();
}
