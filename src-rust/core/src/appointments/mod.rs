//! Appointments (issue 7, first step): front desk books, moves and cancels them; everyone who
//! sees the queue reads the day or week, doctors their own only. Each change commits with its
//! audit row (ids and times, never the patient's name, number or notes) and publishes
//! `DeskEvent::AppointmentsChanged`. Each change plans the appointment's WhatsApp messages in
//! the same transaction (`reminders::plan`).
mod store;
mod types;
mod validate;

use rusqlite::params;
use serde_json::json;

pub(crate) use store::not_found;
pub use types::*;

use crate::audit::{self, Action};
use crate::auth::{Permission, Role};
use crate::events::DeskEvent;
use crate::reminders::{self, Change};
use crate::store::StoreError;
use crate::{Desk, Error, Result};

/// The patient of a booking, checked before the transaction opens.
enum Who {
    Intake(i64),
    Typed {
        e164: String,
        wa_id: String,
        name: String,
    },
}

fn subject(id: i64) -> String {
    format!("appointment:{id}")
}

impl Desk {
    /// Active doctors, for the booking form and the list filter.
    pub fn clinicians(&self, session: &str) -> Result<Vec<Clinician>> {
        self.authorize(session, Permission::ViewQueue)?;
        store::clinicians(&self.db().conn())
    }

