//! A clinic on disk with staff of each role, intakes with chosen answers, and one call to
//! export them.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use chrono::{FixedOffset, NaiveDate};
use rusqlite::params;

use crate::auth::Role;
use crate::desk::NewUser;
use crate::export::{ExportFormat, ExportJob, ExportRequest, ExportSummary, ExportTz};
use crate::form::{Answer, Form};
use crate::keys::MemorySecretStore;
use crate::queue::{insert_intake, IntakeStatus, NewIntake, QueueQuery};
use crate::{Config, DataDir, Desk, Launcher, ManualClock, SetupRequest};

pub const ADMIN_PW: &str = "correct horse battery";
pub const USER_PW: &str = "tulip garden forty two";

/// Madrid in winter: every local time in these tests is UTC+1.
pub fn tz() -> ExportTz {
    ExportTz::Fixed(FixedOffset::east_opt(3600).unwrap())
}

/// Strings a patient could type that a spreadsheet would run, or that break naive writers.
pub const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1+1",
    "=cmd|' /C calc'!A0",
    "Zoë \"Zo\" O'Brien, Jr.",
    "line one\nline two\r\nline three",
    "🙂 emoji 👩🏽‍⚕️",
    "Ñandú Müller-Lüdenscheidt",
];

pub struct Clinic {
    /// Holds the clinic's data folder until the test ends.
    _dir: tempfile::TempDir,
    pub out: tempfile::TempDir,
    pub launcher: Launcher,
    pub form: Form,
}

impl Clinic {
    pub fn new() -> Clinic {
        let dir = tempfile::tempdir().unwrap();
        let launcher = Launcher::new(
            Config::fast_for_tests(DataDir::new(dir.path())),
            Arc::new(MemorySecretStore::new()),
            Arc::new(ManualClock::at_test_epoch()),
        );
        let recovery = launcher.begin_setup().unwrap();
        launcher
            .finish_setup(&SetupRequest {
                clinic_name: "Clínica San Rafael".into(),
                username: "admin".into(),
                display_name: "Ana Admin".into(),
                password: ADMIN_PW.into(),
                recovery_confirmation: recovery.rsplit('-').next().unwrap().to_lowercase(),
            })
            .unwrap();
        Clinic {
            _dir: dir,
            out: tempfile::tempdir().unwrap(),
            launcher,
            form: Form::default_form().unwrap(),
        }
    }

    pub fn desk(&self) -> Arc<Desk> {
        self.launcher.desk().unwrap()
    }

    pub fn admin(&self) -> String {
        self.desk().login("admin", ADMIN_PW, None).unwrap().0
    }

    /// A new staff account of `role`, signed in.
    pub fn staff(&self, username: &str, role: Role) -> String {
        let desk = self.desk();
        desk.create_user(
            &self.admin(),
            &NewUser {
                username: username.into(),
                display_name: format!("{username} Example"),
                role,
                password: USER_PW.into(),
            },
        )
        .unwrap();
        desk.login(username, USER_PW, None).unwrap().0
    }

    /// Writes one submitted intake the way the processor does; returns its id.
    pub fn intake(&self, spec: &IntakeSpec) -> i64 {
        let desk = self.desk();
        let mut conn = desk.db().conn();
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO conversations (wa_id, state, updated_at) VALUES (?1, '{}', ?2)",
            params![spec.wa_id, spec.submitted_at],
        )
        .unwrap();
        let conversation_id = tx.last_insert_rowid();
        let json = serde_json::to_string(&spec.answers).unwrap();
        let name = match spec.answers.get("full_name") {
            Some(Answer::Text(n)) => n.clone(),
            _ => String::new(),
        };
        let id = insert_intake(
            &tx,
            &NewIntake {
                conversation_id,
                form_id: &spec.form_id,
                form_version: &spec.form_version,
                lang: &spec.lang,
                answers_json: &json,
                patient_name: &name,
                wa_id: &spec.wa_id,
                submitted_at: spec.submitted_at,
                status: spec.status,
                status_by: spec.status_by.as_deref(),
                status_at: spec.status_at,
            },
        )
        .unwrap();
        tx.commit().unwrap();
        id
    }

    /// Exports with `query` to a file named after the format in the output folder.
    pub fn export(
        &self,
        session: &str,
        format: ExportFormat,
        query: QueueQuery,
    ) -> crate::Result<(ExportSummary, PathBuf)> {
        let path = self
            .out
            .path()
            .join(format!("export.{}", format.extension()));
        let summary = self.export_to(session, format, query, &path)?;
        Ok((summary, path))
    }

    pub fn export_to(
        &self,
        session: &str,
        format: ExportFormat,
        query: QueueQuery,
        path: &Path,
    ) -> crate::Result<ExportSummary> {
        let cancel = AtomicBool::new(false);
        let mut progress = |_: u64, _: u64| {};
        self.desk().export_intakes(
            session,
            &self.form,
            ExportJob {
                request: &ExportRequest { format, query },
                out: path,
                tz: tz(),
                cancel: &cancel,
                progress: &mut progress,
            },
        )
    }

    /// The answers JSON of every intake, by id, straight from the database.
    pub fn stored_answers(&self) -> BTreeMap<i64, BTreeMap<String, Answer>> {
        let desk = self.desk();
        let conn = desk.db().conn();
        let mut stmt = conn.prepare("SELECT id, answers FROM intakes").unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        rows.map(|r| {
            let (id, json) = r.unwrap();
            (id, serde_json::from_str(&json).unwrap())
        })
        .collect()
    }
}

