//! Row writers for classification output: JSON Lines, CSV and a table.
//! Hand-written rather than serde-driven: the writer runs once per sentence
//! and must keep up with the classifier.

use std::io::{self, Write};

use stance::language::NotEnglish;
use stance::records::{Field, FieldValue};
use stance::summary::DocumentSummary;
use stance::{Axis, Prediction};

use super::Format;

/// The fields of a csv/jsonl input record that pass through to its rows.
pub struct Passthrough<'a> {
    /// The line the record starts on.
    pub line: u64,
    pub fields: &'a [Field],
}

/// One scored sentence, ready to print.
pub struct Row<'a> {
    /// The source (and line) for plain-text input.
    pub id: &'a str,
    /// The input record, for csv/jsonl input; replaces `id` in the output.
    pub record: Option<Passthrough<'a>>,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// The prediction, or why the sentence was not scored.
    pub scored: Result<&'a Prediction, NotEnglish>,
    /// JSON added to a jsonl row as `"explanation"` (with `--explain`).
    pub explanation: Option<&'a str>,
}

/// Writes rows in one format.
pub struct RowWriter<W: Write> {
    out: W,
    format: Format,
    started: bool,
    /// Below this top probability an axis's label is printed as `uncertain`.
    min_confidence: f32,
    /// Colour the table's labels.
    color: bool,
    /// Pass-through field names, fixed by the first record (csv output
    /// needs one header for all rows).
    columns: Vec<String>,
}

/// Output names a pass-through field may not take: it is written as
/// `input_<name>` instead.
const OWN_NAMES: &[&str] = &[
    "line",
    "sentence",
    "start",
    "end",
    "text",
    "hostility",
    "hostility_score",
    "p_hostile",
    "p_neutral",
    "p_friendly",
    "diplomacy",
    "openness_score",
    "p_open",
    "p_none",
    "p_closed",
    "explanation",
    "sentences",
    "mean_hostility",
    "max_hostility",
    "hostile_share",
    "friendly_share",
    "mean_openness",
    "open_share",
    "closed_share",
    "most_hostile",
    "most_open",
];

fn write_name(o: &mut impl Write, name: &str) -> io::Result<()> {
    if OWN_NAMES.contains(&name) {
        o.write_all(b"input_")?;
    }
    o.write_all(name.as_bytes())
}

fn json_field(o: &mut impl Write, field: &Field) -> io::Result<()> {
    o.write_all(b"\"")?;
    write_name(o, &field.name)?;
    o.write_all(b"\":")?;
    match &field.value {
        FieldValue::Text(t) => json_str(o, t),
        FieldValue::Json(raw) => o.write_all(raw.as_bytes()),
    }
}

const SUMMARY_CSV_HEADER: &str = "id,sentences,mean_hostility,max_hostility,hostile_share,friendly_share,mean_openness,open_share,closed_share,most_hostile,most_open,unscored\n";
const CSV_HEADER: &str = "id,sentence,start,end,text,hostility,hostility_score,p_hostile,p_neutral,p_friendly,diplomacy,openness_score,p_open,p_none,p_closed,unscored\n";

impl<W: Write> RowWriter<W> {
    pub fn new(out: W, format: Format, min_confidence: f32) -> Self {
        RowWriter {
            out,
            format,
            started: false,
            min_confidence,
            color: false,
            columns: Vec::new(),
        }
    }

    /// Colours the table's labels (for a terminal).
    pub fn with_color(mut self, color: bool) -> Self {
        self.color = color;
        self
    }

    /// Writes the header of csv output with pass-through columns.
    fn csv_header(&mut self, record: &Passthrough, own: &str) -> io::Result<()> {
        self.columns = record.fields.iter().map(|f| f.name.clone()).collect();
        for name in &self.columns {
            write_name(&mut self.out, name)?;
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"line,")?;
        self.out.write_all(own.as_bytes())
    }

    /// Writes the pass-through cells of a csv row, in header order.
    fn csv_cells(&mut self, source: &str, record: &Passthrough) -> io::Result<()> {
        if let Some(extra) = record
            .fields
            .iter()
            .find(|f| !self.columns.contains(&f.name))
        {
            return Err(io::Error::other(format!(
                "{source}:{}: {}: the field is not in the first record; csv output \
                 needs the fields of the first record in every record (use --format jsonl)",
                record.line, extra.name
            )));
        }
        for name in &self.columns {
            if let Some(field) = record.fields.iter().find(|f| &f.name == name) {
                csv_field(&mut self.out, field.value.as_str())?;
            }
            self.out.write_all(b",")?;
        }
        write!(self.out, "{},", record.line)
    }

