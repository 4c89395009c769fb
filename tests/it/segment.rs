//! Sentence segmentation on news, statement and transcript snippets.

use stance::text::sentences;

/// The sentences of `text` as strings, after checking the span invariants
/// every caller relies on.
fn split(text: &str) -> Vec<&str> {
    let mut prev_end = 0;
    let mut out = Vec::new();
    for span in sentences(text) {
        assert!(
            prev_end <= span.start && span.start < span.end,
            "bad span {span:?} after {prev_end}"
        );
        assert!(span.end - span.start <= 4096, "over-long span {span:?}");
        let s = text.get(span.clone()).expect("span off a char boundary");
        assert_eq!(s, s.trim(), "untrimmed sentence {s:?}");
        prev_end = span.end;
        out.push(s);
    }
    out
}

fn check(text: &str, expected: &[&str]) {
    assert_eq!(split(text), expected, "input: {text:?}");
}

#[test]
fn plain_news_paragraph() {
    check(
        "Russia and Ukraine held talks in Istanbul on Monday. Both sides agreed to exchange prisoners. \
         Further meetings are planned.",
        &[
            "Russia and Ukraine held talks in Istanbul on Monday.",
            "Both sides agreed to exchange prisoners.",
            "Further meetings are planned.",
        ],
    );
}

#[test]
fn dotted_acronyms_mid_sentence() {
    check(
        "The U.S. and the E.U. urged restraint at the U.N. Security Council, while the U.K. abstained.",
        &[
            "The U.S. and the E.U. urged restraint at the U.N. Security Council, while the U.K. abstained.",
        ],
    );
}

#[test]
fn dotted_acronym_before_a_name_is_not_a_boundary() {
    check(
        "U.S. President Joe Biden met U.N. Secretary-General Antonio Guterres. The U.S. Treasury declined to comment.",
        &[
            "U.S. President Joe Biden met U.N. Secretary-General Antonio Guterres.",
            "The U.S. Treasury declined to comment.",
        ],
    );
}

#[test]
fn dotted_acronym_ending_a_sentence_before_an_opener() {
    check(
        "Beijing announced new sanctions on the U.S. The ministry said the measures take effect at once. \
         Tehran blamed the U.K. It gave no evidence.",
        &[
            "Beijing announced new sanctions on the U.S.",
            "The ministry said the measures take effect at once.",
            "Tehran blamed the U.K.",
            "It gave no evidence.",
        ],
    );
}

#[test]
fn titles_never_end_a_sentence() {
    check(
        "Mr. Blinken met Dr. Ali and Gen. Mark Milley. Lt. Col. Vindman, Sen. Graham, Rep. Ocasio-Cortez \
         and Amb. Thomas-Greenfield attended. Gov. Newsom sent Mrs. Clinton and Ms. Power a note.",
        &[
            "Mr. Blinken met Dr. Ali and Gen. Mark Milley.",
            "Lt. Col. Vindman, Sen. Graham, Rep. Ocasio-Cortez and Amb. Thomas-Greenfield attended.",
            "Gov. Newsom sent Mrs. Clinton and Ms. Power a note.",
        ],
    );
}

#[test]
fn more_titles_and_places() {
    check(
        "Prof. Mearsheimer spoke in St. Petersburg. Capt. Lee, Maj. Ruiz, Adm. Kirby and Sgt. Diaz were named. \
         Col. Haddad declined.",
        &[
            "Prof. Mearsheimer spoke in St. Petersburg.",
            "Capt. Lee, Maj. Ruiz, Adm. Kirby and Sgt. Diaz were named.",
            "Col. Haddad declined.",
        ],
    );
}

#[test]
fn month_abbreviations_in_dates() {
    check(
        "The ceasefire took effect on Jan. 5, 2026, and was extended on Feb. 12. Talks stalled between Sept. 3 \
         and Oct. 9. The summit is set for Dec. 1.",
        &[
            "The ceasefire took effect on Jan. 5, 2026, and was extended on Feb. 12.",
            "Talks stalled between Sept. 3 and Oct. 9.",
            "The summit is set for Dec. 1.",
        ],
    );
}

#[test]
fn month_abbreviation_ending_a_sentence() {
    check(
        "The envoy last visited in Nov. The ministry gave no date for a new trip.",
        &[
            "The envoy last visited in Nov.",
            "The ministry gave no date for a new trip.",
        ],
    );
}

#[test]
fn numbered_references() {
    check(
        "He spoke outside No. 10 Downing Street. Art. 5 of the treaty has been invoked once. \
         Resolutions Nos. 242 and 338 remain the basis.",
        &[
            "He spoke outside No. 10 Downing Street.",
            "Art. 5 of the treaty has been invoked once.",
            "Resolutions Nos. 242 and 338 remain the basis.",
        ],
    );
}

