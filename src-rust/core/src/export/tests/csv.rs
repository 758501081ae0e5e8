//! Must-show 1 (CSV half): the file read back with the `csv` crate matches the database cell
//! for cell, hostile strings are neutralised, and accents, emoji and new lines survive.
use std::collections::BTreeMap;

use super::support::{choice_display, database_rows, full_intake, local, HOSTILE};
use super::support::{Clinic, FULL_HEADERS, LINK_IDS};
use crate::export::ExportFormat;
use crate::form::Answer;
use crate::queue::{IntakeStatus, QueueQuery};

/// What a spreadsheet must show for a stored answer, written out here rather than taken from
/// the export code, so a wrong mapping there fails this test.
fn expected_answer(link_id: &str, a: Option<&Answer>) -> String {
    match a {
        None => String::new(),
        Some(Answer::Text(s)) => s.clone(),
        Some(Answer::Date(d)) => d.format("%Y-%m-%d").to_string(),
        Some(Answer::Bool(true)) => "Yes".into(),
        Some(Answer::Bool(false)) => "No".into(),
        Some(Answer::Int(n)) => n.to_string(),
        Some(Answer::Skipped) => "(skipped)".into(),
        Some(Answer::Attachment { mime, .. }) => format!("File received ({mime})"),
        Some(Answer::Choice(code)) => choice_display(link_id, code).into(),
    }
}

fn local_text(ms: i64) -> String {
    local(ms).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn neutral(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark first"
    );
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn every_cell_matches_the_database_and_no_cell_can_run_as_a_formula() {
    let c = Clinic::new();
    let mut texts: Vec<&str> = HOSTILE.to_vec();
    texts.extend(["María José Núñez-Peña", "Zoë Ångström", "李小龙"]);
    for (n, text) in texts.iter().enumerate() {
        c.intake(&full_intake(n, text));
    }
    let (summary, path) = c
        .export(&c.admin(), ExportFormat::Csv, QueueQuery::default())
        .unwrap();
    assert_eq!(summary.rows, texts.len() as u64);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(summary.bytes, bytes.len() as u64);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.contains("\r\n"), "RFC 4180 line ends");

    let rows = read_csv(&bytes);
    assert_eq!(rows[0], FULL_HEADERS);
    let answers = c.stored_answers();
    let db = database_rows(&c);
    assert_eq!(rows.len(), db.len() + 1);
    for (got, want) in rows[1..].iter().zip(&db) {
        let stored: &BTreeMap<String, Answer> = &answers[&want.id];
        let mut expected = vec![
            want.id.to_string(),
            want.status.to_owned(),
            local_text(want.submitted),
            want.reviewed
                .as_ref()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            want.reviewed
                .as_ref()
                .map(|r| local_text(r.1))
                .unwrap_or_default(),
            want.phone.clone(),
        ];
        expected.extend(
            LINK_IDS
                .iter()
                .map(|id| expected_answer(id, stored.get(*id))),
        );
        let expected: Vec<String> = expected.iter().map(|s| neutral(s)).collect();
        assert_eq!(got, &expected, "intake {}", want.id);
    }
    // Spelled out for the strings the issue names.
    for hostile in ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)"] {
        let flat: Vec<&String> = rows.iter().flatten().collect();
        assert!(
            flat.iter().any(|c| **c == format!("'{hostile}")),
            "{hostile} is exported"
        );
        assert!(
            flat.iter().all(|c| *c != hostile),
            "{hostile} is neutralised"
        );
    }
    assert!(rows
        .iter()
        .flatten()
        .all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])));
    assert!(rows
        .iter()
        .flatten()
        .any(|c| c == "line one\nline two\r\nline three"));
    assert!(rows.iter().flatten().any(|c| c == "🙂 emoji 👩🏽‍⚕️"));
}

#[test]
fn filters_choose_the_rows_and_the_order_follows_the_queue() {
    let c = Clinic::new();
    for n in 0..6 {
        c.intake(&full_intake(n, &format!("Patient {n}")));
    }
    let query = QueueQuery {
        statuses: vec![IntakeStatus::New],
        ..QueueQuery::default()
    };
    let (summary, path) = c.export(&c.admin(), ExportFormat::Csv, query).unwrap();
    let rows = read_csv(&std::fs::read(path).unwrap());
    // full_intake leaves every third intake new: 0 and 3.
    assert_eq!(summary.rows, 2);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[8].as_str()).collect();
    assert_eq!(names, ["Patient 0", "Patient 3"]);

    let query = QueueQuery {
        search: Some("patient 4".into()),
        descending: true,
        ..QueueQuery::default()
    };
    let (summary, path) = c.export(&c.admin(), ExportFormat::Csv, query).unwrap();
    assert_eq!(summary.rows, 1);
    assert_eq!(read_csv(&std::fs::read(path).unwrap())[1][8], "Patient 4");

    // Nothing matches: the headings alone, still a valid file.
    let query = QueueQuery {
        statuses: vec![IntakeStatus::Reviewed],
        reviewed: Some(false),
        ..QueueQuery::default()
    };
    let (summary, path) = c.export(&c.admin(), ExportFormat::Csv, query).unwrap();
    assert_eq!(summary.rows, 0);
    assert_eq!(read_csv(&std::fs::read(path).unwrap()).len(), 1);
}

#[test]
fn hostile_filters_are_refused_with_the_queue_messages() {
    let c = Clinic::new();
    let bad = [
        QueueQuery {
            from_ms: Some(10),
            to_ms: Some(5),
            ..QueueQuery::default()
        },
        QueueQuery {
            search: Some("x".repeat(101)),
            ..QueueQuery::default()
        },
        QueueQuery {
            to_ms: Some(i64::MAX),
            ..QueueQuery::default()
        },
    ];
    for q in bad {
        let e = c.export(&c.admin(), ExportFormat::Csv, q).unwrap_err();
        assert!(e.code().starts_with("invalid."), "{}", e.code());
    }
    // A page size the queue would refuse does not matter to an export.
    let q = QueueQuery {
        page_size: 10_000,
        page: 7,
        ..QueueQuery::default()
    };
    assert!(c.export(&c.admin(), ExportFormat::Csv, q).is_ok());
    // Nothing is left behind by the refused ones.
    let names: Vec<_> = std::fs::read_dir(c.out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["export.csv"]);
}
