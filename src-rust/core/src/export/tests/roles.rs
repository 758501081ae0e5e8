//! Must-show 3: who may export what, and the audit row every export leaves. Also where the
//! file goes, cancelling, and answers from several form versions lining up.
use std::sync::atomic::AtomicBool;

use serde_json::Value;

use super::support::{full_intake, tz, Clinic, CLINICAL_HEADERS, FULL_HEADERS};
use crate::auth::Role;
use crate::export::{ExportFormat, ExportJob, ExportRequest, ExportScope, FrontDeskExport};
use crate::form::{Answer, Form, Item, ItemType, Tag};
use crate::queue::{IntakeStatus, QueueQuery};

fn headers(path: &std::path::Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect()
}

fn export_audits(c: &Clinic) -> Vec<(String, Value)> {
    let desk = c.desk();
    let conn = desk.db().conn();
    let mut stmt = conn
        .prepare("SELECT actor, details FROM audit_log WHERE action = 'export.created' ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    rows.map(|r| {
        let (actor, details) = r.unwrap();
        (actor, serde_json::from_str(&details).unwrap())
    })
    .collect()
}

fn set_front_desk_export(c: &Clinic, value: FrontDeskExport) {
    let desk = c.desk();
    let admin = c.admin();
    let mut settings = desk.settings(&admin).unwrap();
    settings.front_desk_export = value;
    desk.update_settings(&admin, &settings).unwrap();
}

#[test]
fn front_desk_exports_hold_no_clinical_column_or_answer() {
    let c = Clinic::new();
    for n in 0..3 {
        c.intake(&full_intake(n, &format!("Secret clinical text {n}")));
    }
    let desk_session = c.staff("desk", Role::FrontDesk);
    let options = c.desk().export_options(&desk_session).unwrap();
    assert_eq!(options.scope, Some(ExportScope::Demographics));

    for format in ExportFormat::ALL {
        let (summary, path) = c
            .export(&desk_session, format, QueueQuery::default())
            .unwrap();
        assert_eq!(summary.scope, ExportScope::Demographics);
        assert_eq!(summary.rows, 3);
        let text = match format {
            // An XLSX is a zip: its text is checked by the XLSX tests.
            ExportFormat::Xlsx => continue,
            _ => String::from_utf8(std::fs::read(&path).unwrap()).unwrap(),
        };
        for clinical in ["Appendectomy", "Penicillin"] {
            assert!(!text.contains(clinical), "{format:?} leaks {clinical}");
        }
        if format == ExportFormat::Csv {
            let got = headers(&path);
            let want: Vec<&str> = FULL_HEADERS
                .iter()
                .copied()
                .filter(|h| !CLINICAL_HEADERS.contains(h))
                .collect();
            assert_eq!(got, want);
        }
    }
    // The full name is demographic, so it is there; "Secret clinical text" as the reason and
    // the medications is not, but as the name it is.
    let (_, path) = c
        .export(&desk_session, ExportFormat::Csv, QueueQuery::default())
        .unwrap();
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(text.matches("Secret clinical text 1").count(), 1);

    for (role, name) in [(Role::Doctor, "doc"), (Role::Admin, "boss")] {
        let s = c.staff(name, role);
        let (summary, path) = c
            .export(&s, ExportFormat::Csv, QueueQuery::default())
            .unwrap();
        assert_eq!(summary.scope, ExportScope::Full);
        assert_eq!(headers(&path), FULL_HEADERS);
    }
}

#[test]
fn a_role_without_export_permission_is_refused_and_nothing_is_written() {
    let c = Clinic::new();
    c.intake(&full_intake(0, "Ana"));
    let desk_session = c.staff("desk", Role::FrontDesk);
    let doctor = c.staff("doc", Role::Doctor);
    set_front_desk_export(&c, FrontDeskExport::Nothing);

    let options = c.desk().export_options(&desk_session).unwrap();
    assert_eq!(options.scope, None);
    assert!(options.formats.is_empty());
    for format in ExportFormat::ALL {
        let e = c
            .export(&desk_session, format, QueueQuery::default())
            .unwrap_err();
        assert_eq!(e.code(), "auth.forbidden");
    }
    assert_eq!(std::fs::read_dir(c.out.path()).unwrap().count(), 0);
    // The setting is about the front desk only.
    assert!(c
        .export(&doctor, ExportFormat::Csv, QueueQuery::default())
        .is_ok());
    // Signed out and bogus sessions are refused too.
    let e = c.export("not-a-session", ExportFormat::Csv, QueueQuery::default());
    assert_eq!(e.unwrap_err().code(), "auth.not_signed_in");
    assert_eq!(
        export_audits(&c).len(),
        1,
        "only the doctor's export is audited"
    );
}

