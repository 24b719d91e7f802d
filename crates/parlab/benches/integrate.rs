//! Criterion benchmarks: one estimate, per-sample cost against the cost of
//! drawing the sample's random numbers, and the lecture's sweep.
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use parlab::{Rule, Sampler, Setup, parallel, serial, stream, sweep};

fn lecture(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

fn per_sample(c: &mut Criterion) {
    let n = 10_000u64;
    let mut group = c.benchmark_group("per-sample");
    group.throughput(Throughput::Elements(n));
    group.bench_function("draw uniforms only", |b| {
        b.iter(|| {
            let mut s = stream::stream(7, n);
            (0..n).map(|_| s.uniform()).sum::<f64>()
        })
    });
    group.bench_function("draw exponentials only", |b| {
        b.iter(|| {
            let mut s = stream::stream(7, n);
            (0..=n).map(|_| s.exp1()).sum::<f64>()
        })
    });
    for sampler in Sampler::ALL {
        let setup = Setup::new(0.0, 1.0).unwrap().with_sampler(sampler);
        group.bench_with_input(BenchmarkId::new("lecture estimate", sampler), &setup, |b, setup| {
            b.iter(|| setup.estimate(&lecture, black_box(n)).unwrap())
        });
    }
    for rule in [Rule::MonteCarlo, Rule::Trapezoid, Rule::Simpson] {
        let setup = Setup::new(0.0, 1.0).unwrap().with_rule(rule);
        group.bench_with_input(BenchmarkId::new("estimate", rule), &setup, |b, setup| {
            b.iter(|| setup.estimate(&lecture, black_box(n)).unwrap())
        });
    }
    group.finish();
}

fn lecture_sweep(c: &mut Criterion) {
    let sizes = sweep::below(2000);
    let setup = Setup::new(0.0, 1.0).unwrap().with_seed(7);
    let mut group = c.benchmark_group("lecture sweep N=2000");
    group.sample_size(20);
    group.bench_function("serial", |b| b.iter(|| serial::sweep(&lecture, &setup, &sizes).unwrap()));
    let pool = parallel::Pool::available().unwrap();
    group.bench_function(format!("rayon({})", pool.threads()), |b| {
        b.iter(|| parallel::sweep(&lecture, &setup, &sizes, &pool).unwrap())
    });
    group.finish();
}

criterion_group!(benches, per_sample, lecture_sweep);
criterion_main!(benches);