#[test]
fn roman_numerals_after_number_signs() {
    check(
        "Under Art. IV of the NPT and Ch. VII of the Charter, Vol. II applies. He said No. I will stay.",
        &[
            "Under Art. IV of the NPT and Ch. VII of the Charter, Vol. II applies.",
            "He said No.",
            "I will stay.",
        ],
    );
}

#[test]
fn no_as_an_answer_still_ends_a_sentence() {
    check(
        "Asked whether the talks had failed, the spokesman said: No. The process continues.",
        &[
            "Asked whether the talks had failed, the spokesman said: No.",
            "The process continues.",
        ],
    );
}

#[test]
fn latin_and_list_abbreviations() {
    check(
        "Key sectors, e.g. Energy and shipping, are covered, i.e. Most exports. Iran vs. Israel dominated, \
         along with trade, migration, etc. and other files. Officials listed oil, gas, etc. The list was long.",
        &[
            "Key sectors, e.g. Energy and shipping, are covered, i.e. Most exports.",
            "Iran vs. Israel dominated, along with trade, migration, etc. and other files.",
            "Officials listed oil, gas, etc.",
            "The list was long.",
        ],
    );
}

#[test]
fn company_abbreviations() {
    check(
        "Samsung Co. Ltd. and Lockheed Martin Corp. won contracts. The deal went to Rosatom Inc. The company \
         confirmed it. Sources at Acme Inc. said otherwise.",
        &[
            "Samsung Co. Ltd. and Lockheed Martin Corp. won contracts.",
            "The deal went to Rosatom Inc.",
            "The company confirmed it.",
            "Sources at Acme Inc. said otherwise.",
        ],
    );
}

#[test]
fn junior_and_senior() {
    check(
        "The embassy closed for Martin Luther King Jr. Day. The statement was signed by John Smith Sr. He did \
         not take questions.",
        &[
            "The embassy closed for Martin Luther King Jr. Day.",
            "The statement was signed by John Smith Sr.",
            "He did not take questions.",
        ],
    );
}

#[test]
fn initials() {
    check(
        "J. R. Smith of the State Department briefed George W. Bush and H. R. McMaster. A. J. Blinken was absent.",
        &[
            "J. R. Smith of the State Department briefed George W. Bush and H. R. McMaster.",
            "A. J. Blinken was absent.",
        ],
    );
}

#[test]
fn numbers_decimals_and_versions() {
    check(
        "Growth slowed to 3.5 percent. Aid worth $4.5 billion was pledged for 2026. Protocol 1.2.0 was adopted.",
        &[
            "Growth slowed to 3.5 percent.",
            "Aid worth $4.5 billion was pledged for 2026.",
            "Protocol 1.2.0 was adopted.",
        ],
    );
}

#[test]
fn times_of_day() {
    check(
        "The vote began at 10.30 a.m. on Friday and ended at 3 p.m. Saturday. Envoys met until 9 p.m. The \
         communique came at midnight.",
        &[
            "The vote began at 10.30 a.m. on Friday and ended at 3 p.m. Saturday.",
            "Envoys met until 9 p.m.",
            "The communique came at midnight.",
        ],
    );
}

#[test]
fn abbreviation_before_imperative_or_title() {
    check(
        "Polls close at 7 p.m. Go vote! Talks with the U.S. Mr. Araghchi said would resume. The firm is Acme Co. Let's see.",
        &[
            "Polls close at 7 p.m.",
            "Go vote!",
            "Talks with the U.S.",
            "Mr. Araghchi said would resume.",
            "The firm is Acme Co.",
            "Let's see.",
        ],
    );
}

#[test]
fn ascii_ellipsis() {
    check(
        "We are ready to talk... But not under threat. The offer stands... for now.",
        &[
            "We are ready to talk...",
            "But not under threat.",
            "The offer stands... for now.",
        ],
    );
}

#[test]
fn unicode_ellipsis() {
    check(
        "Diplomacy takes time… The envoy is patient. Yet patience… has limits.",
        &[
            "Diplomacy takes time…",
            "The envoy is patient.",
            "Yet patience… has limits.",
        ],
    );
}

#[test]
fn spaced_ellipsis() {
    check(
        "The treaty reads: \"the parties shall . . . refrain from force.\" It was signed in 1970.",
        &[
            "The treaty reads: \"the parties shall . . . refrain from force.\"",
            "It was signed in 1970.",
        ],
    );
}

#[test]
fn closing_quote_after_full_stop() {
    check(
        "The minister said: \"We will respond.\" The next day, troops moved.",
        &[
            "The minister said: \"We will respond.\"",
            "The next day, troops moved.",
        ],
    );
}

