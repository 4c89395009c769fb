//! Row writers for classification output: JSON Lines, CSV and a table.
//! Hand-written rather than serde-driven: the writer runs once per sentence
//! and must keep up with the classifier.

use std::io::{self, Write};

use stance::summary::DocumentSummary;
use stance::{Axis, Prediction};

use super::Format;

/// One scored sentence, ready to print.
pub struct Row<'a> {
    pub id: &'a str,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub prediction: &'a Prediction,
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
}

const SUMMARY_CSV_HEADER: &str = "id,sentences,mean_hostility,max_hostility,hostile_share,friendly_share,mean_openness,open_share,closed_share,most_hostile,most_open\n";
const CSV_HEADER: &str = "id,sentence,start,end,text,hostility,hostility_score,p_hostile,p_neutral,p_friendly,diplomacy,openness_score,p_open,p_none,p_closed\n";

impl<W: Write> RowWriter<W> {
    pub fn new(out: W, format: Format, min_confidence: f32) -> Self {
        RowWriter {
            out,
            format,
            started: false,
            min_confidence,
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
            match self.format {
                Format::Csv => self.out.write_all(CSV_HEADER.as_bytes())?,
                Format::Table => writeln!(
                    self.out,
                    "{:<14} {:>3}  {:<9} {:>5}  {:<7} {:>6}  SENTENCE",
                    "ID", "#", "HOSTILITY", "SCORE", "DIPLO", "OPEN"
                )?,
                Format::Jsonl => {}
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
                write!(o, ",{}", s.sentences)?;
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
                o.write_all(b"\n")
            }
            Format::Table => {
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
                writeln!(o, "  most open:    {}", s.most_open)
            }
        }
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn jsonl(&mut self, r: &Row) -> io::Result<()> {
        let labels = Axis::BOTH.map(|axis| self.label(r.prediction, axis));
        let o = &mut self.out;
        o.write_all(b"{\"id\":")?;
        json_str(o, r.id)?;
        write!(
            o,
            ",\"sentence\":{},\"start\":{},\"end\":{},\"text\":",
            r.sentence, r.start, r.end
        )?;
        json_str(o, r.text)?;
        for (axis, label) in Axis::BOTH.into_iter().zip(labels) {
            write!(o, ",\"{}\":{{\"label\":\"{label}\",\"score\":", axis.name())?;
            fixed(o, r.prediction.score(axis))?;
            o.write_all(b",\"probs\":{")?;
            for (k, (label, p)) in axis
                .labels()
                .iter()
                .zip(r.prediction.probs(axis))
                .enumerate()
            {
                if k > 0 {
                    o.write_all(b",")?;
                }
                write!(o, "\"{label}\":")?;
                fixed(o, p)?;
            }
            o.write_all(b"}}")?;
        }
        if let Some(explanation) = r.explanation {
            o.write_all(b",\"explanation\":")?;
            o.write_all(explanation.as_bytes())?;
        }
        o.write_all(b"}\n")
    }

    fn csv(&mut self, r: &Row) -> io::Result<()> {
        let labels = Axis::BOTH.map(|axis| self.label(r.prediction, axis));
        let o = &mut self.out;
        csv_field(o, r.id)?;
        write!(o, ",{},{},{},", r.sentence, r.start, r.end)?;
        csv_field(o, r.text)?;
        for (axis, label) in Axis::BOTH.into_iter().zip(labels) {
            write!(o, ",{label},")?;
            fixed(o, r.prediction.score(axis))?;
            for p in r.prediction.probs(axis) {
                o.write_all(b",")?;
                fixed(o, p)?;
            }
        }
        o.write_all(b"\n")
    }

    fn table(&mut self, r: &Row) -> io::Result<()> {
        let p = r.prediction;
        let mut text: String = r.text.chars().take(90).collect();
        if text.len() < r.text.len() {
            text.push('…');
        }
        let text = text.replace(['\n', '\r', '\t'], " ");
        writeln!(
            self.out,
            "{:<14} {:>3}  {:<9} {:>5.2}  {:<7} {:>+6.2}  {}",
            truncate(r.id, 14),
            r.sentence,
            self.label(p, Axis::Hostility),
            p.hostility_score(),
            self.label(p, Axis::Diplomacy),
            p.openness_score(),
            text
        )
    }
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A number with four decimals, without going through float formatting.
fn fixed(o: &mut impl Write, v: f32) -> io::Result<()> {
    let scaled = (f64::from(v) * 10_000.0).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let a = scaled.unsigned_abs();
    write!(o, "{sign}{}.{:04}", a / 10_000, a % 10_000)
}

fn json_str(o: &mut impl Write, s: &str) -> io::Result<()> {
    o.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
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
    fn prints_fixed_decimals() {
        let mut v = Vec::new();
        fixed(&mut v, -0.12345).unwrap();
        fixed(&mut v, 1.0).unwrap();
        assert_eq!(String::from_utf8(v).unwrap(), "-0.12351.0000");
    }
}