    /// The appointments starting in `[from_ms, to_ms)`, in start order. Front desk and admins
    /// see everyone's (or one clinician's); a doctor sees their own, whatever they ask for.
    pub fn appointments(
        &self,
        session: &str,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>> {
        let actor = self.authorize(session, Permission::ViewQueue)?;
        validate::range(query)?;
        let mut q = query.clone();
        if actor.role == Role::Doctor {
            q.clinician_id = Some(actor.user_id);
        }
        store::list(&self.db().conn(), &q)
    }

    pub fn create_appointment(&self, session: &str, new: &NewAppointment) -> Result<Appointment> {
        let actor = self.authorize(session, Permission::ManageAppointments)?;
        let now = self.now_ms();
        validate::start(new.starts_at, now)?;
        validate::duration(new.duration_min)?;
        let location = validate::location(&new.location)?;
        let url = validate::telehealth_url(&new.telehealth_url)?;
        let notes = validate::notes(&new.notes)?;
        let who = match &new.patient {
            AppointmentPatient::Intake { intake_id } => Who::Intake(*intake_id),
            AppointmentPatient::Number { phone, name } => {
                let (e164, wa_id) = validate::phone(phone)?;
                let name = validate::patient_name(name)?;
                Who::Typed { e164, wa_id, name }
            }
        };
        let id = self.write(|tx| {
            let clinician = store::clinician_name(tx, new.clinician_id)?;
            store::check_free(
                tx,
                new.clinician_id,
                &clinician,
                new.starts_at,
                new.duration_min,
                None,
            )?;
            let (conversation_id, intake_id, name, phone) = match &who {
                Who::Intake(intake_id) => {
                    let (c, name, phone) = store::intake_patient(tx, *intake_id)?;
                    (c, Some(*intake_id), name, phone)
                }
                Who::Typed { e164, wa_id, name } => (
                    store::conversation_for(tx, wa_id, now)?,
                    None,
                    name.clone(),
                    e164.clone(),
                ),
            };
            tx.execute(
                "INSERT INTO appointments (conversation_id, intake_id, patient_name, patient_phone,
                     clinician_id, starts_at, duration_min, location, telehealth_url, notes,
                     status, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'booked', ?11, ?12, ?12)",
                params![
                    conversation_id,
                    intake_id,
                    name,
                    phone,
                    new.clinician_id,
                    new.starts_at,
                    new.duration_min,
                    location,
                    url,
                    notes,
                    actor.user_id,
                    now,
                ],
            )
            .map_err(StoreError::from)?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::AppointmentCreated,
                &subject(id),
                &json!({
                    "conversation": conversation_id,
                    "intake": intake_id,
                    "clinician": new.clinician_id,
                    "startsAt": new.starts_at,
                    "durationMin": new.duration_min,
                    "telehealth": !url.is_empty(),
                }),
            )?;
            reminders::plan(tx, id, Change::Booked, now)?;
            Ok(id)
        })?;
        self.appointment_changed(id)
    }

    /// A new time, duration or doctor for a booked appointment.
    pub fn reschedule_appointment(
        &self,
        session: &str,
        id: i64,
        r: &Reschedule,
    ) -> Result<Appointment> {
        let actor = self.authorize(session, Permission::ManageAppointments)?;
        let now = self.now_ms();
        validate::start(r.starts_at, now)?;
        validate::duration(r.duration_min)?;
        self.write(|tx| {
            let before = store::load(tx, id)?;
            if before.status == AppointmentStatus::Cancelled {
                return Err(cancelled());
            }
            let clinician = store::clinician_name(tx, r.clinician_id)?;
            store::check_free(
                tx,
                r.clinician_id,
                &clinician,
                r.starts_at,
                r.duration_min,
                Some(id),
            )?;
            tx.execute(
                "UPDATE appointments SET starts_at = ?2, duration_min = ?3, clinician_id = ?4,
                     updated_at = ?5
                 WHERE id = ?1",
                params![id, r.starts_at, r.duration_min, r.clinician_id, now],
            )
            .map_err(StoreError::from)?;
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::AppointmentRescheduled,
                &subject(id),
                &json!({
                    "from": { "clinician": before.clinician_id, "startsAt": before.starts_at,
                              "durationMin": before.duration_min },
                    "to": { "clinician": r.clinician_id, "startsAt": r.starts_at,
                            "durationMin": r.duration_min },
                }),
            )?;
            reminders::plan(tx, id, Change::Moved, now)?;
            Ok(())
        })?;
        self.appointment_changed(id)
    }

    /// Cancels a booked appointment; the row stays, with who-knows-why in `cancel_reason`.
    pub fn cancel_appointment(&self, session: &str, id: i64, c: &Cancel) -> Result<Appointment> {
        let actor = self.authorize(session, Permission::ManageAppointments)?;
        let reason = validate::reason(&c.reason)?;
        let now = self.now_ms();
        self.write(|tx| {
            let before = store::load(tx, id)?;
            if before.status == AppointmentStatus::Cancelled {
                return Err(cancelled());
            }
            tx.execute(
                "UPDATE appointments SET status = 'cancelled', cancelled_at = ?2,
                     cancel_reason = ?3, updated_at = ?2
                 WHERE id = ?1",
                params![id, now, (!reason.is_empty()).then_some(&reason)],
            )
            .map_err(StoreError::from)?;
            // Whether a reason was given, never what it says (it may name the patient).
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::AppointmentCancelled,
                &subject(id),
                &json!({
                    "clinician": before.clinician_id,
                    "startsAt": before.starts_at,
                    "reason": !reason.is_empty(),
                }),
            )?;
            reminders::plan(tx, id, Change::Cancelled { notify: true }, now)?;
            Ok(())
        })?;
        self.appointment_changed(id)
    }

    /// New location, telehealth link or notes for a booked appointment (audited: which of them
    /// changed, never what they say). Messages not yet sent use the new values when they go.
    pub fn update_appointment_details(
        &self,
        session: &str,
        id: i64,
        details: &AppointmentDetails,
    ) -> Result<Appointment> {
        let actor = self.authorize(session, Permission::ManageAppointments)?;
        let location = validate::location(&details.location)?;
        let url = validate::telehealth_url(&details.telehealth_url)?;
        let notes = validate::notes(&details.notes)?;
        let now = self.now_ms();
        let changed = self.write(|tx| {
            let before = store::load(tx, id)?;
            if before.status == AppointmentStatus::Cancelled {
                return Err(cancelled());
            }
            let (place, link, text) = (
                before.location != location,
                before.telehealth_url != url,
                before.notes != notes,
            );
            if !(place || link || text) {
                return Ok(false);
            }
            let changes = json!({ "location": place, "telehealthUrl": link, "notes": text });
            tx.execute(
                "UPDATE appointments SET location = ?2, telehealth_url = ?3, notes = ?4,
                     updated_at = ?5
                 WHERE id = ?1",
                params![id, location, url, notes, now],
            )
            .map_err(StoreError::from)?;
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::AppointmentDetailsChanged,
                &subject(id),
                &changes,
            )?;
            Ok(true)
        })?;
        if changed {
            return self.appointment_changed(id);
        }
        store::load(&self.db().conn(), id)
    }

    /// After a committed change: tell the windows, return the row as it now reads.
    fn appointment_changed(&self, id: i64) -> Result<Appointment> {
        self.events()
            .publish(DeskEvent::AppointmentsChanged { appointment_id: id });
        store::load(&self.db().conn(), id)
    }
}

fn cancelled() -> Error {
    Error::invalid(
        "invalid.appointment_cancelled",
        "This appointment was cancelled. Book a new one instead.",
    )
}
