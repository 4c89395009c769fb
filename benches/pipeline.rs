//! Criterion benchmarks of each stage on a fixed synthetic corpus (about 25
//! words a sentence). Each timed loop checks a count, so no stage can be
//! optimised away.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stance::text::{sentences, tokenize_into};
use stance::{Axis, Scratch};

fn corpus() -> (Vec<String>, String) {
    let lines = stance::corpus::synthetic(2_000);
    let document = lines.join(" ");
    (lines, document)
}

fn stages(c: &mut Criterion) {
    let (lines, document) = corpus();
    let model = stance::model::embedded().expect("a model is embedded");
    let featurizer = model.featurizer();
    let mut group = c.benchmark_group("per_sentence");
    group.throughput(Throughput::Elements(lines.len() as u64));

    group.bench_function("segment", |b| {
        b.iter(|| {
            let n = sentences(&document).count();
            assert_eq!(n, lines.len());
        })
    });
    let mut tokens = Vec::new();
    group.bench_function("tokenize", |b| {
        b.iter(|| {
            let mut n = 0;
            for s in &lines {
                tokenize_into(s, &mut tokens);
                n += tokens.len();
            }
            assert!(n > lines.len() * 20);
        })
    });
    let mut scratch = Scratch::default();
    group.bench_function("featurize_with_stemming", |b| {
        b.iter(|| {
            let mut n = 0;
            for s in &lines {
                featurizer.features_into(s, &mut scratch);
                n += scratch.buckets.len();
            }
            assert!(n > lines.len() * 50);
        })
    });
    let featurized: Vec<(Vec<u32>, f32)> = lines
        .iter()
        .map(|s| {
            let v = featurizer.features_into(s, &mut scratch);
            (scratch.buckets.clone(), v)
        })
        .collect();
    group.bench_function("predict", |b| {
        b.iter(|| {
            let hostile = featurized
                .iter()
                .filter(|(buckets, v)| {
                    model.predict_buckets(buckets, *v).class(Axis::Hostility) == 0
                })
                .count();
            assert!(hostile > 0);
        })
    });
    group.bench_function("end_to_end", |b| {
        b.iter(|| {
            let hostile = lines
                .iter()
                .filter(|s| model.predict(s, &mut scratch).class(Axis::Hostility) == 0)
                .count();
            assert!(hostile > 0);
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