#[test]
fn quote_continued_by_attribution() {
    check(
        "\"We will not be intimidated...\" he said. \"This is final.\" she added. \"Enough.\" Officials left.",
        &[
            "\"We will not be intimidated...\" he said.",
            "\"This is final.\" she added.",
            "\"Enough.\"",
            "Officials left.",
        ],
    );
}

#[test]
fn brackets_after_full_stop() {
    check(
        "The text was amended (see the annex.) The vote followed. (Reporting by Jane Doe.) Editing by John Roe.",
        &[
            "The text was amended (see the annex.)",
            "The vote followed.",
            "(Reporting by Jane Doe.)",
            "Editing by John Roe.",
        ],
    );
}

#[test]
fn curly_quotes_and_guillemets() {
    check(
        "He called it “a grave mistake.” The embassy replied. She said ‘never again.’ It was «inacceptable.» \
         Talks resumed.",
        &[
            "He called it “a grave mistake.”",
            "The embassy replied.",
            "She said ‘never again.’",
            "It was «inacceptable.»",
            "Talks resumed.",
        ],
    );
}

#[test]
fn questions_and_exclamations() {
    check(
        "Who benefits from this war? Not the people! Is this a joke?! Never!! The briefing ended.",
        &[
            "Who benefits from this war?",
            "Not the people!",
            "Is this a joke?!",
            "Never!!",
            "The briefing ended.",
        ],
    );
}

#[test]
fn question_in_quotes_continued_by_attribution() {
    check(
        "'Why now?' he asked. “Who gave the order?” a reporter shouted. \"Why now?\" The minister did not answer.",
        &[
            "'Why now?' he asked.",
            "“Who gave the order?” a reporter shouted.",
            "\"Why now?\"",
            "The minister did not answer.",
        ],
    );
}

#[test]
fn semicolons_and_colons_do_not_end_sentences() {
    check(
        "The statement was clear: sanctions stay; talks continue; no deadline was set. Both sides agreed.",
        &[
            "The statement was clear: sanctions stay; talks continue; no deadline was set.",
            "Both sides agreed.",
        ],
    );
}

#[test]
fn blank_line_always_ends_a_sentence() {
    check(
        "Joint statement by the foreign ministers\n\nThe ministers met in Geneva\n \nand agreed on a roadmap",
        &[
            "Joint statement by the foreign ministers",
            "The ministers met in Geneva",
            "and agreed on a roadmap",
        ],
    );
}

#[test]
fn hard_wrapped_paragraph_keeps_sentences_whole() {
    check(
        "The foreign minister said on Tuesday that his government was ready to\nresume talks with\n\
         Washington, provided that sanctions were lifted. He added that the\nproposal had been sent to\n\
         the U.N. Secretary-General.",
        &[
            "The foreign minister said on Tuesday that his government was ready to\nresume talks with\n\
             Washington, provided that sanctions were lifted.",
            "He added that the\nproposal had been sent to\nthe U.N. Secretary-General.",
        ],
    );
}

#[test]
fn heading_lines_stand_alone() {
    check(
        "China warns U.S. over Taiwan arms sales\nBy Jane Doe\nBEIJING, Jan. 5 (Reuters) - China on Monday \
         warned the United States.",
        &[
            "China warns U.S. over Taiwan arms sales",
            "By Jane Doe",
            "BEIJING, Jan. 5 (Reuters) - China on Monday warned the United States.",
        ],
    );
}

#[test]
fn long_unpunctuated_line_is_not_a_heading() {
    let text = "The delegations from the two countries met for several hours in the capital without\n\
                Western mediators present";
    check(text, &[text]);
}

#[test]
fn dash_star_and_dot_bullets() {
    check(
        "The communique calls for:\n- an immediate ceasefire\n* the release of hostages\n• humanitarian access.\n\
         The text was adopted.",
        &[
            "The communique calls for:",
            "an immediate ceasefire",
            "the release of hostages",
            "humanitarian access.",
            "The text was adopted.",
        ],
    );
}

#[test]
fn numbered_items() {
    check(
        "Main points\n1. Troops withdraw within 30 days.\n2) Prisoners are exchanged.\n(3) Monitors are deployed\n\
         10. A review follows in 2027.",
        &[
            "Main points",
            "Troops withdraw within 30 days.",
            "Prisoners are exchanged.",
            "Monitors are deployed",
            "A review follows in 2027.",
        ],
    );
}

#[test]
fn wrapped_bullet_item() {
    check(
        "- The parties commit to a ceasefire along the\n  current line of contact.\n- Talks resume in May.",
        &[
            "The parties commit to a ceasefire along the\n  current line of contact.",
            "Talks resume in May.",
        ],
    );
}

#[test]
fn transcript_with_speaker_labels() {
    check(
        "QUESTION: Will you meet Mr. Lavrov? MS. SPOKESPERSON: We have no plans to. QUESTION: Why not?",
        &[
            "QUESTION: Will you meet Mr. Lavrov?",
            "MS. SPOKESPERSON: We have no plans to.",
            "QUESTION: Why not?",
        ],
    );
}

