//! A deterministic synthetic corpus for benchmarks: news-like sentences of
//! about 25 words built from fixed phrase lists by a fixed generator, so
//! every machine and every run measures the same text.

const SUBJECTS: &[&str] = &[
    "The foreign ministry",
    "A senior defence official",
    "The prime minister",
    "State media",
    "The spokesperson for the ministry",
    "Diplomats in Geneva",
    "The joint statement",
    "Officials in Nairobi",
    "The opposition leader",
    "The navy",
    "Analysts in Seoul",
    "The president's office",
    "The envoy",
    "Lawmakers in Brasilia",
    "The security council",
    "Negotiators from both sides",
];
const VERBS: &[&str] = &[
    "said on Tuesday that",
    "warned that",
    "announced that",
    "insisted that",
    "told reporters that",
    "noted with concern that",
    "welcomed news that",
    "denied reports that",
    "confirmed late on Friday that",
    "argued that",
];
const CLAUSES: &[&str] = &[
    "the talks would resume next month in Vienna",
    "any incursion into its waters would be met with a firm response",
    "the two governments remain ready to settle the dispute through dialogue",
    "sanctions on twelve banks would stay in place until the drills stop",
    "the delegation had thanked its hosts for their warm hospitality",
    "there was nothing left to discuss with a government that shells villages",
    "humanitarian convoys reached the border town after weeks of delay",
    "the ceasefire agreed in March had largely held despite sporadic clashes",
    "a new round of consultations on the maritime boundary would open soon",
    "the missile launch was a reckless provocation aimed at its neighbours",
    "trade between the two countries rose by four percent last year",
    "its proposal for a joint commission on water sharing was still on the table",
];
const TAILS: &[&str] = &[
    "according to a statement released after the meeting.",
    "although no date has been set for a further round.",
    "and called on all parties to show restraint.",
    "while rejecting what it called baseless accusations.",
    "in remarks carried by the state news agency.",
    "as both navies expanded patrols in the disputed strait.",
    "before leaving for the summit in Addis Ababa.",
    "adding that the door to talks remained open.",
];

/// `n` sentences, the same for the same `n` on every machine.
pub fn synthetic(n: usize) -> Vec<String> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut pick = |len: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % len as u64) as usize
    };
    (0..n)
        .map(|_| {
            format!(
                "{} {} {} {}",
                SUBJECTS[pick(SUBJECTS.len())],
                VERBS[pick(VERBS.len())],
                CLAUSES[pick(CLAUSES.len())],
                TAILS[pick(TAILS.len())]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn corpus_is_deterministic_and_news_length() {
        let a = super::synthetic(2000);
        assert_eq!(a, super::synthetic(2000));
        let words: usize = a.iter().map(|s| s.split_whitespace().count()).sum();
        let mean = words as f64 / a.len() as f64;
        assert!((20.0..30.0).contains(&mean), "mean {mean} words");
    }
}