#[test]
fn every_export_leaves_an_audit_row_without_the_search_text() {
    let c = Clinic::new();
    for n in 0..4 {
        c.intake(&full_intake(n, &format!("Lucía {n}")));
    }
    let desk_session = c.staff("desk", Role::FrontDesk);
    let query = QueueQuery {
        search: Some("Lucía".into()),
        statuses: vec![IntakeStatus::New, IntakeStatus::Reviewed],
        from_ms: Some(0),
        to_ms: Some(4_000_000_000_000),
        reviewed: None,
        ..QueueQuery::default()
    };
    c.export(&c.admin(), ExportFormat::Xlsx, query.clone())
        .unwrap();
    c.export(&desk_session, ExportFormat::Csv, QueueQuery::default())
        .unwrap();
    c.export(&c.admin(), ExportFormat::Fhir, QueueQuery::default())
        .unwrap();

    let rows = export_audits(&c);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].0, "staff:admin");
    assert_eq!(rows[0].1["format"], "xlsx");
    assert_eq!(rows[0].1["scope"], "full");
    assert_eq!(rows[0].1["rows"], 4);
    assert_eq!(rows[0].1["filters"]["searched"], true);
    assert_eq!(
        rows[0].1["filters"]["statuses"],
        serde_json::json!(["new", "reviewed"])
    );
    assert_eq!(rows[0].1["filters"]["fromMs"], 0);
    assert_eq!(rows[1].0, "staff:desk");
    assert_eq!(rows[1].1["scope"], "demographics");
    assert_eq!(rows[1].1["filters"]["searched"], false);
    assert_eq!(rows[2].1["format"], "fhir");
    for (_, details) in &rows {
        assert!(
            !details.to_string().contains("Luc"),
            "no search text: {details}"
        );
    }
    // The chain still verifies with the new rows in it.
    assert_eq!(
        c.desk().verify_audit(&c.admin()).unwrap().first_broken,
        None
    );
}