#[test]
fn urls_and_hyphenated_acronyms() {
    check(
        "Details are at www.state.gov. The U.S.-China dialogue resumes. Read more at https://un.org/en/?q=1. Thanks.",
        &[
            "Details are at www.state.gov.",
            "The U.S.-China dialogue resumes.",
            "Read more at https://un.org/en/?q=1.",
            "Thanks.",
        ],
    );
}

#[test]
fn non_ascii_text_and_offsets() {
    let text = "  Erdoğan met Zelenskyy in İstanbul. Über 40 Länder — “sehr gut.” Next: Kraków!  ";
    check(
        text,
        &[
            "Erdoğan met Zelenskyy in İstanbul.",
            "Über 40 Länder — “sehr gut.”",
            "Next: Kraków!",
        ],
    );
    let spans: Vec<_> = sentences(text).collect();
    assert_eq!(spans, [2..38, 39..75, 76..90]);
}

#[test]
fn right_to_left_scripts_and_emoji() {
    check(
        "قال الوزير إن المحادثات مستمرة. ‏השיחות יימשכו. 🇺🇦 Kyiv welcomed the move 👍. Really?",
        &[
            "قال الوزير إن المحادثات مستمرة.",
            "‏השיחות יימשכו.",
            "🇺🇦 Kyiv welcomed the move 👍.",
            "Really?",
        ],
    );
}

#[test]
fn crlf_and_unicode_line_separators() {
    check(
        "Press release\r\n\r\nThe talks ended.\r\nThe parties\r\nsigned.\u{2029}Annex\u{2028}- item one",
        &[
            "Press release",
            "The talks ended.",
            "The parties\r\nsigned.",
            "Annex",
            "item one",
        ],
    );
}

#[test]
fn empty_whitespace_and_bare_bullets() {
    check("", &[]);
    check(" \n\t \u{a0}\u{feff}", &[]);
    check("-\n*\n1.", &[]);
    check("\u{feff}Statement.", &["Statement."]);
}

#[test]
fn controls_and_nul_bytes_are_content() {
    check(
        "Talks\0 ended. \u{7}Next\u{1b}[0m one.\u{7} Still one. \0",
        &[
            "Talks\0 ended.",
            "\u{7}Next\u{1b}[0m one.\u{7} Still one.",
            "\0",
        ],
    );
}

#[test]
fn over_long_sentence_is_cut_at_whitespace() {
    let word = "sanctions ";
    let text = word.repeat(1000);
    let parts = split(&text);
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[0].len(),
        4089,
        "cut after the last whole word under 4096 bytes"
    );
    assert!(
        parts
            .iter()
            .all(|p| p.starts_with("sanctions") && p.ends_with("sanctions"))
    );
    assert_eq!(parts.join(" "), text.trim_end());
}

#[test]
fn over_long_word_is_cut_at_a_char_boundary() {
    // 'é' is two bytes: 4096 is a boundary; with an 'x' in front it is not.
    let text = format!("x{}", "é".repeat(3000));
    let parts = split(&text);
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [4095, 1906]
    );
    assert_eq!(parts.concat(), text);
}

#[test]
fn huge_inputs_stay_linear() {
    let line = "a".repeat(50 << 20);
    let parts = sentences(&line).count();
    assert_eq!(parts, (50 << 20) / 4096);
    for unit in [
        "U.S. ", "a.", ". ", "...", "\n \n", " ", "?!\"", "- ", "1.\n", "é",
    ] {
        let text = unit.repeat((256 << 10) / unit.len());
        for span in sentences(&text) {
            assert!(span.end - span.start <= 4096 && text.is_char_boundary(span.start));
        }
    }
}

#[test]
fn arbitrary_input_never_breaks_invariants() {
    let alphabet = [
        "a", "Z", " ", "\n", "\r", ".", "!", "?", "\"", "'", ")", "(", "…", "”", "“", "’", "»",
        "-", "•", "1", ";", "é", "İ", "ß", "中", "ع", "🇺", "🎉", "\u{2029}", "\u{feff}", "\u{a0}",
        "\0", "\t", "Mr", "U.S", "No", "The",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut text = String::new();
    for _ in 0..2000 {
        text.clear();
        for _ in 0..(state % 60) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        split(&text);
        // Only whitespace and list markers may fall between sentences.
        let mut prev = 0;
        for span in sentences(&text).chain(std::iter::once(text.len()..text.len())) {
            let dropped = &text[prev..span.start];
            assert!(
                dropped
                    .chars()
                    .all(|c| c.is_whitespace() || "\u{feff}-•1.()a".contains(c)),
                "dropped {dropped:?} from {text:?}"
            );
            prev = span.end;
        }
    }
}
