fn spawn_sum() -> std::thread::JoinHandle<f64> {
    let samples = vec![0.25, 0.5, 0.75];
    // scope: the closure captures `samples` by reference, but the thread may outlive it.
    std::thread::spawn(|| samples.iter().sum())
}

fn main() {
    println!("{}", spawn_sum().join().unwrap());
}
