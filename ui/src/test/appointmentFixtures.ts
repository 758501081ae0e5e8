// Backend-shaped appointment, reminder and template values for tests; each takes overrides.
// Times are local (the page shows the PC's own day): `at(14, 9, 30)` is 14 March 2025, 09:30.
import type { Appointment } from "../bindings/Appointment";
import type { ButtonAction } from "../bindings/ButtonAction";
import type { AppointmentMessage } from "../bindings/AppointmentMessage";
import type { Clinician } from "../bindings/Clinician";
import type { MessagePreview } from "../bindings/MessagePreview";
import type { ParamSource } from "../bindings/ParamSource";
import type { ReadyMade } from "../bindings/ReadyMade";
import type { ReminderSettings } from "../bindings/ReminderSettings";
import type { TemplateEvent } from "../bindings/TemplateEvent";
import type { TemplateLibrary } from "../bindings/TemplateLibrary";
import type { TemplateMapping } from "../bindings/TemplateMapping";
import type { WaTemplate } from "../bindings/WaTemplate";

export function at(day: number, hour: number, minute = 0): number {
  return new Date(2025, 2, day, hour, minute).getTime();
}

/** Friday 14 March 2025, 08:00 local: "now" in these tests. */
export const NOW = at(14, 8);

export const CLINICIANS: Clinician[] = [
  { id: 3, displayName: "Dr Bruno Lima" },
  { id: 4, displayName: "Dr Carla Dias" },
];

export function appointment(id: number, extra: Partial<Appointment> = {}): Appointment {
  return {
    id,
    conversationId: 7,
    intakeId: 42,
    patientName: `Patient ${id}`,
    patientPhone: "+351910000001",
    clinicianId: 3,
    clinicianName: "Dr Bruno Lima",
    startsAt: at(14, 9, 30),
    durationMin: 30,
    location: "Room 2",
    telehealthUrl: "",
    notes: "",
    status: "booked",
    createdAt: NOW - 86_400_000,
    updatedAt: NOW - 86_400_000,
    cancelledAt: null,
    cancelReason: null,
    patientAnswer: null,
    patientAnswerAt: null,
    remindersOff: false,
    ...extra,
  };
}

export function appointmentMessage(id: number, kind: TemplateEvent, extra: Partial<AppointmentMessage> = {}): AppointmentMessage {
  return {
    id,
    kind,
    dueAt: at(13, 9, 30),
    state: "planned",
    skipReason: null,
    via: null,
    delivery: null,
    deliveryError: null,
    ...extra,
  };
}

// What core would guess for the fixtures' parameter names and buttons (core owns the rule).
const SUGGESTED_SOURCES: Record<string, ParamSource> = { first_name: "first_name", date: "date", time: "time", doctor: "clinician", "1": "first_name" };
const SUGGESTED_ACTIONS: Record<string, ButtonAction> = { Confirm: "confirm", Reschedule: "reschedule", Cancel: "cancel" };

export function waTemplate(name: string, extra: Partial<WaTemplate> = {}): WaTemplate {
  const params = extra.params ?? ["first_name", "date", "time", "doctor"];
  const buttons = extra.buttons ?? ["Confirm", "Reschedule", "Cancel"];
  return {
    name,
    language: "en",
    category: "UTILITY",
    status: "approved",
    metaStatus: "APPROVED",
    body: "Hi {{first_name}}, see you on {{date}} at {{time}} with {{doctor}}.",
    params,
    buttons,
    suggestedParams: params.map((p) => SUGGESTED_SOURCES[p] ?? null),
    suggestedButtons: buttons.map((b) => SUGGESTED_ACTIONS[b] ?? "none"),
    reason: null,
    unsupported: null,
    updatedAt: NOW - 3_600_000,
    ...extra,
  };
}

export function readyMade(event: TemplateEvent, extra: Partial<ReadyMade> = {}): ReadyMade {
  return {
    event,
    name: `appointment_${event}`,
    language: "en",
    body: `Hi {{first_name}}, this is ${event}.`,
    buttons: [],
    inLibrary: false,
    ...extra,
  };
}

export function templateLibrary(extra: Partial<TemplateLibrary> = {}): TemplateLibrary {
  return {
    templates: [
      waTemplate("appointment_reminder_24h"),
      waTemplate("appointment_reminder_1h", {
        status: "rejected",
        metaStatus: "REJECTED",
        reason: "INCORRECT_CATEGORY",
      }),
    ],
    syncedAt: NOW - 600_000,
    readyMade: [
      readyMade("reminder_24h", { name: "appointment_reminder_24h", inLibrary: true, buttons: ["Confirm", "Reschedule", "Cancel"] }),
      readyMade("reminder_15m", { name: "appointment_reminder_15m" }),
    ],
    ...extra,
  };
}

export function templateMapping(event: TemplateEvent, extra: Partial<TemplateMapping> = {}): TemplateMapping {
  return {
    event,
    templateName: "appointment_reminder_24h",
    language: "en",
    params: [
      { name: "first_name", source: "first_name" },
      { name: "date", source: "date" },
      { name: "time", source: "time" },
      { name: "doctor", source: "clinician" },
    ],
    buttons: ["confirm", "reschedule", "cancel"],
    ...extra,
  };
}

export function reminderSettings(extra: Partial<ReminderSettings> = {}): ReminderSettings {
  return {
    confirmation: true,
    reminder24h: true,
    reminder1h: true,
    reminder15m: false,
    cancellation: true,
    reschedule: true,
    ...extra,
  };
}

export function messagePreview(extra: Partial<MessagePreview> = {}): MessagePreview {
  return {
    event: "reminder_24h",
    text: "Hi Maria, see you on Saturday 15 March at 09:30 with Dr Bruno Lima.",
    buttons: ["Confirm", "Reschedule", "Cancel"],
    via: "template",
    problems: [],
    ...extra,
  };
}
