//! A real intake, played over the signed webhook and the processor, as staff then see it: the
//! queue row and the events the window hears, the detail per role (clinical left out for the
//! front desk, audited for the doctor), the review, and the photo.
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use intake_core::auth::Role;
use intake_core::engine::Settings;
use intake_core::events::DeskEvent;
use intake_core::form::{Form, Tag};
use intake_core::processor::Processor;
use intake_core::queue::{
    AttachmentState, IntakeDetail, IntakeStatus, QueueQuery, ReviewRequest, SectionKind,
};
use intake_core::Desk;
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;

use crate::common::code;
use crate::wa::{tap, text, webhook_from};
use crate::webhook::{start, Server};

const PATIENT: &str = "34600111999";
const MEDIA_ID: &str = "MEDIA-1";
const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a pretend JPEG of an insurance card";
/// The clinical answers of the walk and their labels: none may reach a front-desk window.
const CLINICAL: &[&str] = &[
    "Headache for two weeks",
    "Appendectomy",
    "Penicillin",
    "Ibuprofen",
    "Reason for visit",
    "Medical history",
];

fn pick(id: &str) -> Value {
    json!({"type": "interactive", "interactive": {"type": "list_reply",
        "list_reply": {"id": id, "title": id}}})
}

struct Walked {
    s: Server,
    desk: Arc<Desk>,
    intake_id: i64,
    events: Vec<DeskEvent>,
}

/// Plays the whole default form (with a photo) from "Hi" to the confirmed review, then asks for
/// staff.
async fn walk() -> Walked {
    let s = start().await;
    let desk = s.f.desk();
    let mut rx = desk.events().subscribe();
    let processor = Processor::new(
        desk.clone(),
        Arc::new(Form::default_form().unwrap()),
        Settings::default(),
    );
    let image = json!({"type": "image", "image": {"mime_type": "image/jpeg",
        "sha256": "c2hhLW9mLXRoZS1waG90bw==", "id": MEDIA_ID}});
    let script = [
        text("Hi"),
        tap("q:language:en", "English"),
        tap("q:consent:true", "Yes"),
        text("Ana María Pérez"),
        text("14/03/1987"),
        pick("q:gender:female"),
        tap("d:phone", "This number"),
        text("ana.perez@example.com"),
        text("Calle Mayor 1, 28013 Madrid"),
        text("Headache for two weeks"),
        text("Appendectomy in 2010"),
        tap("q:has_allergies:true", "Yes"),
        text("Penicillin: rash"),
        text("Ibuprofen 400 mg as needed"),
        image,
        tap("r:confirm", "Confirm"),
        text("staff"),
    ];
    for (n, message) in script.into_iter().enumerate() {
        let now = desk.clock_now().timestamp() + 20;
        s.f.clock.set(Utc.timestamp_opt(now, 0).unwrap());
        let body = webhook_from(PATIENT, &format!("wamid.queue.{n}"), now - 3, message);
        let (status, reply) = s.signed(body).await;
        assert_eq!(status, 200, "{reply}");
        let report = processor.run_once().unwrap();
        assert_eq!(report.messages, 1, "message {n}");
    }
    let admin = s.f.admin();
    let page = desk.intake_queue(&admin, &QueueQuery::default()).unwrap();
    assert_eq!(page.total, 1, "one intake submitted");
    let intake_id = page.rows[0].id;
    Walked {
        s,
        desk,
        intake_id,
        events: drain(&mut rx),
    }
}

fn drain(rx: &mut Receiver<DeskEvent>) -> Vec<DeskEvent> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

