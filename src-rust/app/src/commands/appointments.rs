//! Appointments and their reminders (issue 7): the day/week list, booking, moving, cancelling,
//! the messages planned for each appointment, and which messages the clinic sends. Core checks
//! each role (doctors read their own; front desk and admins change them).
use intake_core::appointments::{
    Appointment, AppointmentDetails, AppointmentQuery, Cancel, Clinician, NewAppointment,
    Reschedule,
};
use intake_core::reminders::{AppointmentMessage, ReminderSettings};

use super::{with_desk, Reply, Shared};

#[tauri::command]
pub async fn appointments_list(
    shell: Shared<'_>,
    query: AppointmentQuery,
) -> Reply<Vec<Appointment>> {
    with_desk(&shell, move |desk, session| {
        desk.appointments(session, &query)
    })
    .await
}

#[tauri::command]
pub async fn appointments_clinicians(shell: Shared<'_>) -> Reply<Vec<Clinician>> {
    with_desk(&shell, move |desk, session| desk.clinicians(session)).await
}

#[tauri::command]
pub async fn appointment_create(shell: Shared<'_>, new: NewAppointment) -> Reply<Appointment> {
    with_desk(&shell, move |desk, session| {
        desk.create_appointment(session, &new)
    })
    .await
}

#[tauri::command]
pub async fn appointment_reschedule(
    shell: Shared<'_>,
    id: i64,
    reschedule: Reschedule,
) -> Reply<Appointment> {
    with_desk(&shell, move |desk, session| {
        desk.reschedule_appointment(session, id, &reschedule)
    })
    .await
}

#[tauri::command]
pub async fn appointment_cancel(shell: Shared<'_>, id: i64, cancel: Cancel) -> Reply<Appointment> {
    with_desk(&shell, move |desk, session| {
        desk.cancel_appointment(session, id, &cancel)
    })
    .await
}

#[tauri::command]
pub async fn appointment_update_details(
    shell: Shared<'_>,
    id: i64,
    details: AppointmentDetails,
) -> Reply<Appointment> {
    with_desk(&shell, move |desk, session| {
        desk.update_appointment_details(session, id, &details)
    })
    .await
}

/// What was planned for one appointment and how far each message got.
#[tauri::command]
pub async fn appointment_messages(shell: Shared<'_>, id: i64) -> Reply<Vec<AppointmentMessage>> {
    with_desk(&shell, move |desk, session| {
        desk.appointment_messages(session, id)
    })
    .await
}

#[tauri::command]
pub async fn reminder_settings_get(shell: Shared<'_>) -> Reply<ReminderSettings> {
    with_desk(&shell, move |desk, session| desk.reminder_settings(session)).await
}

#[tauri::command]
pub async fn reminder_settings_update(
    shell: Shared<'_>,
    settings: ReminderSettings,
) -> Reply<ReminderSettings> {
    with_desk(&shell, move |desk, session| {
        desk.update_reminder_settings(session, &settings)
    })
    .await
}
