//! `stance trend`: dates, periods, the table/csv/json rows and the chart.

use serde_json::Value;
use stance::trend::{Date, Period, Precision, parse_date};

use crate::cli::{data, run, run_with_stdin, stance, stderr, stdout};

fn day(text: &str) -> Date {
    let parsed = parse_date(text).unwrap_or_else(|| panic!("{text:?} should parse"));
    assert_eq!(parsed.precision, Precision::Day, "{text}");
    parsed.date
}

fn ymd(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap()
}

#[test]
fn dates_in_common_formats_read_as_their_utc_day() {
    assert_eq!(day("2026-11-28"), ymd(2026, 11, 28));
    assert_eq!(day("2026/1/5"), ymd(2026, 1, 5));
    assert_eq!(day("2026-11-28T23:30:00Z"), ymd(2026, 11, 28));
    assert_eq!(
        day("2026-11-28T23:30:00-02:00"),
        ymd(2026, 11, 29),
        "to UTC"
    );
    assert_eq!(day("2026-11-28 01:15+0300"), ymd(2026, 11, 27), "to UTC");
    assert_eq!(day("2026-12-31T22:00:00.123-05:00"), ymd(2027, 1, 1));
    assert_eq!(day("28 Nov 2026"), ymd(2026, 11, 28));
    assert_eq!(day("3rd September 2026"), ymd(2026, 9, 3));
    assert_eq!(day("November 28, 2026"), ymd(2026, 11, 28));
    assert_eq!(day("Sat, 28 Nov 2026 05:26:02 +0000"), ymd(2026, 11, 28));
    assert_eq!(day("Sat, 28 Nov 2026 23:26:02 -0100"), ymd(2026, 11, 29));
    let month = parse_date("2026-02").unwrap();
    assert_eq!(
        (month.date, month.precision),
        (ymd(2026, 2, 1), Precision::Month)
    );
    assert_eq!(parse_date("2026").unwrap().precision, Precision::Year);
    for bad in [
        "",
        "yesterday",
        "2026-02-30",
        "2026-13-01",
        "2026-11-28T25:00",
        "28/11/2026",
        "2026-11-28T10:00+99:00",
        "Nov 2026",
        "31 Feb 2026",
        "2026-11-28x",
    ] {
        assert_eq!(parse_date(bad), None, "{bad:?} should not parse");
    }
}

#[test]
fn periods_start_on_their_first_day_and_weeks_are_iso_weeks() {
    let d = ymd(2026, 11, 28); // a Saturday
    assert_eq!(Period::Week.start(d), ymd(2026, 11, 23));
    assert_eq!(Period::Week.label(Period::Week.start(d)), "2026-W48");
    assert_eq!(Period::Quarter.start(d), ymd(2026, 10, 1));
    assert_eq!(Period::Quarter.label(ymd(2026, 10, 1)), "2026-Q4");
    // 2027-01-01 is a Friday: its ISO week is the last of 2026.
    let start = Period::Week.start(ymd(2027, 1, 1));
    assert_eq!(
        (start, Period::Week.label(start)),
        (ymd(2026, 12, 28), "2026-W53".to_string())
    );
    // 2024-12-30 (a Monday) starts week 1 of 2025.
    assert_eq!(Period::Week.label(ymd(2024, 12, 30)), "2025-W01");
    for days in [-800_000, -1, 0, 59, 20_000, 2_932_896] {
        assert_eq!(Date::from_days(days).days(), days);
    }
}

fn trend_json(args: &[&str]) -> Vec<Value> {
    let o = run(stance()
        .args(["trend", "--format", "json", "--data"])
        .arg(data("dated.csv"))
        .args(["--date-column", "date"])
        .args(args));
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    doc["rows"].as_array().unwrap().clone()
}