fn audit_rows(desk: &Desk, action: &str) -> Vec<(String, String, String)> {
    let conn = desk.db().connect().unwrap();
    let mut stmt = conn
        .prepare("SELECT actor, subject, details FROM audit_log WHERE action = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn values(d: &IntakeDetail, kind: SectionKind) -> Vec<(String, String, String)> {
    d.sections
        .iter()
        .filter(|s| s.kind == kind)
        .flat_map(|s| s.answers.iter())
        .map(|a| (a.link_id.clone(), a.label.clone(), a.value.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_intake_reaches_the_queue_and_each_role_sees_its_part() {
    let w = walk().await;
    let (desk, id) = (&w.desk, w.intake_id);
    let form = Form::default_form().unwrap();

    // The window heard about it once committed, with the first name only.
    assert!(w.events.contains(&DeskEvent::IntakeSubmitted {
        intake_id: id,
        first_name: Some("Ana".into())
    }));
    let conversation_id = desk
        .intake_detail(&w.s.f.admin(), &form, id)
        .unwrap()
        .conversation_id;
    assert!(w.events.contains(&DeskEvent::StaffRequested {
        conversation_id,
        first_name: Some("Ana".into())
    }));

    // The queue row was filled from the answers and the conversation's number.
    let front = w.s.f.user("desk", Role::FrontDesk);
    let search = |s: &str| {
        desk.intake_queue(
            &front,
            &QueueQuery {
                search: Some(s.into()),
                ..QueueQuery::default()
            },
        )
        .unwrap()
    };
    let row = &search("maria perez").rows[0];
    assert_eq!(row.patient_name, "Ana María Pérez");
    assert_eq!(row.patient_phone, "+34600111999");
    assert_eq!((row.status, row.lang.as_str()), (IntakeStatus::New, "en"));
    assert_eq!(search("+34 600 111 999").total, 1);
    let dash = desk.dashboard(&front, &Default::default()).unwrap();
    assert_eq!((dash.today.new, dash.waiting_for_staff), (1, 1));

    // Front desk: demographics only, nothing clinical anywhere in what crosses IPC.
    let before = audit_rows(desk, "intake.viewed").len();
    let d = desk.intake_detail(&front, &form, id).unwrap();
    assert!(d.clinical_hidden);
    assert!(d
        .sections
        .iter()
        .all(|s| s.kind == SectionKind::Demographic));
    assert!(d.notes.is_empty() && d.transcript.is_empty());
    let json = serde_json::to_string(&d).unwrap();
    for needle in CLINICAL {
        assert!(
            !json.contains(needle),
            "{needle} leaked to the front desk: {json}"
        );
    }
    assert_eq!(
        audit_rows(desk, "intake.viewed").len(),
        before,
        "no clinical view"
    );
    let demo = values(&d, SectionKind::Demographic);
    let ids: Vec<&str> = demo.iter().map(|(l, _, _)| l.as_str()).collect();
    assert_eq!(
        ids,
        [
            "full_name",
            "birth_date",
            "gender",
            "phone",
            "email",
            "address",
            "id_card"
        ],
        "form order, without language and consent"
    );
    assert!(demo.contains(&("gender".into(), "Gender".into(), "Female".into())));
    assert!(demo.contains(&(
        "birth_date".into(),
        "Date of birth".into(),
        "1987-03-14".into()
    )));
    assert_eq!(d.sections[0].answers[0].question, "What is your full name?");
    assert_eq!(d.sections[0].title, "About the patient");
    let consent = d.consent.clone().expect("consent evidence");
    assert!(consent.granted);
    assert_eq!(consent.consent_version, "consent-2025-01");
    assert_eq!(
        (consent.lang.as_str(), consent.wamid.as_str()),
        ("en", "wamid.queue.2")
    );
    assert_eq!(consent.text_sha256.len(), 64);
    assert_eq!(d.attachments.len(), 1);
    let photo = &d.attachments[0];
    assert_eq!(
        (
            photo.media_id.as_str(),
            photo.link_id.as_str(),
            photo.mime.as_str()
        ),
        (MEDIA_ID, "id_card", "image/jpeg")
    );
    assert_eq!(photo.state, AttachmentState::Pending);

    // Doctor: everything, and the view is in the audit log without patient data.
    let doctor = w.s.f.user("doc", Role::Doctor);
    let d = desk.intake_detail(&doctor, &form, id).unwrap();
    assert!(!d.clinical_hidden);
    let clinical = values(&d, SectionKind::Clinical);
    let ids: Vec<&str> = clinical.iter().map(|(l, _, _)| l.as_str()).collect();
    assert_eq!(
        ids,
        [
            "reason",
            "history",
            "has_allergies",
            "allergies",
            "medications"
        ]
    );
    assert!(clinical.contains(&(
        "reason".into(),
        "Reason for visit".into(),
        "Headache for two weeks".into()
    )));
    assert!(clinical.contains(&("has_allergies".into(), "Allergies?".into(), "Yes".into())));
    assert!(
        d.transcript
            .iter()
            .any(|t| t.text.contains("Headache for two weeks")),
        "the conversation is there"
    );
    let viewed = audit_rows(desk, "intake.viewed");
    assert_eq!(viewed.len(), before + 1);
    let (actor, subject, details) = viewed.last().unwrap();
    assert_eq!(
        (actor.as_str(), subject.as_str()),
        ("staff:doc", &*format!("intake:{id}"))
    );
    assert!(
        !details.contains("Ana") && !details.contains("Headache"),
        "{details}"
    );

    let missing = desk.intake_detail(&doctor, &form, id + 1000).unwrap_err();
    assert_eq!(code(missing), "not_found.intake");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_doctor_reviews_with_a_note_and_the_front_desk_cannot() {
    let w = walk().await;
    let (desk, id) = (&w.desk, w.intake_id);
    let form = Form::default_form().unwrap();
    let front = w.s.f.user("desk", Role::FrontDesk);
    let doctor = w.s.f.user("doc", Role::Doctor);
    let mut rx = desk.events().subscribe();
    let review = |status, note: Option<&str>| ReviewRequest {
        status,
        note: note.map(str::to_owned),
    };

    let refused = desk
        .review_intake(
            &front,
            &form,
            id,
            &review(IntakeStatus::Reviewed, Some("x")),
        )
        .unwrap_err();
    assert_eq!(code(refused), "auth.forbidden");
    let too_long = "é".repeat(4001);
    let e = desk
        .review_intake(
            &doctor,
            &form,
            id,
            &review(IntakeStatus::Reviewed, Some(&too_long)),
        )
        .unwrap_err();
    assert_eq!(code(e), "invalid.note");
    let e = desk
        .review_intake(
            &doctor,
            &form,
            id + 1000,
            &review(IntakeStatus::Reviewed, None),
        )
        .unwrap_err();
    assert_eq!(code(e), "not_found.intake");
    assert!(
        drain(&mut rx).is_empty(),
        "nothing changed, nothing announced"
    );
    let unchanged = desk.intake_detail(&doctor, &form, id).unwrap();
    assert_eq!(
        (unchanged.status, unchanged.status_by.clone()),
        (IntakeStatus::New, None)
    );
    assert!(audit_rows(desk, "intake.reviewed").is_empty());

    // A minute later: the review's time is the desk's clock, not the intake's.
    let at = desk.now_ms() + 60_000;
    w.s.f.clock.set(Utc.timestamp_millis_opt(at).unwrap());
    let note = " Call back about\r\n\tthe \u{7}results\u{202E} ";
    let d = desk
        .review_intake(
            &doctor,
            &form,
            id,
            &review(IntakeStatus::NeedsFollowUp, Some(note)),
        )
        .unwrap();
    assert_eq!(d.status, IntakeStatus::NeedsFollowUp);
    assert_eq!(d.status_by.as_deref(), Some("doc Example"));
    assert_eq!(d.status_at, Some(at));
    assert_eq!(d.notes.len(), 1);
    assert_eq!(d.notes[0].text, "Call back about\n\tthe results");
    assert_eq!(
        (d.notes[0].author.as_str(), d.notes[0].at),
        ("doc Example", at)
    );
    assert!(!d.clinical_hidden);
    assert_eq!(drain(&mut rx), [DeskEvent::IntakeUpdated { intake_id: id }]);

    // A second review without a note (a blank one is no note) keeps the first note.
    let d = desk
        .review_intake(
            &doctor,
            &form,
            id,
            &review(IntakeStatus::Reviewed, Some("  ")),
        )
        .unwrap();
    assert_eq!((d.status, d.notes.len()), (IntakeStatus::Reviewed, 1));

    let rows = audit_rows(desk, "intake.reviewed");
    assert_eq!(rows.len(), 2);
    let details: Vec<Value> = rows
        .iter()
        .map(|(actor, subject, details)| {
            assert_eq!(
                (actor.as_str(), subject.as_str()),
                ("staff:doc", &*format!("intake:{id}"))
            );
            assert!(
                !details.contains("Call back"),
                "no note text in the audit log"
            );
            serde_json::from_str(details).unwrap()
        })
        .collect();
    assert_eq!(
        details,
        [
            json!({"status": "needs_follow_up", "note": true}),
            json!({"status": "reviewed", "note": false})
        ]
    );

    // The queue shows who reviewed it; the front desk sees the status but not the note.
    let row = &desk
        .intake_queue(&front, &QueueQuery::default())
        .unwrap()
        .rows[0];
    assert_eq!(row.status_by.as_deref(), Some("doc Example"));
    let seen = desk.intake_detail(&front, &form, id).unwrap();
    assert_eq!(seen.status, IntakeStatus::Reviewed);
    assert!(seen.notes.is_empty());
    assert!(!serde_json::to_string(&seen).unwrap().contains("Call back"));
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_are_served_for_their_own_intake_and_by_the_item_tag() {
    let w = walk().await;
    let (desk, id) = (&w.desk, w.intake_id);
    let form = Form::default_form().unwrap();
    let front = w.s.f.user("desk", Role::FrontDesk);
    let doctor = w.s.f.user("doc", Role::Doctor);

    let e = desk.intake_media(&front, &form, id, MEDIA_ID).unwrap_err();
    assert_eq!(code(e), "not_found.media_bytes", "not downloaded yet");
    desk.db()
        .conn()
        .execute(
            "UPDATE media_fetches SET state = 'stored', data = ?2, size = ?3 WHERE media_id = ?1",
            rusqlite::params![MEDIA_ID, PHOTO, PHOTO.len() as i64],
        )
        .unwrap();

    // The ID card is demographic in the default form: the front desk may see it, unaudited.
    let m = desk.intake_media(&front, &form, id, MEDIA_ID).unwrap();
    assert_eq!(m.mime, "image/jpeg");
    assert_eq!(
        data_encoding::BASE64.decode(m.base64.as_bytes()).unwrap(),
        PHOTO
    );
    let d = desk.intake_detail(&front, &form, id).unwrap();
    assert_eq!(d.attachments[0].state, AttachmentState::Fetched);
    assert_eq!(d.attachments[0].size, Some(PHOTO.len() as i64));
    assert!(audit_rows(desk, "intake.media_viewed").is_empty());

    // Only media this intake's answers name.
    let e = desk.intake_media(&front, &form, id, "MEDIA-2").unwrap_err();
    assert_eq!(code(e), "not_found.media");
    let other = super::add(
        desk,
        "Otra Persona",
        "34611999000",
        desk.now_ms(),
        IntakeStatus::New,
    );
    let e = desk
        .intake_media(&front, &form, other, MEDIA_ID)
        .unwrap_err();
    assert_eq!(code(e), "not_found.media");
    let e = desk
        .intake_media(&front, &form, id + 1000, MEDIA_ID)
        .unwrap_err();
    assert_eq!(code(e), "not_found.intake");

    // A clinic whose form tags the photo clinical: hidden from the front desk everywhere.
    let mut clinical_form = form.clone();
    clinical_form
        .item
        .iter_mut()
        .find(|i| i.link_id == "id_card")
        .unwrap()
        .tag = Tag::Clinical;
    let e = desk
        .intake_media(&front, &clinical_form, id, MEDIA_ID)
        .unwrap_err();
    assert_eq!(code(e), "auth.forbidden");
    let d = desk.intake_detail(&front, &clinical_form, id).unwrap();
    assert!(d.attachments.is_empty());
    assert!(d
        .sections
        .iter()
        .flat_map(|s| &s.answers)
        .all(|a| a.link_id != "id_card"));
    let m = desk
        .intake_media(&doctor, &clinical_form, id, MEDIA_ID)
        .unwrap();
    assert_eq!(
        data_encoding::BASE64.decode(m.base64.as_bytes()).unwrap(),
        PHOTO
    );
    let viewed = audit_rows(desk, "intake.media_viewed");
    assert_eq!(viewed.len(), 1);
    assert_eq!(viewed[0].1, format!("intake:{id}"));
    assert_eq!(viewed[0].2, r#"{"linkId":"id_card"}"#);
}
