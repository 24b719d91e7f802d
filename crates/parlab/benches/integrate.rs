//! Criterion benchmarks: one estimate, per-sample cost against the cost of
//! drawing the sample's random numbers, the lecture's sweep, and expressions
//! evaluated over blocks against the same functions compiled.
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use parlab::{Expr, Integrand, Rule, Sampler, Setup, parallel, serial, stream, sweep};

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

/// An expression over a block of points, beside the same function compiled
/// into the loop (a closure's `eval_block`) and beside the expression point by point.
fn expression_blocks(c: &mut Criterion) {
    let n = 10_000;
    let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    let mut out = vec![0.0; n];
    let cases: [(&str, &dyn Integrand); 3] = [
        ("1/(1+x^2)", &lecture),
        ("exp(-x^2)*sin(3*x)", &|x: f64| libm::exp(-(x * x)) * libm::sin(3.0 * x)),
        ("x^3 - 2*x + 1", &|x: f64| libm::pow(x, 3.0) - 2.0 * x + 1.0),
    ];
    let mut group = c.benchmark_group("expression over 10000 points");
    group.throughput(Throughput::Elements(n as u64));
    for (text, compiled) in cases {
        let expr = Expr::parse(text).unwrap();
        group.bench_function(BenchmarkId::new("compiled, eval_block", text), |b| {
            b.iter(|| compiled.eval_block(black_box(&xs), &mut out))
        });
        group.bench_function(BenchmarkId::new("expression, eval_block", text), |b| {
            b.iter(|| expr.eval_block(black_box(&xs), &mut out))
        });
        group.bench_function(BenchmarkId::new("expression, eval per point", text), |b| {
            b.iter(|| {
                for (y, &x) in out.iter_mut().zip(black_box(&xs)) {
                    *y = expr.eval(x);
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, per_sample, lecture_sweep, expression_blocks);
criterion_main!(benches);