pub struct IntakeSpec {
    pub wa_id: String,
    pub lang: String,
    pub form_id: String,
    pub form_version: String,
    pub answers: BTreeMap<String, Answer>,
    pub submitted_at: i64,
    pub status: IntakeStatus,
    pub status_by: Option<String>,
    pub status_at: Option<i64>,
}

/// 2026-11-22 09:30:00 UTC (10:30 in the tests' zone).
pub const SUBMITTED: i64 = 1_795_339_800_000;

/// A whole default-form intake whose free-text answers are `text` (a hostile string, say).
pub fn full_intake(n: usize, text: &str) -> IntakeSpec {
    let mut answers = BTreeMap::new();
    let t = |s: &str| Answer::Text(s.to_owned());
    answers.insert("language".into(), Answer::Choice("es".into()));
    answers.insert("consent".into(), Answer::Bool(true));
    answers.insert("full_name".into(), t(text));
    answers.insert(
        "birth_date".into(),
        Answer::Date(NaiveDate::from_ymd_opt(1987, 3, 14).unwrap()),
    );
    answers.insert(
        "gender".into(),
        Answer::Choice(["female", "male", "other", "unknown"][n % 4].into()),
    );
    answers.insert("phone".into(), t("+34600111222"));
    answers.insert("email".into(), Answer::Skipped);
    answers.insert(
        "address".into(),
        t(&format!("Calle Mayor {n}\n28013 Madrid")),
    );
    answers.insert("reason".into(), t(text));
    answers.insert("history".into(), t("Appendectomy 2010"));
    answers.insert("has_allergies".into(), Answer::Bool(n.is_multiple_of(2)));
    if n.is_multiple_of(2) {
        answers.insert("allergies".into(), t("Penicillin"));
    }
    answers.insert("medications".into(), t(text));
    answers.insert(
        "id_card".into(),
        Answer::Attachment {
            media_id: format!("media{n}"),
            sha256: "c2hh".into(),
            mime: "image/jpeg".into(),
        },
    );
    let reviewed = !n.is_multiple_of(3);
    IntakeSpec {
        wa_id: format!("3460011{n:04}"),
        lang: "es".into(),
        form_id: "intake-default".into(),
        form_version: "2025.1".into(),
        answers,
        submitted_at: SUBMITTED + n as i64 * 60_000,
        status: if reviewed {
            IntakeStatus::Reviewed
        } else {
            IntakeStatus::New
        },
        status_by: reviewed.then(|| "Dr Núñez".to_owned()),
        status_at: reviewed.then_some(SUBMITTED + n as i64 * 60_000 + 3_600_000),
    }
}

/// The display the export's language (English) gives a stored choice, written out here rather
/// than taken from the export code, so a wrong mapping there fails the tests.
pub fn choice_display(link_id: &str, code: &str) -> &'static str {
    match (link_id, code) {
        ("language", "en") => "English",
        ("language", "es") => "Español",
        ("gender", "female") => "Female",
        ("gender", "male") => "Male",
        ("gender", "other") => "Other",
        ("gender", "unknown") => "Prefer not to say",
        other => panic!("unexpected choice {other:?}"),
    }
}

/// Wall-clock time in the tests' zone (UTC+1).
pub fn local(ms: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&FixedOffset::east_opt(3600).unwrap())
        .naive_local()
}

/// An intake's queue columns as the database holds them.
pub struct Row {
    pub id: i64,
    pub status: &'static str,
    pub submitted: i64,
    pub reviewed: Option<(String, i64)>,
    pub phone: String,
}

/// The intakes in the queue's default order (oldest first), straight from the database.
pub fn database_rows(c: &Clinic) -> Vec<Row> {
    let desk = c.desk();
    let conn = desk.db().conn();
    let mut stmt = conn
        .prepare(
            "SELECT id, status, submitted_at, status_by, status_at, patient_phone FROM intakes
             ORDER BY submitted_at, id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            let status: String = r.get(1)?;
            let by: Option<String> = r.get(3)?;
            let at: Option<i64> = r.get(4)?;
            Ok(Row {
                id: r.get(0)?,
                status: match IntakeStatus::parse(&status).unwrap() {
                    IntakeStatus::New => "New",
                    IntakeStatus::Reviewed => "Reviewed",
                    IntakeStatus::NeedsFollowUp => "Needs follow-up",
                },
                submitted: r.get(2)?,
                reviewed: (status != "new").then(|| (by.unwrap(), at.unwrap())),
                phone: r.get(5)?,
            })
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// The English headers of a full export of the default form, in order.
pub const FULL_HEADERS: &[&str] = &[
    "Intake ID",
    "Status",
    "Submitted at",
    "Reviewed by",
    "Reviewed at",
    "WhatsApp number",
    "Language",
    "Consent",
    "Full name",
    "Date of birth",
    "Gender",
    "Phone",
    "Email",
    "Address",
    "Reason for visit",
    "Medical history",
    "Allergies?",
    "Allergies",
    "Current medications",
    "ID / insurance card",
];

/// The questions behind `FULL_HEADERS[6..]`, in form order.
pub const LINK_IDS: &[&str] = &[
    "language",
    "consent",
    "full_name",
    "birth_date",
    "gender",
    "phone",
    "email",
    "address",
    "reason",
    "history",
    "has_allergies",
    "allergies",
    "medications",
    "id_card",
];

/// The clinical columns of a full export of the default form.
pub const CLINICAL_HEADERS: &[&str] = &[
    "Reason for visit",
    "Medical history",
    "Allergies?",
    "Allergies",
    "Current medications",
];
