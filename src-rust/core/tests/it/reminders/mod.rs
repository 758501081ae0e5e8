//! Issue 7, the reminder scheduler over the real pipeline: appointments booked through the
//! desk, the real `Bot` (processor → reminders → sender) against the fake Graph API over
//! loopback, the patient's taps and STOP as signed webhooks through the real ingest, and time
//! moved by the ManualClock.
mod answers;
mod offline;
mod optout;
mod schedule;
mod staff;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use intake_core::appointments::{Appointment, AppointmentPatient, NewAppointment, Reschedule};
use intake_core::auth::Role;
use intake_core::bot::Bot;
use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::reminders::{AppointmentMessage, MessageState, ReminderSettings};
use intake_core::sender::GraphConfig;
use intake_core::templates::TemplateEvent;
use intake_core::Desk;
use rusqlite::params;
use serde_json::{json, Value};

use crate::common::{ADMIN_PW, USER_PW};
use crate::sender::{fake_graph, Fake};
use crate::wa::{webhook_from, PHONE_NUMBER_ID};
use crate::webhook::{start, Server};

pub(crate) use crate::appointments::{DAY, HOUR, MIN};

/// Lucía, who is booked by number ("+34 600 111 222").
pub const PATIENT: &str = "34600111222";
pub const OTHER: &str = "34600111333";
pub const THIRD: &str = "34600111444";

pub struct Rig {
    pub s: Server,
    pub desk: Arc<Desk>,
    pub fake: Arc<Fake>,
    pub bot: Bot,
    pub doctor: i64,
    /// The clock when the rig was made: Monday 2026-01-05 09:00 UTC.
    pub t0: i64,
    n: usize,
    sessions: Mutex<HashMap<String, String>>,
}

impl Rig {
    pub async fn new() -> Rig {
        let s = start().await;
        let desk = s.f.desk();
        let (fake, url) = fake_graph(0).await;
        let bot = Bot::new(
            desk.clone(),
            Arc::new(Form::default_form().unwrap()),
            Settings::default(),
            GraphConfig {
                base_url: url,
                version: "v23.0".into(),
                phone_number_id: PHONE_NUMBER_ID.into(),
                token: Arc::from("test-token"),
            },
        )
        .unwrap();
        s.f.user("frida", Role::FrontDesk);
        s.f.user("house", Role::Doctor);
        s.f.user("grey", Role::Doctor);
        let doctor = crate::appointments::staff_id(&desk, "house");
        let t0 = desk.now_ms();
        Rig {
            s,
            desk,
            fake,
            bot,
            doctor,
            t0,
            n: 0,
            sessions: Mutex::default(),
        }
    }

    /// A live session for `user`: the last one while it is still active, else a new sign-in
    /// (the idle lock ends sessions while the clock jumps; sign-ins are rate limited).
    pub fn session(&self, user: &str, password: &str) -> String {
        let mut sessions = self.sessions.lock().unwrap();
        if let Some(s) = sessions.get(user) {
            if self.desk.touch(s).is_ok() {
                return s.clone();
            }
        }
        let s = self.s.f.login(user, password);
        sessions.insert(user.to_owned(), s.clone());
        s
    }

    pub fn fd(&self) -> String {
        self.session("frida", USER_PW)
    }

    pub fn admin(&self) -> String {
        self.session("admin", ADMIN_PW)
    }

    pub fn doctor_session(&self, name: &str) -> String {
        self.session(name, USER_PW)
    }

    pub fn now(&self) -> i64 {
        self.desk.now_ms()
    }

    pub fn set_clock(&self, ms: i64) {
        self.s.f.clock.set(Utc.timestamp_millis_opt(ms).unwrap());
    }

    /// One pass of the bot: processor, due reminders, sender, media.
    pub async fn pass(&self) {
        self.bot.pass().await.unwrap();
    }

    pub async fn at(&self, ms: i64) {
        self.set_clock(ms);
        self.pass().await;
    }

    pub fn booking(&self, phone: &str, starts_at: i64) -> NewAppointment {
        NewAppointment {
            patient: AppointmentPatient::Number {
                phone: format!("+{phone}"),
                name: "Lucía Fernández".into(),
            },
            ..crate::appointments::by_number(self.doctor, starts_at)
        }
    }

    /// Moves appointment `id` to `starts_at` (same length, same doctor), as the front desk.
    pub fn move_to(&self, id: i64, starts_at: i64) -> Appointment {
        self.desk
            .reschedule_appointment(
                &self.fd(),
                id,
                &Reschedule {
                    starts_at,
                    duration_min: 30,
                    clinician_id: self.doctor,
                },
            )
            .unwrap()
    }

    /// Passes at `from`, `from + step`, ... up to and including `until`.
    pub async fn pass_every(&self, step: i64, from: i64, until: i64) {
        let mut t = from;
        while t <= until {
            self.at(t).await;
            t += step;
        }
    }

    pub fn book_for(&self, phone: &str, starts_at: i64) -> Appointment {
        self.desk
            .create_appointment(&self.fd(), &self.booking(phone, starts_at))
            .unwrap()
    }

    pub fn book(&self, starts_at: i64) -> Appointment {
        self.book_for(PATIENT, starts_at)
    }

    pub fn appointment(&self, id: i64) -> Appointment {
        let a = self.appointment_rows(id);
        a.into_iter().next().unwrap()
    }

    fn appointment_rows(&self, id: i64) -> Vec<Appointment> {
        let q = intake_core::appointments::AppointmentQuery {
            from_ms: self.t0 - DAY,
            to_ms: self.t0 + 30 * DAY,
            clinician_id: None,
            include_cancelled: true,
        };
        self.desk
            .appointments(&self.fd(), &q)
            .unwrap()
            .into_iter()
            .filter(|a| a.id == id)
            .collect()
    }

