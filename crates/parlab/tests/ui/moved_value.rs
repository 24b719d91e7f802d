fn main() {
    let samples = vec![0.25, 0.5];
    let handle = std::thread::spawn(move || samples.len());
    println!("{}", samples.len()); // scope: `samples` moved into the thread above
    handle.join().unwrap();
}
