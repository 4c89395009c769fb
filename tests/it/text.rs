//! Tokenisation, normalisation, negation marking and feature determinism.

use stance::features::{FeatureKind, FeatureOrigin};
use stance::text::{TokenKind, tokenize_into};
use stance::{FeatureConfig, Featurizer, Scratch};

fn tokens(text: &str) -> Vec<(&str, TokenKind)> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
    out.iter()
        .map(|t| (&text[t.span.clone()], t.kind))
        .collect()
}

fn words(text: &str) -> Vec<&str> {
    tokens(text)
        .into_iter()
        .filter(|(_, k)| matches!(k, TokenKind::Word | TokenKind::Number))
        .map(|(w, _)| w)
        .collect()
}

#[test]
fn tokens_keep_contractions_abbreviations_and_numbers_whole() {
    assert_eq!(
        words("The U.S. won't pay $4.5 billion, officials said."),
        [
            "The",
            "U.S",
            "won't",
            "pay",
            "4.5",
            "billion",
            "officials",
            "said"
        ]
    );
    assert_eq!(
        words("Kyiv’s envoy didn’t attend"),
        ["Kyiv’s", "envoy", "didn’t", "attend"]
    );
    assert_eq!(
        words("1,200 troops and 3 ships"),
        ["1,200", "troops", "and", "3", "ships"]
    );
}

#[test]
fn tokens_split_hyphens_and_mark_punctuation() {
    let t = tokens("so-called \"peace\" plan? No — never.");
    let kinds: Vec<TokenKind> = t.iter().map(|(_, k)| *k).collect();
    use TokenKind::*;
    assert_eq!(
        kinds,
        [
            Word,
            Word,
            Quote,
            Word,
            Quote,
            Word,
            Question,
            Word,
            ClauseBreak,
            Word,
            ClauseBreak
        ]
    );
}

#[test]
fn token_spans_are_byte_offsets_in_non_ascii_text() {
    let text = "Genève: «Le dialogue» — Zürich ✓ talks";
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
    for t in &out {
        assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
    }
    assert_eq!(words(text), ["Genève", "Le", "dialogue", "Zürich", "talks"]);
}

fn featurize(text: &str) -> Vec<FeatureOrigin> {
    let f = Featurizer::new(FeatureConfig::default()).unwrap();
    let mut scratch = Scratch::default();
    let mut origins = Vec::new();
    f.features_with_origins(text, &mut scratch, &mut origins);
    origins
}

/// The words of `text` whose unigram is marked negated.
fn negated_words(text: &str) -> Vec<String> {
    featurize(text)
        .into_iter()
        .filter(|o| o.kind == FeatureKind::Word { negated: true })
        .map(|o| text[o.span].to_string())
        .collect()
}

#[test]
fn negation_marks_content_words_up_to_the_clause_boundary() {
    assert_eq!(
        negated_words("We are willing to negotiate."),
        Vec::<String>::new()
    );
    assert_eq!(
        negated_words("We are not willing to negotiate."),
        ["willing", "negotiate"]
    );
    assert_eq!(
        negated_words("They won't talk, but we remain open."),
        ["talk"]
    );
    assert_eq!(
        negated_words("Never again will we sit down with them; talks are over"),
        ["again", "sit", "down"]
    );
    assert_eq!(negated_words("without preconditions"), ["preconditions"]);
    assert_eq!(
        negated_words("We do not seek confrontation but dialogue"),
        ["seek", "confrontation"]
    );
}

#[test]
fn negation_changes_the_features() {
    let mut a = featurize("We are willing to negotiate.");
    let mut b = featurize("We are not willing to negotiate.");
    a.sort_by_key(|o| o.bucket);
    b.sort_by_key(|o| o.bucket);
    let a: Vec<u32> = a.iter().map(|o| o.bucket).collect();
    let b: Vec<u32> = b.iter().map(|o| o.bucket).collect();
    assert!(
        a.iter().any(|x| !b.contains(x)),
        "negated sentence must lose some features"
    );
}

#[test]
fn features_are_deterministic_and_independent_of_scratch_state() {
    let f = Featurizer::new(FeatureConfig::default()).unwrap();
    let text = "The ministry said it would NOT respond to “proposals” made under threat?";
    let mut fresh = Scratch::default();
    let v1 = f.features_into(text, &mut fresh);
    let first = fresh.buckets.clone();
    let mut warm = Scratch::default();
    f.features_into(
        "Unrelated words warm the stem cache: sanctions, talks, envoys.",
        &mut warm,
    );
    let v2 = f.features_into(text, &mut warm);
    assert_eq!(first, warm.buckets);
    assert_eq!(v1, v2);
    // Case and apostrophe folding: the same features.
    let mut s = Scratch::default();
    f.features_into("they won’t talk", &mut s);
    let curly = s.buckets.clone();
    f.features_into("THEY WON'T TALK", &mut s);
    assert_eq!(curly, s.buckets);
}

#[test]
fn cue_classes_fire_for_unseen_inflections() {
    let cues: Vec<String> = featurize("They threatened retaliation and rejected the proposal")
        .into_iter()
        .filter_map(|o| match o.kind {
            FeatureKind::Cue { cue, .. } => Some(cue.name().to_string()),
            _ => None,
        })
        .collect();
    for expected in ["THREAT", "REFUSAL", "WILLINGNESS"] {
        assert!(
            cues.iter().any(|c| c == expected),
            "{expected} missing from {cues:?}"
        );
    }
}

#[test]
fn long_sentences_are_capped() {
    let long = "talks ".repeat(10_000);
    let origins = featurize(&long);
    let words = origins
        .iter()
        .filter(|o| matches!(o.kind, FeatureKind::Word { .. }))
        .count();
    assert_eq!(words, stance::features::MAX_WORDS);
}

fn sentence_features(text: &str) -> Vec<FeatureKind> {
    featurize(text)
        .into_iter()
        .map(|o| o.kind)
        .filter(|k| matches!(k, FeatureKind::ScareQuote | FeatureKind::QuotedSpeech))
        .collect()
}

#[test]
fn short_quotes_are_scare_quotes_and_long_ones_speech() {
    assert_eq!(
        sentence_features("Their “peace plan” is a trap."),
        [FeatureKind::ScareQuote]
    );
    assert_eq!(
        sentence_features("\"We will meet again in April,\" the minister said."),
        [FeatureKind::QuotedSpeech]
    );
    assert_eq!(
        sentence_features(
            "He called the \"so-called\" envoy's remarks \"constructive and very useful indeed\"."
        ),
        [FeatureKind::ScareQuote, FeatureKind::QuotedSpeech]
    );
    assert_eq!(
        sentence_features("“Talks will continue next week"),
        [FeatureKind::QuotedSpeech]
    );
    assert!(sentence_features("No quotes at all.").is_empty());
}

#[test]
fn cue_words_do_not_fire_on_unrelated_common_words() {
    for text in [
        "It will rain.",
        "The decision was made.",
        "A resolution passed.",
        "The state is large.",
    ] {
        let cues: Vec<String> = featurize(text)
            .into_iter()
            .filter_map(|o| match o.kind {
                FeatureKind::Cue { cue, .. } => Some(cue.name().to_string()),
                _ => None,
            })
            .collect();
        assert!(cues.is_empty(), "{text}: {cues:?}");
    }
}
