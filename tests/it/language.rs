//! Language check: non-English text is left unscored, English never is.

use stance::language::{NotEnglish, detect};

#[test]
fn no_sentence_of_our_english_datasets_is_taken_for_another_language() {
    for file in [
        "datasets/train.csv",
        "datasets/test.csv",
        "datasets/probes/negation.csv",
        "datasets/probes/talk-words.csv",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let text_column = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "text")
            .unwrap();
        for row in reader.records() {
            let row = row.unwrap();
            let text = &row[text_column];
            assert_eq!(detect(text), None, "{file}: {text}");
        }
    }
}

#[test]
fn english_quoting_other_languages_and_foreign_names_stays_english() {
    for text in [
        "The minister said \"nous ne négocierons pas\" before leaving the room.",
        "Ursula von der Leyen said the bloc would respond in kind.",
        "El Salvador and the UN signed a deal with al-Sudani's government.",
        "Protesters chanted «Слава героям» outside the embassy on Sunday.",
        "The ministers met in Den Haag, then flew to Da Nang.",
        "Talks resume.",
        "戦争 is not the answer, the envoy wrote in his statement today.",
    ] {
        assert_eq!(detect(text), None, "{text}");
    }
}

#[test]
fn other_languages_are_named_by_script_or_function_words() {
    use NotEnglish::{Script, Words};
    for (text, expected) in [
        (
            "Le gouvernement rejette ces accusations et reste ouvert au dialogue.",
            Words("French"),
        ),
        (
            "Las autoridades piden diálogo con sus vecinos y rechazan las sanciones.",
            Words("Spanish"),
        ),
        (
            "Die Regierung ist nicht bereit, mit den Rebellen zu verhandeln.",
            Words("German"),
        ),
        (
            "Il governo non accetta le minacce e chiede una soluzione per la crisi.",
            Words("Italian"),
        ),
        (
            "O ministro disse que o governo não aceita as sanções e pede diálogo.",
            Words("Portuguese"),
        ),
        (
            "De regering is niet van plan om met de rebellen te praten.",
            Words("Dutch"),
        ),
        (
            "Pemerintah tidak akan menerima ancaman dari negara mana pun.",
            Words("Indonesian or Malay"),
        ),
        (
            "Hükümet bu tehditleri kabul etmeyecek ve diyaloğa açık olarak kalacak.",
            Words("Turkish"),
        ),
        (
            "Serikali yetu iko tayari kwa mazungumzo na majirani wetu katika eneo hili.",
            Words("Swahili"),
        ),
        (
            "Мы готовы к переговорам, но не под давлением.",
            Script("Cyrillic"),
        ),
        ("我们愿意与各方进行对话。", Script("Chinese (Han)")),
        ("نحن مستعدون للحوار مع جيراننا", Script("Arabic")),
        ("Η κυβέρνηση απορρίπτει τις κατηγορίες.", Script("Greek")),
        ("הממשלה דוחה את ההאשמות", Script("Hebrew")),
        ("सरकार बातचीत के लिए तैयार है", Script("Indic")),
        ("정부는 대화할 준비가 되어 있다", Script("Hangul")),
    ] {
        assert_eq!(detect(text), Some(expected), "{text}");
    }
}