#[test]
fn trend_rows_count_records_per_period_and_group() {
    let rows = trend_json(&["--by", "month", "--group-by", "country"]);
    let counts: Vec<(String, String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_string(),
                r["group"].as_str().unwrap().to_string(),
                r["records"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = [
        ("2026-01", "Brazil", 2),
        ("2026-01", "Norway", 2),
        ("2026-02", "Brazil", 2),
        ("2026-02", "Norway", 2),
        ("2026-03", "Brazil", 2),
        ("2026-03", "Norway", 2),
        ("2026-04", "Brazil", 2),
        ("2026-04", "Norway", 1),
        ("2026-05", "Norway", 1),
    ];
    let expect: Vec<(String, String, u64)> = expect
        .iter()
        .map(|(p, g, n)| (p.to_string(), g.to_string(), *n))
        .collect();
    assert_eq!(counts, expect);
    for r in &rows {
        let h: f64 = ["hostile_share", "neutral_share", "friendly_share"]
            .iter()
            .map(|k| r[k].as_f64().unwrap())
            .sum();
        let d: f64 = ["open_share", "none_share", "closed_share"]
            .iter()
            .map(|k| r[k].as_f64().unwrap())
            .sum();
        assert!((h - 1.0).abs() < 1e-9 && (d - 1.0).abs() < 1e-9, "{r}");
        assert!((-1.0..=1.0).contains(&r["mean_openness"].as_f64().unwrap()));
    }
    // The tone the fixture was written with shows through: Brazil's February
    // (sanctions as aggression, a refusal to talk) is more hostile than Norway's.
    let find = |p: &str, g: &str| {
        rows.iter()
            .find(|r| r["period"] == p && r["group"] == g)
            .unwrap()
    };
    assert!(
        find("2026-02", "Brazil")["mean_hostility"].as_f64()
            > find("2026-02", "Norway")["mean_hostility"].as_f64()
    );
    let quarters = trend_json(&["--by", "quarter"]);
    assert_eq!(quarters.len(), 2);
    assert_eq!(
        (
            quarters[0]["period"].as_str(),
            quarters[0]["records"].as_u64()
        ),
        (Some("2026-Q1"), Some(12))
    );
}

#[test]
fn the_chart_has_one_line_per_group_in_each_panel_and_a_legend() {
    let dir = crate::model_file::tempdir();
    let chart = dir.join("trend.svg");
    let o = run(stance()
        .args([
            "trend",
            "--format",
            "csv",
            "--by",
            "month",
            "--group-by",
            "country",
            "--date-column",
            "date",
            "--data",
        ])
        .arg(data("dated.csv"))
        .arg("--chart")
        .arg(&chart));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1 + 9);
    let svg = std::fs::read_to_string(&chart).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the chart is well-formed XML");
    let texts: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("tone by month and country")),
        "title: {texts:?}"
    );
    for label in [
        "Brazil",
        "Norway",
        "2026-01",
        "2026-05",
        "mean hostility (P hostile)",
    ] {
        assert!(texts.contains(&label), "{label} missing from {texts:?}");
    }
    // Series are the 2-pixel polylines: per group, one in each panel, with a
    // point per period the group has (Brazil 4 months, Norway 5).
    let series: Vec<(String, usize)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("2"))
        .map(|n| {
            let points = n.attribute("points").unwrap().split_whitespace().count();
            (n.attribute("stroke").unwrap().to_string(), points)
        })
        .collect();
    assert_eq!(series.len(), 4, "{series:?}");
    let mut sizes: Vec<usize> = series.iter().map(|s| s.1).collect();
    sizes.sort();
    assert_eq!(sizes, [4, 4, 5, 5]);
    assert_ne!(series[0].0, series[1].0, "groups have their own colours");
}

#[test]
fn bad_dates_stop_the_trend_or_are_skipped_and_reported() {
    let input = "date,text\n2026-01-05,We will talk.\nsoon,They lie.\n2026-02,Fine.\n";
    let o = run_with_stdin(
        stance().args([
            "trend",
            "--data",
            "-",
            "--date-column",
            "date",
            "--by",
            "week",
        ]),
        input.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("stdin:3: date: cannot read \"soon\" as a date"),
        "{}",
        stderr(&o)
    );
    let o = run_with_stdin(
        stance().args([
            "trend",
            "--data",
            "-",
            "--date-column",
            "date",
            "--by",
            "week",
            "--on-error",
            "skip",
            "--format",
            "csv",
        ]),
        input.as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("skipped 2 bad records"), "{err}");
    assert!(
        err.contains("stdin:4: date: \"2026-02\" does not give the day"),
        "{err}"
    );
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = run_with_stdin(
        stance().args([
            "trend",
            "--data",
            "-",
            "--input",
            "jsonl",
            "--date-column",
            "when",
        ]),
        b"{\"date\":\"2026-01-05\",\"text\":\"Hi.\"}\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("stdin:1: when: no such column or field"),
        "{}",
        stderr(&o)
    );
}
