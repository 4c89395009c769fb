//! The shipped datasets keep the promises of `datasets/README.md`: schema,
//! label words, unique ids, class floors, lengths, no exact or near
//! duplicates within or across train, test and the probes, and varied
//! openings.

use std::collections::{HashMap, HashSet};
use std::path::Path;

const COLUMNS: [&str; 6] = ["id", "text", "hostility", "diplomacy", "register", "topic"];
const PROBE_COLUMNS: [&str; 7] = [
    "id",
    "text",
    "hostility",
    "diplomacy",
    "register",
    "topic",
    "case",
];
/// Every labeled file: training, held-out test, and probes (held out too,
/// never trained on).
const FILES: [&str; 4] = [
    "train.csv",
    "test.csv",
    "probes/negation.csv",
    "probes/talk-words.csv",
];
const REGISTERS: [&str; 10] = [
    "leader_speech",
    "state_media",
    "ministry_briefing",
    "news_report",
    "analyst_commentary",
    "joint_communique",
    "multilateral_address",
    "social_media",
    "parliamentary_debate",
    "military_statement",
];
const TOPICS: [&str; 10] = [
    "security",
    "nuclear",
    "territory",
    "trade_sanctions",
    "maritime",
    "cyber",
    "elections",
    "humanitarian",
    "climate",
    "negotiations",
];

struct Row {
    id: String,
    text: String,
    hostility: String,
    diplomacy: String,
}

fn read(name: &str) -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets")
        .join(name);
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header = reader.headers().unwrap().clone();
    // Probes also carry each sentence's hard-case tags.
    let expected: &[&str] = if name.starts_with("probes/") {
        &PROBE_COLUMNS
    } else {
        &COLUMNS
    };
    assert_eq!(header.iter().collect::<Vec<_>>(), expected, "{name} header");
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.unwrap_or_else(|e| panic!("{name} row {}: {e}", i + 2));
            assert!(
                REGISTERS.contains(&&r[4]),
                "{name}:{}: register {:?}",
                i + 2,
                &r[4]
            );
            assert!(
                TOPICS.contains(&&r[5]),
                "{name}:{}: topic {:?}",
                i + 2,
                &r[5]
            );
            Row {
                id: r[0].to_string(),
                text: r[1].to_string(),
                hostility: r[2].to_string(),
                diplomacy: r[3].to_string(),
            }
        })
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn trigrams(text: &str) -> HashSet<[String; 3]> {
    let w = words(text);
    w.windows(3)
        .map(|t| [t[0].clone(), t[1].clone(), t[2].clone()])
        .collect()
}

#[test]
fn datasets_have_size_labels_and_class_floors() {
    for (name, min_rows) in [
        ("train.csv", 6000),
        ("test.csv", 1500),
        ("probes/negation.csv", 1000),
        ("probes/talk-words.csv", 1000),
    ] {
        let rows = read(name);
        assert!(rows.len() >= min_rows, "{name}: {} rows", rows.len());
        for (axis, labels, get) in [
            (
                "hostility",
                ["hostile", "neutral", "friendly"],
                (|r: &Row| r.hostility.as_str()) as fn(&Row) -> &str,
            ),
            ("diplomacy", ["open", "none", "closed"], |r: &Row| {
                r.diplomacy.as_str()
            }),
        ] {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for r in &rows {
                let label = get(r);
                assert!(
                    labels.contains(&label),
                    "{name} {}: {axis} label {label:?}",
                    r.id
                );
                *counts.entry(label).or_default() += 1;
            }
            for label in labels {
                let share = counts.get(label).copied().unwrap_or(0) as f64 / rows.len() as f64;
                assert!(
                    share >= 0.10,
                    "{name}: {axis}={label} is {:.1}%",
                    share * 100.0
                );
            }
        }
        for r in &rows {
            let n = r.text.split_whitespace().count();
            assert!((4..=70).contains(&n), "{name} {}: {n} words", r.id);
        }
    }
}

#[test]
fn ids_are_unique_across_files() {
    let mut seen = HashSet::new();
    for name in FILES {
        for r in read(name) {
            assert!(seen.insert(r.id.clone()), "duplicate id {}", r.id);
        }
    }
}

#[test]
fn no_exact_or_near_duplicates_within_or_across_files() {
    let rows: Vec<(String, Row)> = FILES
        .iter()
        .flat_map(|name| read(name).into_iter().map(move |r| (name.to_string(), r)))
        .collect();
    let grams: Vec<HashSet<[String; 3]>> = rows.iter().map(|(_, r)| trigrams(&r.text)).collect();
    let mut exact = HashMap::new();
    let mut index: HashMap<&[String; 3], Vec<usize>> = HashMap::new();
    for (i, (file, r)) in rows.iter().enumerate() {
        if let Some(prev) = exact.insert(words(&r.text).join(" "), (file, &r.id)) {
            panic!("{} in {file} repeats {} in {}", r.id, prev.1, prev.0);
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for g in &grams[i] {
            for &j in index.get(g).map(Vec::as_slice).unwrap_or(&[]) {
                *shared.entry(j).or_default() += 1;
            }
        }
        for (j, inter) in shared {
            let union = grams[i].len() + grams[j].len() - inter;
            let jaccard = inter as f64 / union as f64;
            assert!(
                jaccard < 0.5,
                "{} ({file}) and {} ({}) share {:.2} of their trigrams",
                r.id,
                rows[j].1.id,
                rows[j].0,
                jaccard
            );
        }
        for g in &grams[i] {
            index.entry(g).or_default().push(i);
        }
    }
}

#[test]
fn sentence_openings_are_varied() {
    for name in FILES {
        let mut openings: HashMap<String, usize> = HashMap::new();
        for r in read(name) {
            let first: Vec<&str> = r.text.split_whitespace().take(4).collect();
            *openings.entry(first.join(" ").to_lowercase()).or_default() += 1;
        }
        let (worst, n) = openings.iter().max_by_key(|(_, n)| **n).unwrap();
        assert!(*n <= 25, "{name}: {n} sentences open with {worst:?}");
    }
}
