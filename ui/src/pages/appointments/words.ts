// Words for the appointment and template enums, so nothing is said by colour alone.
import type { AppointmentStatus } from "../../bindings/AppointmentStatus";
import type { ButtonAction } from "../../bindings/ButtonAction";
import type { Delivery } from "../../bindings/Delivery";
import type { ParamSource } from "../../bindings/ParamSource";
import type { PatientAnswer } from "../../bindings/PatientAnswer";
import type { TemplateEvent } from "../../bindings/TemplateEvent";
import type { TemplateStatus } from "../../bindings/TemplateStatus";

export const APPOINTMENT_STATUS_LABELS: Record<AppointmentStatus, string> = {
  booked: "Booked",
  confirmed: "Confirmed by patient",
  cancelled: "Cancelled",
};

export const APPOINTMENT_STATUS_COLORS: Record<AppointmentStatus, string> = {
  booked: "blue",
  confirmed: "teal",
  cancelled: "gray",
};

export const ANSWER_LABELS: Record<PatientAnswer, string> = {
  confirm: "Patient confirmed",
  reschedule: "Wants to reschedule",
  cancel: "Patient cancelled",
};

export const ANSWER_COLORS: Record<PatientAnswer, string> = {
  confirm: "teal",
  reschedule: "orange",
  cancel: "red",
};

/** In the order the mapping page lists them. */
export const EVENT_ORDER: readonly TemplateEvent[] = [
  "appointment_confirmation",
  "reminder_24h",
  "reminder_1h",
  "reminder_15m",
  "appointment_cancelled",
  "appointment_rescheduled",
  "intake_reminder",
  "continue_conversation",
];

export const EVENT_LABELS: Record<TemplateEvent, string> = {
  appointment_confirmation: "Booking confirmation",
  reminder_24h: "Reminder 24 h before",
  reminder_1h: "Reminder 1 h before",
  reminder_15m: "Reminder 15 min before",
  appointment_cancelled: "Cancellation notice",
  appointment_rescheduled: "New time notice",
  intake_reminder: "Intake form reminder",
  continue_conversation: "We received your messages",
};

export const EVENT_DESCRIPTIONS: Record<TemplateEvent, string> = {
  appointment_confirmation: "Sent when an appointment is booked.",
  reminder_24h: "Sent a day before the appointment.",
  reminder_1h: "Sent an hour before the appointment.",
  reminder_15m: "Sent 15 minutes before the appointment.",
  appointment_cancelled: "Sent when the clinic cancels an appointment.",
  appointment_rescheduled: "Sent when an appointment moves to another time.",
  intake_reminder: "Asks a patient to finish the intake form.",
  continue_conversation: "Reopens a conversation after 24 hours so staff can reply.",
};

/** The events that concern one appointment (the preview can fill them with a real one). */
export const APPOINTMENT_EVENTS: readonly TemplateEvent[] = [
  "appointment_confirmation",
  "reminder_24h",
  "reminder_1h",
  "reminder_15m",
  "appointment_cancelled",
  "appointment_rescheduled",
];

export const TEMPLATE_STATUS_LABELS: Record<TemplateStatus, string> = {
  approved: "Approved",
  pending: "Waiting for Meta",
  rejected: "Rejected",
  paused: "Paused by Meta",
  unavailable: "Unavailable",
};

export const TEMPLATE_STATUS_COLORS: Record<TemplateStatus, string> = {
  approved: "teal",
  pending: "yellow",
  rejected: "red",
  paused: "orange",
  unavailable: "gray",
};

export const PARAM_SOURCE_ORDER: readonly ParamSource[] = [
  "first_name",
  "clinic_name",
  "date",
  "time",
  "clinician",
  "location",
  "link",
];

export const PARAM_SOURCE_LABELS: Record<ParamSource, string> = {
  first_name: "Patient first name",
  clinic_name: "Clinic name",
  date: "Date",
  time: "Time",
  clinician: "Clinician",
  location: "Location",
  link: "Link (telehealth, else location)",
};

export const BUTTON_ACTION_ORDER: readonly ButtonAction[] = ["confirm", "reschedule", "cancel", "none"];

export const BUTTON_ACTION_LABELS: Record<ButtonAction, string> = {
  confirm: "Confirms the appointment",
  reschedule: "Asks to reschedule",
  cancel: "Cancels the appointment",
  none: "Only tells staff",
};

/** The outbox's word for a queued message, as the ticks component knows it. */
export function deliveryOf(word: string | null): Delivery | null {
  switch (word) {
    case "waiting":
    case "queued":
      return "queued";
    case "sent":
    case "delivered":
    case "read":
    case "failed":
    case "needs_staff":
      return word;
    default:
      return null;
  }
}

export const DURATIONS: readonly number[] = [15, 20, 30, 45, 60, 90];

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
