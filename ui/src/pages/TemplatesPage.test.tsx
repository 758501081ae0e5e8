import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  appointment,
  at,
  messagePreview,
  NOW,
  readyMade,
  reminderSettings,
  templateLibrary,
  templateMapping,
  waTemplate,
} from "../test/appointmentFixtures";
import { emitDeskEvent, fail, mockBackend, renderUi } from "../test/utils";
import { TemplatesPage } from "./TemplatesPage";

function backend(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockBackend({
    templates_library: () => templateLibrary(),
    template_mappings: () => [templateMapping("reminder_24h")],
    reminder_settings_get: () => reminderSettings(),
    appointments_list: () => [appointment(1, { patientName: "Maria Silva", startsAt: at(15, 9, 30) })],
    ...extra,
  });
}

function renderPage() {
  const onNavigate = vi.fn();
  return { onNavigate, ...renderUi(<TemplatesPage onNavigate={onNavigate} />) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

describe("reminders and templates page", () => {
  it("lists the library with Meta's verdicts, the ready-made texts and which messages go", async () => {
    backend();
    renderPage();
    const approved = await screen.findByTestId("template-row-appointment_reminder_24h-en");
    expect(within(approved).getByTestId("template-status")).toHaveTextContent("Approved");
    const rejected = screen.getByTestId("template-row-appointment_reminder_1h-en");
    expect(within(rejected).getByTestId("template-status")).toHaveTextContent("Rejected");
    expect(within(rejected).getByTestId("template-reason")).toHaveTextContent("INCORRECT_CATEGORY");
    expect(screen.getByTestId("template-synced")).toHaveTextContent("Refreshed from Meta");
    expect(within(screen.getByTestId("ready-made-reminder_24h-en")).getByTestId("ready-made-in-library")).toHaveTextContent("In library");
    expect(screen.getByTestId("ready-made-submit-reminder_15m-en")).toHaveTextContent("Submit for approval");
    expect(await screen.findByTestId("reminder-setting-reminder24h")).toBeChecked();
    expect(screen.getByTestId("reminder-setting-reminder15m")).not.toBeChecked();
    expect(within(screen.getByTestId("mapping-reminder_24h")).getByTestId("mapping-summary")).toHaveTextContent("appointment_reminder_24h (en)");
    expect(within(screen.getByTestId("mapping-reminder_1h")).getByTestId("mapping-summary")).toHaveTextContent("No template");
    expect(within(screen.getByTestId("mapping-intake_reminder")).getByRole("button")).toHaveTextContent("Intake form reminder");
    expect(within(screen.getByTestId("mapping-continue_conversation")).getByRole("button")).toHaveTextContent("We received your messages");
  });

  it("says when nothing was fetched yet", async () => {
    backend({ templates_library: () => templateLibrary({ templates: [], syncedAt: null }) });
    renderPage();
    expect(await screen.findByTestId("template-library-empty")).toHaveTextContent("No templates yet");
    expect(screen.getByTestId("template-synced")).toHaveTextContent("Not refreshed from Meta yet");
  });

  it("refreshes from Meta and shows the new list", async () => {
    const b = backend({
      templates_sync: () =>
        templateLibrary({
          templates: [
            waTemplate("appointment_reminder_24h", { status: "paused", metaStatus: "PAUSED", reason: "Low quality" }),
            waTemplate("promo_photo", { unsupported: "This template starts with a picture, video or document, which Intake Desk cannot attach yet." }),
          ],
        }),
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("templates-sync"));
    expect(await screen.findByTestId("templates-synced")).toHaveTextContent("Refreshed: 2 templates in the library.");
    expect(b.named("templates_sync")).toHaveLength(1);
    const row = screen.getByTestId("template-row-appointment_reminder_24h-en");
    expect(within(row).getByTestId("template-status")).toHaveTextContent("Paused by Meta");
    expect(within(row).queryByTestId("template-unsupported")).not.toBeInTheDocument();
    const photo = screen.getByTestId("template-row-promo_photo-en");
    expect(within(photo).getByTestId("template-unsupported")).toHaveTextContent("cannot attach yet");
    expect(screen.queryByTestId("template-row-appointment_reminder_1h-en")).not.toBeInTheDocument();
  });

  it("explains Meta's refusal and points a token problem at Connect WhatsApp", async () => {
    backend({ templates_sync: fail("setup.token_invalid", "Meta does not accept the saved access token. Make a new one.") });
    const { user, onNavigate } = renderPage();
    await user.click(await screen.findByTestId("templates-sync"));
    expect(await screen.findByTestId("templates-sync-error")).toHaveTextContent("Meta does not accept the saved access token.");
    await user.click(screen.getByTestId("templates-open-connect"));
    expect(onNavigate).toHaveBeenCalledWith({ page: "connect" });
  });

  it("does not send people to Connect WhatsApp when Meta is simply down", async () => {
    backend({ templates_sync: fail("setup.meta_unavailable", "Meta's servers are not answering. Try again in a few minutes.") });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("templates-sync"));
    expect(await screen.findByTestId("templates-sync-error")).toHaveTextContent("Try again in a few minutes.");
    expect(screen.queryByTestId("templates-open-connect")).not.toBeInTheDocument();
  });

  it("submits a ready-made text and shows it in the library", async () => {
    const b = backend({
      templates_submit: () =>
        templateLibrary({
          templates: [...templateLibrary().templates, waTemplate("appointment_reminder_15m", { status: "pending", metaStatus: "PENDING" })],
          readyMade: [readyMade("reminder_15m", { name: "appointment_reminder_15m", inLibrary: true })],
        }),
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("ready-made-submit-reminder_15m-en"));
    await waitFor(() => expect(b.last("templates_submit")).toEqual({ event: "reminder_15m", language: "en" }));
    const row = await screen.findByTestId("ready-made-reminder_15m-en");
    expect(within(row).getByTestId("ready-made-in-library")).toHaveTextContent("Waiting for Meta");
    expect(screen.getByTestId("template-row-appointment_reminder_15m-en")).toHaveAttribute("data-status", "pending");
  });

  it("shows a refused submission on its own row", async () => {
    backend({ templates_submit: fail("setup.permission_missing", "The token may not manage templates.") });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("ready-made-submit-reminder_15m-en"));
    const row = screen.getByTestId("ready-made-reminder_15m-en");
    expect(await within(row).findByTestId("ready-made-error")).toHaveTextContent("The token may not manage templates.");
  });

  it("maps an event to a template with guessed parameters the admin can change", async () => {
    const b = backend({
      template_mappings: () => [],
      template_mapping_update: () => [templateMapping("reminder_1h", { params: [] })],
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("mapping-open-reminder_1h"));
    const item = screen.getByTestId("mapping-reminder_1h");
    await user.selectOptions(within(item).getByTestId("mapping-template"), "appointment_reminder_24h|en");
    expect(within(item).getByTestId("mapping-param-first_name")).toHaveValue("first_name");
    expect(within(item).getByTestId("mapping-param-date")).toHaveValue("date");
    expect(within(item).getByTestId("mapping-param-time")).toHaveValue("time");
    expect(within(item).getByTestId("mapping-param-doctor")).toHaveValue("clinician");
    expect(within(item).getByTestId("mapping-button-0")).toHaveValue("confirm");
    expect(within(item).getByTestId("mapping-button-1")).toHaveValue("reschedule");
    expect(within(item).getByTestId("mapping-button-2")).toHaveValue("cancel");
    await user.selectOptions(within(item).getByTestId("mapping-param-doctor"), "location");
    await user.selectOptions(within(item).getByTestId("mapping-button-1"), "none");
    await user.click(within(item).getByTestId("mapping-save"));
    await waitFor(() =>
      expect(b.last("template_mapping_update")).toEqual({
        update: {
          event: "reminder_1h",
          templateName: "appointment_reminder_24h",
          language: "en",
          params: [
            { name: "first_name", source: "first_name" },
            { name: "date", source: "date" },
            { name: "time", source: "time" },
            { name: "doctor", source: "location" },
          ],
          buttons: ["confirm", "none", "cancel"],
        },
      }),
    );
    expect(await within(item).findByTestId("mapping-saved")).toHaveTextContent("Saved.");
    expect(within(item).getByTestId("mapping-summary")).toHaveTextContent("appointment_reminder_24h (en)");
  });

  it("warns about a template Meta has not approved and refuses unfilled parameters", async () => {
    const b = backend({
      templates_library: () => templateLibrary({ templates: [waTemplate("odd", { status: "rejected", params: ["1", "whatever"], buttons: [] })] }),
      template_mappings: () => [],
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("mapping-open-appointment_confirmation"));
    const item = screen.getByTestId("mapping-appointment_confirmation");
    await user.selectOptions(within(item).getByTestId("mapping-template"), "odd|en");
    expect(within(item).getByTestId("mapping-not-approved")).toHaveTextContent("Until Meta approves it");
    expect(within(item).getByTestId("mapping-param-1")).toHaveValue("first_name");
    expect(within(item).getByTestId("mapping-param-whatever")).toHaveValue("");
    await user.click(within(item).getByTestId("mapping-save"));
    expect(await within(item).findByTestId("mapping-error")).toHaveTextContent("Choose what fills {{whatever}}.");
    expect(b.named("template_mapping_update")).toHaveLength(0);
  });

  it("clears a mapping back to text only, and shows a refusal", async () => {
    let refuse = true;
    const b = backend({
      template_mapping_update: () => {
        if (refuse) throw { code: "auth.forbidden", message: "Only admins change templates." };
        return [];
      },
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("mapping-open-reminder_24h"));
    const item = screen.getByTestId("mapping-reminder_24h");
    expect(within(item).getByTestId("mapping-template")).toHaveValue("appointment_reminder_24h|en");
    await user.selectOptions(within(item).getByTestId("mapping-template"), "");
    await user.click(within(item).getByTestId("mapping-save"));
    expect(await within(item).findByTestId("mapping-error")).toHaveTextContent("Only admins change templates.");
    refuse = false;
    await user.click(within(item).getByTestId("mapping-save"));
    await waitFor(() =>
      expect(b.last("template_mapping_update")).toEqual({
        update: { event: "reminder_24h", templateName: null, language: "", params: [], buttons: [] },
      }),
    );
    expect(await within(item).findByTestId("mapping-saved")).toHaveTextContent("text only");
    expect(within(item).getByTestId("mapping-summary")).toHaveTextContent("No template");
  });

  it("previews a message filled with a real appointment: text, buttons, how it goes and what to fix", async () => {
    let via: "template" | "text" | null = "template";
    const b = backend({
      message_preview: () =>
        messagePreview({ via, problems: via ? [] : ["The template is not approved yet, and the patient has not written in the last 24 hours."] }),
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("mapping-open-reminder_24h"));
    const item = screen.getByTestId("mapping-reminder_24h");
    await waitFor(() => expect(within(item).getByTestId("preview-appointment")).toHaveTextContent("Maria Silva"));
    await user.selectOptions(within(item).getByTestId("preview-appointment"), "1");
    await user.click(within(item).getByTestId("preview-run"));
    await waitFor(() => expect(b.last("message_preview")).toEqual({ event: "reminder_24h", appointmentId: 1 }));
    expect(await within(item).findByTestId("preview-text")).toHaveTextContent("Hi Maria, see you on Saturday 15 March");
    expect(within(item).getByTestId("preview-buttons")).toHaveTextContent("ConfirmRescheduleCancel");
    expect(within(item).getByTestId("preview-via")).toHaveTextContent("As the approved template");
    expect(within(item).queryByTestId("preview-problems")).not.toBeInTheDocument();
    via = null;
    await user.selectOptions(within(item).getByTestId("preview-appointment"), "");
    await user.click(within(item).getByTestId("preview-run"));
    await waitFor(() => expect(b.last("message_preview")).toEqual({ event: "reminder_24h", appointmentId: null }));
    expect(await within(item).findByTestId("preview-problems")).toHaveTextContent("not approved yet");
    expect(within(item).getByTestId("preview-via")).toHaveTextContent("It could not be sent");
    expect(b.last("appointments_list")?.query).toMatchObject({ fromMs: at(14, 0), includeCancelled: false });
  });

  it("previews events that are not about an appointment with sample data only, and shows errors", async () => {
    const b = backend({ message_preview: fail("internal", "Something went wrong.") });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("mapping-open-intake_reminder"));
    const item = screen.getByTestId("mapping-intake_reminder");
    expect(within(item).queryByTestId("preview-appointment")).not.toBeInTheDocument();
    await user.click(within(item).getByTestId("preview-run"));
    expect(await within(item).findByTestId("preview-error")).toHaveTextContent("Something went wrong.");
    expect(b.last("message_preview")).toEqual({ event: "intake_reminder", appointmentId: null });
  });

  it("saves which messages go", async () => {
    let refuse = true;
    const b = backend({
      reminder_settings_update: (args) => {
        if (refuse) throw { code: "auth.forbidden", message: "Only admins change this." };
        return args.settings;
      },
    });
    const { user } = renderPage();
    const save = await screen.findByTestId("reminder-settings-save");
    expect(save).toBeDisabled();
    await user.click(screen.getByTestId("reminder-setting-reminder15m"));
    await user.click(screen.getByTestId("reminder-setting-confirmation"));
    await user.click(save);
    expect(await screen.findByTestId("reminder-settings-error")).toHaveTextContent("Only admins change this.");
    refuse = false;
    await user.click(save);
    await waitFor(() =>
      expect(b.last("reminder_settings_update")).toEqual({ settings: reminderSettings({ reminder15m: true, confirmation: false }) }),
    );
    expect(await screen.findByTestId("reminder-settings-saved")).toHaveTextContent("Saved.");
    expect(save).toBeDisabled();
  });

  it("follows Meta's decisions as they arrive", async () => {
    let status: "pending" | "approved" = "pending";
    const b = backend({
      templates_library: () => templateLibrary({ templates: [waTemplate("appointment_reminder_24h", { status })] }),
    });
    renderPage();
    const row = await screen.findByTestId("template-row-appointment_reminder_24h-en");
    expect(row).toHaveAttribute("data-status", "pending");
    status = "approved";
    await emitDeskEvent({ kind: "templates_changed" });
    await waitFor(() => expect(screen.getByTestId("template-row-appointment_reminder_24h-en")).toHaveAttribute("data-status", "approved"));
    expect(b.named("template_mappings").length).toBeGreaterThanOrEqual(2);
  });
});
