import { describe, expect, it } from "vitest";
import * as ipc from "./ipc";
import { mockBackend } from "./test/utils";

describe("appointment and template commands", () => {
  it("send the argument names the Rust commands expect", async () => {
    const names = [
      "appointments_list", "appointments_clinicians", "appointment_create", "appointment_reschedule",
      "appointment_cancel", "appointment_update_details", "appointment_messages", "reminder_settings_get",
      "reminder_settings_update", "templates_library", "templates_sync", "templates_submit", "template_mappings",
      "template_mapping_update", "message_preview",
    ];
    const b = mockBackend(Object.fromEntries(names.map((n) => [n, () => null])));
    const query = { fromMs: 1, toMs: 2, clinicianId: null, includeCancelled: false };
    const created = { patient: { kind: "intake" as const, intakeId: 4 }, clinicianId: 3, startsAt: 5, durationMin: 30, location: "", telehealthUrl: "", notes: "" };
    const settings = { confirmation: true, reminder24h: true, reminder1h: false, reminder15m: false, cancellation: true, reschedule: true };
    const update = { event: "reminder_1h" as const, templateName: null, language: "", params: [], buttons: [] };
    await ipc.appointmentsList(query);
    await ipc.appointmentsClinicians();
    await ipc.appointmentCreate(created);
    await ipc.appointmentReschedule(9, { startsAt: 6, durationMin: 15, clinicianId: 3 });
    await ipc.appointmentCancel(9, { reason: "" });
    await ipc.appointmentUpdateDetails(9, { location: "A", telehealthUrl: "", notes: "" });
    await ipc.appointmentMessages(9);
    await ipc.reminderSettingsGet();
    await ipc.reminderSettingsUpdate(settings);
    await ipc.templatesLibrary();
    await ipc.templatesSync();
    await ipc.templatesSubmit("reminder_24h", "es");
    await ipc.templateMappings();
    await ipc.templateMappingUpdate(update);
    await ipc.messagePreview("reminder_15m", null);
    expect(b.calls).toEqual([
      { cmd: "appointments_list", args: { query } },
      { cmd: "appointments_clinicians", args: {} },
      { cmd: "appointment_create", args: { new: created } },
      { cmd: "appointment_reschedule", args: { id: 9, reschedule: { startsAt: 6, durationMin: 15, clinicianId: 3 } } },
      { cmd: "appointment_cancel", args: { id: 9, cancel: { reason: "" } } },
      { cmd: "appointment_update_details", args: { id: 9, details: { location: "A", telehealthUrl: "", notes: "" } } },
      { cmd: "appointment_messages", args: { id: 9 } },
      { cmd: "reminder_settings_get", args: {} },
      { cmd: "reminder_settings_update", args: { settings } },
      { cmd: "templates_library", args: {} },
      { cmd: "templates_sync", args: {} },
      { cmd: "templates_submit", args: { event: "reminder_24h", language: "es" } },
      { cmd: "template_mappings", args: {} },
      { cmd: "template_mapping_update", args: { update } },
      { cmd: "message_preview", args: { event: "reminder_15m", appointmentId: null } },
    ]);
  });
});