#[test]
fn a_cancelled_export_leaves_no_file_and_no_audit_row() {
    let c = Clinic::new();
    for n in 0..3 {
        c.intake(&full_intake(n, "Ana"));
    }
    let path = c.out.path().join("cancelled.xlsx");
    let cancel = AtomicBool::new(true);
    let mut calls = Vec::new();
    let mut progress = |done, total| calls.push((done, total));
    let e = c
        .desk()
        .export_intakes(
            &c.admin(),
            &c.form,
            ExportJob {
                request: &ExportRequest {
                    format: ExportFormat::Xlsx,
                    query: QueueQuery::default(),
                },
                out: &path,
                tz: tz(),
                cancel: &cancel,
                progress: &mut progress,
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "export.cancelled");
    assert_eq!(calls, [(0, 3)]);
    assert_eq!(
        std::fs::read_dir(c.out.path()).unwrap().count(),
        0,
        "no part file left"
    );
    assert!(export_audits(&c).is_empty());
}

#[test]
fn destinations_get_their_extension_and_bad_ones_are_explained() {
    let c = Clinic::new();
    c.intake(&full_intake(0, "Ana"));
    let admin = c.admin();
    let bare = c.out.path().join("monthly");
    let summary = c
        .export_to(&admin, ExportFormat::Csv, QueueQuery::default(), &bare)
        .unwrap();
    assert_eq!(summary.file_name, "monthly.csv");
    assert!(c.out.path().join("monthly.csv").is_file());
    // Upper-case extensions are kept as typed.
    let upper = c.out.path().join("Report.XLSX");
    let summary = c
        .export_to(&admin, ExportFormat::Xlsx, QueueQuery::default(), &upper)
        .unwrap();
    assert_eq!(summary.file_name, "Report.XLSX");
    // An existing export of the same name is replaced whole (the dialog asked already).
    let again = c
        .export_to(&admin, ExportFormat::Csv, QueueQuery::default(), &bare)
        .unwrap();
    assert_eq!(again.rows, 1);

    let folder = c
        .export_to(
            &admin,
            ExportFormat::Csv,
            QueueQuery::default(),
            c.out.path(),
        )
        .unwrap_err();
    assert_eq!(folder.code(), "export.not_a_file");
    let gone = c.out.path().join("unplugged-drive").join("x.csv");
    let e = c
        .export_to(&admin, ExportFormat::Csv, QueueQuery::default(), &gone)
        .unwrap_err();
    assert_eq!(e.code(), "export.folder_missing");
    assert!(
        !e.body().message.contains("unplugged"),
        "no path in messages"
    );
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_written_is_explained() {
    use std::os::unix::fs::PermissionsExt;
    let c = Clinic::new();
    let locked = c.out.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores directory permissions; the check means nothing then.
    if std::fs::write(locked.join("probe"), b"x").is_ok() {
        return;
    }
    let e = c
        .export_to(
            &c.admin(),
            ExportFormat::Csv,
            QueueQuery::default(),
            &locked.join("x.csv"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "export.permission_denied");
}

fn item(link_id: &str, label: &str, tag: Tag) -> Item {
    Item {
        link_id: link_id.into(),
        kind: ItemType::String,
        text: [("en".to_owned(), format!("{label}?"))].into(),
        label: [("en".to_owned(), label.to_owned())].into(),
        required: false,
        tag,
        answer_option: Vec::new(),
        enable_when: Vec::new(),
        format: None,
        max_length: None,
    }
}

#[test]
fn answers_from_several_form_versions_line_up() {
    let c = Clinic::new();
    // Last year's form asked two questions today's does not.
    let mut old = Form::default_form().unwrap();
    old.version = "2024.2".into();
    old.item
        .push(item("referrer", "Referred by", Tag::Demographic));
    old.item.push(item("smoker", "Smoker", Tag::Clinical));
    c.desk().remember_form(&old).unwrap();

    let mut then = full_intake(0, "Old Form Patient");
    then.form_version = "2024.2".into();
    then.answers
        .insert("referrer".into(), Answer::Text("Dr House".into()));
    then.answers
        .insert("smoker".into(), Answer::Text("never".into()));
    c.intake(&then);
    c.intake(&full_intake(1, "New Form Patient"));
    // And one from a version nobody recorded (before migration 012, say).
    let mut lost = full_intake(2, "Unknown Form Patient");
    lost.form_version = "2023.1".into();
    lost.answers
        .insert("pets".into(), Answer::Text("two cats".into()));
    c.intake(&lost);

    let (_, path) = c
        .export(&c.admin(), ExportFormat::Csv, QueueQuery::default())
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let mut want: Vec<&str> = FULL_HEADERS.to_vec();
    want.extend(["Referred by", "Smoker", "Other answers"]);
    assert_eq!(rows[0], want);
    let col = |h: &str| rows[0].iter().position(|x| x == h).unwrap();
    assert_eq!(rows[1][col("Referred by")], "Dr House");
    assert_eq!(rows[1][col("Smoker")], "never");
    assert_eq!(rows[2][col("Referred by")], "");
    assert_eq!(rows[3][col("Other answers")], "pets: two cats");
    for r in &rows[1..] {
        assert_eq!(r.len(), want.len());
    }

    // The front desk gets the old demographic question, not the clinical one nor the unknown.
    let desk_session = c.staff("desk", Role::FrontDesk);
    let (_, path) = c
        .export(&desk_session, ExportFormat::Csv, QueueQuery::default())
        .unwrap();
    let got = headers(&path);
    assert!(got.contains(&"Referred by".to_owned()));
    assert!(!got.contains(&"Smoker".to_owned()));
    assert!(!got.contains(&"Other answers".to_owned()));
    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(!text.contains("two cats") && !text.contains("never"));
}
