//! Must-show 1 (XLSX half): the workbook read back with `calamine` matches the database cell
//! for cell; every answer is a string cell (never a formula), ids and phone numbers stay text,
//! dates are real Excel dates; the front desk's file holds no clinical column or text; and
//! the sheet XML has the bold, frozen, filtered header.
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::support::{
    choice_display, database_rows, full_intake, local, Clinic, CLINICAL_HEADERS, FULL_HEADERS,
    HOSTILE, LINK_IDS,
};
use crate::auth::Role;
use crate::export::xlsx_out::fit;
use crate::export::ExportFormat;
use crate::form::Answer;
use crate::queue::QueueQuery;

/// What a cell must hold, written out here rather than taken from the export code, so a
/// wrong mapping there fails these tests.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    Empty,
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

fn text(s: &str) -> Want {
    Want::Text(s.to_owned())
}

fn expected_answer(link_id: &str, a: Option<&Answer>) -> Want {
    match a {
        None => Want::Empty,
        Some(Answer::Text(s)) => text(s),
        Some(Answer::Date(d)) => Want::Date(*d),
        Some(Answer::Bool(true)) => text("Yes"),
        Some(Answer::Bool(false)) => text("No"),
        Some(Answer::Int(n)) => panic!("the default form has no number question ({n})"),
        Some(Answer::Skipped) => text("(skipped)"),
        Some(Answer::Attachment { mime, .. }) => Want::Text(format!("File received ({mime})")),
        Some(Answer::Choice(code)) => text(choice_display(link_id, code)),
    }
}

/// Compares one cell, by type as well as by value.
fn check(got: &Data, want: &Want, at: &str) {
    match (got, want) {
        (Data::Empty, Want::Empty) => {}
        (Data::String(s), Want::Text(w)) => assert_eq!(s, w, "{at}"),
        (Data::DateTime(d), Want::Date(w)) => {
            assert!(d.is_datetime(), "{at}");
            let want = (w.year() as u16, w.month() as u8, w.day() as u8, 0, 0, 0, 0);
            assert_eq!(d.to_ymd_hms_milli(), want, "{at}");
        }
        (Data::DateTime(d), Want::DateTime(w)) => {
            assert!(d.is_datetime(), "{at}");
            let want = (
                w.year() as u16,
                w.month() as u8,
                w.day() as u8,
                w.hour() as u8,
                w.minute() as u8,
                w.second() as u8,
                0,
            );
            assert_eq!(d.to_ymd_hms_milli(), want, "{at}");
        }
        _ => panic!("{at}: got {got:?}, want {want:?}"),
    }
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn formulas(path: &Path, name: &str) -> Vec<String> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_formula(name).unwrap();
    range
        .used_cells()
        .map(|(_, _, f)| f.clone())
        .filter(|f| !f.is_empty())
        .collect()
}

fn strings(row: &[Data]) -> Vec<String> {
    row.iter()
        .map(|d| match d {
            Data::String(s) => s.clone(),
            other => panic!("header cell {other:?}"),
        })
        .collect()
}

/// One part of the xlsx package, as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

fn hostile_clinic() -> Clinic {
    let c = Clinic::new();
    let mut texts: Vec<&str> = HOSTILE.to_vec();
    texts.extend([
        "María José Núñez-Peña",
        "Zoë Ångström",
        "李小龙",
        "Ødegård 👨‍👩‍👧",
    ]);
    for (n, t) in texts.iter().enumerate() {
        c.intake(&full_intake(n, t));
    }
    c
}