    /// Stores a message from `from`, sent now (Meta's clock, unix seconds), through the signed
    /// webhook and the real ingest. Not processed yet.
    pub async fn arrives(&mut self, from: &str, message: Value) -> String {
        self.n += 1;
        let wamid = format!("wamid.reminders.{}", self.n);
        let (status, body) = self
            .s
            .signed(webhook_from(
                from,
                &wamid,
                self.desk.clock_now().timestamp(),
                message,
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        wamid
    }

    /// A message from `from`, then one pass.
    pub async fn say(&mut self, from: &str, message: Value) -> String {
        let wamid = self.arrives(from, message).await;
        self.pass().await;
        wamid
    }

    /// Messages (not read receipts) the fake Graph API accepted for `to`, in order.
    pub fn sent_to(&self, to: &str) -> Vec<Value> {
        self.fake.sent_to(to)
    }

    pub fn messages(&self, id: i64) -> Vec<AppointmentMessage> {
        self.desk.appointment_messages(&self.fd(), id).unwrap()
    }

    pub fn message(&self, id: i64, kind: TemplateEvent) -> AppointmentMessage {
        self.messages(id)
            .into_iter()
            .rev()
            .find(|m| m.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} for appointment {id}"))
    }

    pub fn settings(&self, change: impl FnOnce(&mut ReminderSettings)) {
        let admin = self.admin();
        let mut s = self.desk.reminder_settings(&admin).unwrap();
        change(&mut s);
        assert_eq!(self.desk.update_reminder_settings(&admin, &s).unwrap(), s);
    }

    pub fn count(&self, sql: &str) -> i64 {
        crate::common::count(&self.desk, sql)
    }

    pub fn conversation_id(&self, wa_id: &str) -> i64 {
        crate::common::conversation_id(&self.desk, wa_id)
    }

    /// Every appointment message gets an approved, mapped template (NAMED parameters, the
    /// three quick replies where the message has buttons), as a sync and an admin's mapping
    /// would leave them.
    pub fn approve_templates(&self) {
        self.template_status("APPROVED");
    }

    pub fn template_status(&self, status: &str) {
        let conn = self.desk.db().conn();
        let now = self.now();
        for event in [
            TemplateEvent::AppointmentConfirmation,
            TemplateEvent::Reminder24h,
            TemplateEvent::Reminder1h,
            TemplateEvent::Reminder15m,
            TemplateEvent::AppointmentCancelled,
            TemplateEvent::AppointmentRescheduled,
        ] {
            let name = template_name(event);
            let buttons = if event == TemplateEvent::AppointmentCancelled {
                json!([])
            } else {
                json!(["Confirm", "Reschedule", "Cancel"])
            };
            let actions = if event == TemplateEvent::AppointmentCancelled {
                json!([])
            } else {
                json!(["confirm", "reschedule", "cancel"])
            };
            conn.execute(
                "INSERT INTO wa_templates (meta_id, name, language, category, status,
                     parameter_format, body, params, buttons, updated_at)
                 VALUES (?1, ?2, 'en', 'UTILITY', ?3, 'NAMED', ?4, ?5, ?6, ?7)
                 ON CONFLICT (name, language) DO UPDATE SET status = excluded.status",
                params![
                    format!("9{}", name.len()),
                    name,
                    status,
                    "Hello {{first_name}}, about your appointment at {{clinic_name}} on {{date}} at {{time}}. Thank you.",
                    json!(["first_name", "clinic_name", "date", "time"]).to_string(),
                    buttons.to_string(),
                    now
                ],
            )
            .unwrap();
            conn.execute(
                "INSERT OR REPLACE INTO template_mappings (event, template_name, language,
                     params, buttons, updated_at)
                 VALUES (?1, ?2, 'en', ?3, ?4, ?5)",
                params![
                    event.as_str(),
                    name,
                    json!([
                        {"name": "first_name", "source": "first_name"},
                        {"name": "clinic_name", "source": "clinic_name"},
                        {"name": "date", "source": "date"},
                        {"name": "time", "source": "time"},
                    ])
                    .to_string(),
                    actions.to_string(),
                    now
                ],
            )
            .unwrap();
        }
    }
}

pub fn template_name(event: TemplateEvent) -> String {
    match event {
        TemplateEvent::AppointmentConfirmation => "appointment_confirmation".into(),
        TemplateEvent::AppointmentCancelled => "appointment_cancelled".into(),
        TemplateEvent::AppointmentRescheduled => "appointment_rescheduled".into(),
        e => format!("appointment_{}", e.as_str()),
    }
}

/// The template a message was sent with, if it was one.
pub fn template_of(m: &Value) -> Option<String> {
    (m["type"] == "template").then(|| m["template"]["name"].as_str().unwrap().to_owned())
}

/// The quick-reply payloads of a template message, or the reply ids of an interactive one.
pub fn answer_ids(m: &Value) -> Vec<String> {
    if m["type"] == "template" {
        return m["template"]["components"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["type"] == "button")
            .map(|c| c["parameters"][0]["payload"].as_str().unwrap().to_owned())
            .collect();
    }
    crate::wa::buttons(m)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

pub fn states(messages: &[AppointmentMessage]) -> Vec<(TemplateEvent, MessageState)> {
    messages.iter().map(|m| (m.kind, m.state)).collect()
}

pub fn template_tap(payload: &str, text: &str) -> Value {
    json!({"type": "button", "button": {"payload": payload, "text": text},
        "context": {"from": "15550001111", "id": "wamid.TEMPLATE0001"}})
}