    /// The table's id for a row: the record's `id` field, or its line.
    fn table_id(&self, row_id: &str, record: Option<&Passthrough>) -> String {
        match record {
            None => truncate(row_id, 14).to_string(),
            Some(r) => match r.fields.iter().find(|f| f.name == "id") {
                Some(f) => truncate(f.value.as_str(), 14).to_string(),
                None => format!("line {}", r.line),
            },
        }
    }

    /// The label of an axis, or `uncertain` when its top probability is too low.
    fn label(&self, p: &Prediction, axis: Axis) -> &'static str {
        if p.probs(axis)[p.class(axis)] < self.min_confidence {
            "uncertain"
        } else {
            p.label(axis)
        }
    }

    pub fn write(&mut self, row: &Row) -> io::Result<()> {
        if !self.started {
            self.started = true;
            match (self.format, &row.record) {
                (Format::Csv, Some(record)) => {
                    self.csv_header(record, &CSV_HEADER["id,".len()..])?
                }
                (Format::Csv, None) => self.out.write_all(CSV_HEADER.as_bytes())?,
                (Format::Table, _) => writeln!(
                    self.out,
                    "{:<14} {:>3}  {:<9} {:>5}  {:<9} {:>6}  SENTENCE",
                    "ID", "#", "HOSTILITY", "SCORE", "DIPLO", "OPEN"
                )?,
                (Format::Jsonl, _) => {}
            }
        }
        match self.format {
            Format::Jsonl => self.jsonl(row),
            Format::Csv => self.csv(row),
            Format::Table => self.table(row),
        }
    }

    /// Writes one document summary (in place of sentence rows).
    pub fn write_summary(&mut self, id: &str, s: &DocumentSummary) -> io::Result<()> {
        let first = !self.started;
        self.started = true;
        let o = &mut self.out;
        match self.format {
            Format::Jsonl => {
                let mut v = serde_json::to_value(s).map_err(io::Error::other)?;
                v["id"] = id.into();
                writeln!(o, "{v}")
            }
            Format::Csv => {
                if first {
                    o.write_all(SUMMARY_CSV_HEADER.as_bytes())?;
                }
                csv_field(o, id)?;
                o.write_all(b",")?;
                self.summary_csv_values(s)
            }
            Format::Table => self.summary_table(id, s),
        }
    }

    /// The summary's csv cells after the id (or pass-through) cells.
    fn summary_csv_values(&mut self, s: &DocumentSummary) -> io::Result<()> {
        let o = &mut self.out;
        write!(o, "{}", s.sentences)?;
        for v in [
            s.mean_hostility,
            s.max_hostility,
            s.hostile_share,
            s.friendly_share,
            s.mean_openness,
            s.open_share,
            s.closed_share,
        ] {
            o.write_all(b",")?;
            fixed(o, v as f32)?;
        }
        o.write_all(b",")?;
        csv_field(o, &s.most_hostile)?;
        o.write_all(b",")?;
        csv_field(o, &s.most_open)?;
        writeln!(o, ",{}", s.unscored)
    }

    fn summary_table(&mut self, id: &str, s: &DocumentSummary) -> io::Result<()> {
        let o = &mut self.out;
        writeln!(o, "{id}: {} sentences", s.sentences)?;
        writeln!(
            o,
            "  hostility  mean {:.2}  max {:.2}  hostile {:.0}%  friendly {:.0}%",
            s.mean_hostility,
            s.max_hostility,
            100.0 * s.hostile_share,
            100.0 * s.friendly_share
        )?;
        writeln!(
            o,
            "  openness   mean {:+.2}  open {:.0}%  closed {:.0}%",
            s.mean_openness,
            100.0 * s.open_share,
            100.0 * s.closed_share
        )?;
        writeln!(o, "  most hostile: {}", s.most_hostile)?;
        writeln!(o, "  most open:    {}", s.most_open)?;
        if s.unscored > 0 {
            writeln!(o, "  unscored:     {} sentences (not English)", s.unscored)?;
        }
        Ok(())
    }

    /// Writes one csv/jsonl record's summary, with its pass-through fields.
    pub fn write_record_summary(
        &mut self,
        source: &str,
        record: &Passthrough,
        s: &DocumentSummary,
    ) -> io::Result<()> {
        let first = !self.started;
        self.started = true;
        match self.format {
            Format::Jsonl => {
                let o = &mut self.out;
                o.write_all(b"{")?;
                for field in record.fields {
                    json_field(o, field)?;
                    o.write_all(b",")?;
                }
                write!(o, "\"line\":{}", record.line)?;
                let summary = serde_json::to_string(s).map_err(io::Error::other)?;
                let members = summary.trim_start_matches('{');
                if members != "}" {
                    o.write_all(b",")?;
                }
                o.write_all(members.as_bytes())?;
                o.write_all(b"\n")
            }
            Format::Csv => {
                if first {
                    self.csv_header(record, &SUMMARY_CSV_HEADER["id,".len()..])?;
                }
                self.csv_cells(source, record)?;
                self.summary_csv_values(s)
            }
            Format::Table => {
                let id = self.table_id("", Some(record));
                self.summary_table(&id, s)
            }
        }
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Labels per axis: the model's, `uncertain`, or `unscored`.
    fn labels(&self, r: &Row) -> [&'static str; 2] {
        match r.scored {
            Ok(p) => Axis::BOTH.map(|axis| self.label(p, axis)),
            Err(_) => ["unscored"; 2],
        }
    }

    fn jsonl(&mut self, r: &Row) -> io::Result<()> {
        let labels = self.labels(r);
        let o = &mut self.out;
        match &r.record {
            None => {
                o.write_all(b"{\"id\":")?;
                json_str(o, r.id)?;
            }
            Some(record) => {
                o.write_all(b"{")?;
                for field in record.fields {
                    json_field(o, field)?;
                    o.write_all(b",")?;
                }
                o.write_all(b"\"line\":")?;
                uint(o, record.line)?;
            }
        }
        o.write_all(b",\"sentence\":")?;
        uint(o, r.sentence)?;
        o.write_all(b",\"start\":")?;
        uint(o, r.start)?;
        o.write_all(b",\"end\":")?;
        uint(o, r.end)?;
        o.write_all(b",\"text\":")?;
        json_str(o, r.text)?;
        for (axis, label) in Axis::BOTH.into_iter().zip(labels) {
            for part in [
                ",\"",
                axis.name(),
                "\":{\"label\":\"",
                label,
                "\",\"score\":",
            ] {
                o.write_all(part.as_bytes())?;
            }
            let Ok(p) = r.scored else {
                o.write_all(b"null,\"probs\":null}")?;
                continue;
            };
            fixed(o, p.score(axis))?;
            o.write_all(b",\"probs\":{")?;
            for (k, (label, p)) in axis.labels().iter().zip(p.probs(axis)).enumerate() {
                if k > 0 {
                    o.write_all(b",")?;
                }
                for part in ["\"", label, "\":"] {
                    o.write_all(part.as_bytes())?;
                }
                fixed(o, p)?;
            }
            o.write_all(b"}}")?;
        }
        if let Err(reason) = r.scored {
            o.write_all(b",\"unscored\":")?;
            json_str(o, &reason.to_string())?;
        }
        if let Some(explanation) = r.explanation {
            o.write_all(b",\"explanation\":")?;
            o.write_all(explanation.as_bytes())?;
        }
        o.write_all(b"}\n")
    }

    fn csv(&mut self, r: &Row) -> io::Result<()> {
        let labels = self.labels(r);
        match &r.record {
            None => {
                csv_field(&mut self.out, r.id)?;
                self.out.write_all(b",")?;
            }
            Some(record) => self.csv_cells(r.id, record)?,
        }
        let o = &mut self.out;
        for n in [r.sentence, r.start, r.end] {
            uint(o, n)?;
            o.write_all(b",")?;
        }
        csv_field(o, r.text)?;
        for (axis, label) in Axis::BOTH.into_iter().zip(labels) {
            for part in [",", label, ","] {
                o.write_all(part.as_bytes())?;
            }
            match r.scored {
                Ok(p) => {
                    fixed(o, p.score(axis))?;
                    for p in p.probs(axis) {
                        o.write_all(b",")?;
                        fixed(o, p)?;
                    }
                }
                Err(_) => o.write_all(b",,,")?,
            }
        }
        o.write_all(b",")?;
        if let Err(reason) = r.scored {
            csv_field(o, &reason.to_string())?;
        }
        o.write_all(b"\n")
    }

    fn table(&mut self, r: &Row) -> io::Result<()> {
        let mut text: String = r.text.chars().take(90).collect();
        if text.len() < r.text.len() {
            text.push('…');
        }
        let text = text.replace(['\n', '\r', '\t'], " ");
        let id = self.table_id(r.id, r.record.as_ref());
        let [hostility, diplomacy] = self.labels(r);
        let (hostility_score, openness_score) = match r.scored {
            Ok(p) => (
                format!("{:>5.2}", p.hostility_score()),
                // Rounded first, so a tiny negative score prints as +0.00.
                format!(
                    "{:>+6.2}",
                    (p.openness_score() * 100.0).round() / 100.0 + 0.0
                ),
            ),
            Err(_) => (format!("{:>5}", "-"), format!("{:>6}", "-")),
        };
        let text = match r.scored {
            Ok(_) => text,
            Err(reason) => format!("{text}  ({reason})"),
        };
        writeln!(
            self.out,
            "{:<14} {:>3}  {} {}  {} {}  {}",
            id,
            r.sentence,
            self.paint(&format!("{hostility:<9}"), hostility),
            hostility_score,
            self.paint(&format!("{diplomacy:<9}"), diplomacy),
            openness_score,
            text
        )
    }

    /// A label cell in colour when writing to a terminal: red for hostile
    /// and closed, green for friendly and open, dim for labels without a verdict.
    fn paint(&self, cell: &str, label: &str) -> String {
        let code = match label {
            _ if !self.color => return cell.to_string(),
            "hostile" | "closed" => "31",
            "friendly" | "open" => "32",
            "uncertain" | "unscored" => "2",
            _ => return cell.to_string(),
        };
        format!("\x1b[{code}m{cell}\x1b[0m")
    }
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A number with four decimals, without going through float formatting.
/// `v` with four decimals, built in a stack buffer: the writers call this
/// seven times a sentence, where `write!` costs more than the scoring.
fn fixed(o: &mut impl Write, v: f32) -> io::Result<()> {
    let scaled = (f64::from(v) * 10_000.0).round() as i64;
    let a = scaled.unsigned_abs();
    let mut digits = itoa::Buffer::new();
    let whole = digits.format(a / 10_000);
    let mut buf = [0u8; 32];
    let mut n = 0;
    if scaled < 0 {
        buf[0] = b'-';
        n = 1;
    }
    buf[n..n + whole.len()].copy_from_slice(whole.as_bytes());
    n += whole.len();
    buf[n] = b'.';
    let mut frac = a % 10_000;
    for i in (1..=4).rev() {
        buf[n + i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    o.write_all(&buf[..n + 5])
}

fn uint(o: &mut impl Write, v: impl itoa::Integer) -> io::Result<()> {
    o.write_all(itoa::Buffer::new().format(v).as_bytes())
}

/// Whether any of the eight bytes needs escaping in a JSON string: `"`,
/// `\`, a control byte (below 0x20) or DEL (bit tricks over the word, as
/// in memchr; bytes of 0x80 and above pass through).
#[inline]
fn needs_escape(chunk: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let below_0x20 = chunk.wrapping_sub(LO * 0x20) & !chunk & HI;
    has_zero(chunk ^ (LO * u64::from(b'"'))) != 0
        || has_zero(chunk ^ (LO * u64::from(b'\\'))) != 0
        || has_zero(chunk ^ (LO * 0x7f)) != 0
        || below_0x20 != 0
}

fn json_str(o: &mut impl Write, s: &str) -> io::Result<()> {
    o.write_all(b"\"")?;
    let bytes = s.as_bytes();
    // Skip whole clean words first: most text has nothing to escape.
    let mut clean = 0;
    while clean + 8 <= bytes.len() {
        let chunk = u64::from_le_bytes(bytes[clean..clean + 8].try_into().expect("eight bytes"));
        if needs_escape(chunk) {
            break;
        }
        clean += 8;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate().skip(clean) {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f | 0x7f => None,
            _ => continue,
        };
        o.write_all(&bytes[start..i])?;
        match escape {
            Some(e) => o.write_all(e)?,
            None => write!(o, "\\u{:04x}", b)?,
        }
        start = i + 1;
    }
    o.write_all(&bytes[start..])?;
    o.write_all(b"\"")
}

fn csv_field(o: &mut impl Write, s: &str) -> io::Result<()> {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        o.write_all(b"\"")?;
        for (i, part) in s.split('"').enumerate() {
            if i > 0 {
                o.write_all(b"\"\"")?;
            }
            o.write_all(part.as_bytes())?;
        }
        o.write_all(b"\"")
    } else {
        o.write_all(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut v = Vec::new();
        json_str(&mut v, s).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn escapes_json_strings() {
        assert_eq!(json("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        let parsed: String = serde_json::from_str(&json("tab\t é \u{7f}")).unwrap();
        assert_eq!(parsed, "tab\t é \u{7f}");
    }

    #[test]
    fn escapes_at_every_position_of_long_strings() {
        // The word-at-a-time skip must stop at the first byte that needs
        // escaping wherever it falls in an eight-byte chunk.
        for special in ['"', '\\', '\n', '\u{0}', '\u{1f}', '\u{7f}', 'é', ' '] {
            for at in 0..40 {
                let mut text: String = "Talks resume in Geneva next week"
                    .chars()
                    .cycle()
                    .take(40)
                    .collect();
                text.replace_range(at..at + 1, &special.to_string());
                let parsed: String = serde_json::from_str(&json(&text)).unwrap();
                assert_eq!(parsed, text, "{special:?} at {at}");
            }
        }
    }

    #[test]
    fn prints_fixed_decimals() {
        let mut v = Vec::new();
        fixed(&mut v, -0.12345).unwrap();
        fixed(&mut v, 1.0).unwrap();
        fixed(&mut v, 0.00004).unwrap();
        fixed(&mut v, -123.45678).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "-0.12351.00000.0000-123.4568"
        );
    }
}