#[test]
fn every_cell_matches_the_database_and_no_cell_is_a_formula() {
    let c = hostile_clinic();
    let (summary, path) = c
        .export(&c.admin(), ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    assert_eq!(summary.bytes, std::fs::metadata(&path).unwrap().len());
    assert_eq!(sheet_names(&path), ["Intakes", "Columns"]);
    let rows = sheet(&path, "Intakes");
    assert_eq!(strings(&rows[0]), FULL_HEADERS);

    let answers = c.stored_answers();
    let db = database_rows(&c);
    assert_eq!(summary.rows, db.len() as u64);
    assert_eq!(rows.len(), db.len() + 1);
    for (got, want) in rows[1..].iter().zip(&db) {
        let stored: &BTreeMap<String, Answer> = &answers[&want.id];
        let mut expected = vec![
            Want::Text(want.id.to_string()),
            text(want.status),
            Want::DateTime(local(want.submitted)),
            want.reviewed.as_ref().map_or(Want::Empty, |r| text(&r.0)),
            want.reviewed
                .as_ref()
                .map_or(Want::Empty, |r| Want::DateTime(local(r.1))),
            Want::Text(want.phone.clone()),
        ];
        expected.extend(
            LINK_IDS
                .iter()
                .map(|id| expected_answer(id, stored.get(*id))),
        );
        assert_eq!(got.len(), expected.len(), "intake {}", want.id);
        for ((g, w), head) in got.iter().zip(&expected).zip(FULL_HEADERS) {
            check(g, w, &format!("intake {} / {head}", want.id));
        }
        // Spelled out: ids and numbers are text (no 3.46E+10, '+' kept), dates are dates.
        assert!(matches!(&got[0], Data::String(_)));
        assert!(matches!(&got[5], Data::String(s) if s.starts_with('+')));
        assert!(matches!(&got[11], Data::String(s) if s == "+34600111222"));
        assert!(matches!(&got[2], Data::DateTime(_)));
        assert!(matches!(&got[9], Data::DateTime(_)));
    }
    assert!(formulas(&path, "Intakes").is_empty(), "no formula cells");
    assert!(formulas(&path, "Columns").is_empty(), "no formula cells");
    assert!(!part(&path, "xl/worksheets/sheet1.xml").contains("<f>"));

    // Hostile strings come back exactly, as plain strings.
    let flat: Vec<&Data> = rows.iter().flatten().collect();
    for hostile in HOSTILE {
        let hits = flat
            .iter()
            .filter(|d| matches!(d, Data::String(s) if s == hostile));
        assert_eq!(
            hits.count(),
            3,
            "{hostile:?} as name, reason and medications"
        );
    }
    // The temp files went nowhere but into the file: the folder holds the export alone.
    let names: Vec<_> = std::fs::read_dir(c.out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["export.xlsx"]);
}

#[test]
fn the_columns_sheet_describes_every_column_in_order() {
    let c = hostile_clinic();
    let (_, path) = c
        .export(&c.admin(), ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    let data_headers = strings(&sheet(&path, "Intakes")[0]);
    let cols = sheet(&path, "Columns");
    assert_eq!(
        strings(&cols[0]),
        [
            "Column",
            "Description",
            "Type",
            "Section",
            "Language",
            "Notes"
        ]
    );
    let listed: Vec<String> = cols[1..]
        .iter()
        .map(|r| strings(&r[..1]).remove(0))
        .collect();
    assert_eq!(listed, data_headers);
    let row = |header: &str| {
        cols.iter()
            .find(|r| r[0] == Data::String(header.into()))
            .unwrap()
            .clone()
    };
    let reason = row("Reason for visit");
    assert_eq!(
        reason[1],
        Data::String("What is the reason for your visit?".into())
    );
    assert_eq!(reason[2], Data::String("text".into()));
    assert_eq!(reason[3], Data::String("Clinical".into()));
    assert_eq!(reason[4], Data::String("en".into()));
    assert_eq!(row("Gender")[2], Data::String("choice".into()));
    assert_eq!(row("Gender")[3], Data::String("Demographic".into()));
    for header in ["Submitted at", "Reviewed at"] {
        let notes = row(header)[5].clone();
        assert!(
            matches!(&notes, Data::String(s) if s.contains("UTC+01:00")),
            "{notes:?}"
        );
    }
}

#[test]
fn the_front_desk_file_holds_no_clinical_column_or_text() {
    let c = Clinic::new();
    for n in 0..6 {
        let mut spec = full_intake(n, &format!("Patient {n}"));
        for id in ["reason", "medications"] {
            spec.answers
                .insert(id.into(), Answer::Text(format!("SECRET-{id}-{n}")));
        }
        c.intake(&spec);
    }
    let desk = c.staff("desk", Role::FrontDesk);
    let (summary, path) = c
        .export(&desk, ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    assert_eq!(summary.rows, 6);
    let rows = sheet(&path, "Intakes");
    let headers = strings(&rows[0]);
    let expected: Vec<&str> = FULL_HEADERS
        .iter()
        .copied()
        .filter(|h| !CLINICAL_HEADERS.contains(h))
        .collect();
    assert_eq!(headers, expected);
    let columns: Vec<String> = sheet(&path, "Columns")[1..]
        .iter()
        .map(|r| strings(&r[..1]).remove(0))
        .collect();
    assert_eq!(columns, expected);
    for path_part in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        let xml = part(&path, path_part);
        for secret in ["SECRET", "Appendectomy", "Penicillin", "Clinical"] {
            assert!(!xml.contains(secret), "{secret} in {path_part}");
        }
    }
    // Nothing clinical in any cell either: the one Yes/No left is consent.
    for row in &rows[1..] {
        assert_eq!(row.len(), expected.len());
        assert!(matches!(&row[8], Data::String(s) if s.starts_with("Patient ")));
        let yes_no = row
            .iter()
            .filter(|d| matches!(d, Data::String(s) if s == "Yes" || s == "No"));
        assert_eq!(yes_no.count(), 1);
    }
}

#[test]
fn the_header_is_bold_frozen_and_filtered_and_dates_have_formats() {
    let c = hostile_clinic();
    let (summary, path) = c
        .export(&c.admin(), ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    let sheet1 = part(&path, "xl/worksheets/sheet1.xml");
    assert!(
        sheet1.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet1:.600}"
    );
    let last = summary.rows + 1;
    assert!(
        sheet1.contains(&format!(r#"<autoFilter ref="A1:T{last}"/>"#)),
        "{sheet1:.600}"
    );
    assert!(sheet1.contains("<cols>"), "column widths");
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "a bold font");
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#));
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd hh:mm""#));
    assert!(styles.contains(r#"wrapText="1""#));
    let workbook = part(&path, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm._FilterDatabase"));
    let core = part(&path, "docProps/core.xml");
    assert!(
        core.contains("<dc:creator>Intake Desk</dc:creator>"),
        "{core}"
    );
    assert!(part(&path, "docProps/app.xml").contains("<Company>Clínica San Rafael</Company>"));
}

#[test]
fn five_hundred_demo_intakes_read_back_row_for_row() {
    let c = Clinic::new();
    let desk = c.desk();
    crate::queue::seed_demo(&desk, &c.form, 500, 7).unwrap();
    let (summary, path) = c
        .export(&c.admin(), ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    assert_eq!(summary.rows, 500);
    let rows = sheet(&path, "Intakes");
    assert_eq!(rows.len(), 501);
    let db = database_rows(&c);
    assert_eq!(db.len(), 500);
    for (got, want) in rows[1..].iter().zip(&db) {
        check(&got[0], &Want::Text(want.id.to_string()), "id");
        check(&got[1], &text(want.status), "status");
        check(&got[5], &Want::Text(want.phone.clone()), "phone");
    }
}

#[test]
fn spanish_clinics_get_spanish_sheet_names() {
    let c = Clinic::new();
    c.intake(&full_intake(1, "Lucía"));
    let admin = c.admin();
    let desk = c.desk();
    let mut settings = desk.settings(&admin).unwrap();
    settings.languages = vec!["es".into(), "en".into()];
    desk.update_settings(&admin, &settings).unwrap();
    let (_, path) = c
        .export(&admin, ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    assert_eq!(sheet_names(&path), ["Admisiones", "Columnas"]);
    assert_eq!(
        sheet(&path, "Admisiones")[0][0],
        Data::String("N.º de admisión".into())
    );
    let cols = sheet(&path, "Columnas");
    assert_eq!(cols[0][0], Data::String("Columna".into()));
    assert_eq!(cols[1][4], Data::String("es".into()));
}

#[test]
fn an_oversized_answer_is_cut_to_excels_limit_not_refused() {
    let c = Clinic::new();
    let mut spec = full_intake(1, "Ana");
    // 40,000 chars, the emoji (two UTF-16 units) straddling Excel's 32,767-unit limit.
    let long = format!("{}🙂{}", "a".repeat(32_766), "b".repeat(7_233));
    spec.answers
        .insert("history".into(), Answer::Text(long.clone()));
    c.intake(&spec);
    let (_, path) = c
        .export(&c.admin(), ExportFormat::Xlsx, QueueQuery::default())
        .unwrap();
    let rows = sheet(&path, "Intakes");
    assert_eq!(rows[1][15], Data::String("a".repeat(32_766)));

    assert_eq!(fit("short"), "short");
    assert_eq!(fit(&long), "a".repeat(32_766));
    let exact = "é".repeat(32_767);
    assert_eq!(fit(&exact), exact, "é is one UTF-16 unit");
    assert_eq!(fit(&"é".repeat(32_768)).chars().count(), 32_767);
}
