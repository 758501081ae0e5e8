import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { WhatsAppUpdate } from "../bindings/WhatsAppUpdate";
import { clinicSettings, whatsappSettings } from "../test/fixtures";
import { fail, mockBackend, renderUi } from "../test/utils";
import { SettingsPage } from "./SettingsPage";

describe("settings: clinic", () => {
  it("loads, saves every field, and passes the new clinic name up", async () => {
    const b = mockBackend({
      settings_get: () => clinicSettings(),
      settings_update: (args) => args.settings,
      whatsapp_get: () => whatsappSettings(),
    });
    const onName = vi.fn();
    const { user } = renderUi(<SettingsPage onClinicNameChange={onName} />);
    const name = await screen.findByTestId("settings-clinic-name");
    await user.clear(name);
    await user.type(name, "Sunset Clinic");
    await user.clear(screen.getByTestId("settings-idle-minutes"));
    await user.type(screen.getByTestId("settings-idle-minutes"), "15");
    await user.click(screen.getByTestId("settings-language-es"));
    await user.click(screen.getByTestId("settings-language-en")); // the default goes; Português becomes first
    await user.click(screen.getByTestId("settings-date-order-monthFirst"));
    await user.clear(screen.getByTestId("settings-intake-timeout"));
    await user.type(screen.getByTestId("settings-intake-timeout"), "48");
    await user.clear(screen.getByTestId("settings-backlog-minutes"));
    await user.type(screen.getByTestId("settings-backlog-minutes"), "30");
    await user.click(screen.getByTestId("settings-notify-first-name"));
    await user.type(screen.getByTestId("settings-reopen-template"), "reopen_chat");
    await user.type(screen.getByTestId("settings-reopen-language"), "pt_PT");
    await user.click(screen.getByTestId("settings-save"));
    expect(screen.queryByTestId("settings-error")).toBeNull();
    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("Settings saved.");
    expect(b.last("settings_update")).toEqual({
      settings: clinicSettings({
        clinicName: "Sunset Clinic",
        idleLockMinutes: 15,
        languages: ["pt", "es"],
        dateOrder: "monthFirst",
        intakeTimeoutHours: 48,
        backlogMinutes: 30,
        notifyWithFirstName: true,
        reopenTemplate: "reopen_chat",
        reopenTemplateLanguage: "pt_PT",
      }),
    });
    expect(onName).toHaveBeenCalledWith("Sunset Clinic");
  });

  it("loads and saves what the front desk may export", async () => {
    const b = mockBackend({
      settings_get: () => clinicSettings({ frontDeskExport: "nothing" }),
      settings_update: (args) => args.settings,
      whatsapp_get: () => whatsappSettings(),
    });
    const { user } = renderUi(<SettingsPage onClinicNameChange={vi.fn()} />);
    const control = await screen.findByTestId("settings-front-desk-export");
    expect(within(control).getByRole("radio", { name: "Nothing" })).toBeChecked();
    expect(screen.getByRole("radiogroup", { name: "What the front desk may export" })).toBeInTheDocument();

    await user.click(within(control).getByRole("radio", { name: "Patient details only (no clinical answers)" }));
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-saved")).toBeInTheDocument();
    expect(b.last("settings_update")).toEqual({ settings: clinicSettings({ frontDeskExport: "demographics" }) });

    await user.click(within(control).getByRole("radio", { name: "Nothing" }));
    await user.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(b.last("settings_update")).toEqual({ settings: clinicSettings({ frontDeskExport: "nothing" }) }));
  });

  it("needs at least one language, and a language for the template", async () => {
    const b = mockBackend({ settings_get: () => clinicSettings({ languages: ["en"] }), whatsapp_get: () => whatsappSettings() });
    const { user } = renderUi(<SettingsPage onClinicNameChange={vi.fn()} />);
    await user.click(await screen.findByTestId("settings-language-en"));
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-error")).toHaveTextContent("Tick at least one language");
    await user.click(screen.getByTestId("settings-language-en"));
    await user.type(screen.getByTestId("settings-reopen-template"), "reopen_chat");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-error")).toHaveTextContent("template's language");
    expect(b.named("settings_update")).toHaveLength(0);
  });
});

describe("settings: WhatsApp connection", () => {
  const lastUpdate = (b: ReturnType<typeof mockBackend>) => (b.last("whatsapp_update") as { update: WhatsAppUpdate }).update;

  it("first set-up: sends the ids and both secrets, and never shows a secret back", async () => {
    const b = mockBackend({
      settings_get: () => clinicSettings(),
      whatsapp_get: () => whatsappSettings(),
      whatsapp_update: (args) => {
        const u = args.update as WhatsAppUpdate;
        return whatsappSettings({ phoneNumberId: u.phoneNumberId, businessAccountId: u.businessAccountId, appSecretSaved: true, accessTokenSaved: true });
      },
    });
    const { user } = renderUi(<SettingsPage onClinicNameChange={vi.fn()} />);
    await user.type(await screen.findByTestId("wa-phone-number-id"), "106540352242922");
    await user.type(screen.getByTestId("wa-business-account-id"), "102290129340398");
    await user.type(screen.getByTestId("wa-app-secret"), "s3cr3t-app");
    await user.type(screen.getByTestId("wa-access-token"), "EAAG-long-lived");
    expect(screen.getByTestId("wa-app-secret")).toHaveAttribute("type", "password");
    await user.click(screen.getByTestId("wa-save"));
    expect(await screen.findByTestId("wa-saved")).toHaveTextContent("WhatsApp connection saved.");
    expect(lastUpdate(b)).toEqual({
      phoneNumberId: "106540352242922",
      businessAccountId: "102290129340398",
      appSecret: "s3cr3t-app",
      accessToken: "EAAG-long-lived",
    });
    expect(screen.getByTestId("wa-app-secret-saved")).toHaveTextContent("Saved ✓");
    expect(screen.getByTestId("wa-access-token-saved")).toHaveTextContent("Saved ✓");
    expect(screen.queryByTestId("wa-app-secret")).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain("s3cr3t-app");
    expect(document.body.innerHTML).not.toContain("EAAG-long-lived");
  });

  it("keeps saved secrets (null), replaces one, removes the other (empty string)", async () => {
    const b = mockBackend({
      settings_get: () => clinicSettings(),
      whatsapp_get: () => whatsappSettings({ phoneNumberId: "1", businessAccountId: "2", appSecretSaved: true, accessTokenSaved: true }),
      whatsapp_update: (args) => {
        const u = args.update as WhatsAppUpdate;
        return whatsappSettings({ phoneNumberId: "1", businessAccountId: "2", appSecretSaved: u.appSecret !== "", accessTokenSaved: u.accessToken !== "" });
      },
    });
    const { user } = renderUi(<SettingsPage onClinicNameChange={vi.fn()} />);
    await user.click(await screen.findByTestId("wa-save"));
    await waitFor(() => expect(lastUpdate(b)).toEqual({ phoneNumberId: "1", businessAccountId: "2", appSecret: null, accessToken: null }));

    await user.click(screen.getByTestId("wa-app-secret-replace"));
    await user.type(screen.getByTestId("wa-app-secret"), "new-secret");
    await user.click(screen.getByTestId("wa-access-token-remove"));
    expect(screen.getByTestId("wa-access-token-removing")).toHaveTextContent("Will be removed when you save.");
    await user.click(screen.getByTestId("wa-save"));
    await waitFor(() => expect(lastUpdate(b)).toEqual({ phoneNumberId: "1", businessAccountId: "2", appSecret: "new-secret", accessToken: "" }));
    expect(await screen.findByTestId("wa-access-token")).toHaveValue("");
  });

  it("explains the 24-hour token, shows the verify token and makes a new one after asking", async () => {
    const b = mockBackend({
      settings_get: () => clinicSettings(),
      whatsapp_get: () => whatsappSettings(),
      whatsapp_renew_verify_token: () => whatsappSettings({ verifyToken: "vt-new-77" }),
    });
    const { user } = renderUi(<SettingsPage onClinicNameChange={vi.fn()} />);
    expect(await screen.findByTestId("wa-verify-token")).toHaveTextContent("vt-3f9a1c2e");
    expect(screen.getByTestId("wa-card")).toHaveTextContent("stops working after 24 hours");
    await user.click(screen.getByTestId("wa-verify-renew"));
    expect(b.named("whatsapp_renew_verify_token")).toHaveLength(0);
    await user.click(screen.getByTestId("confirm-submit"));
    await waitFor(() => expect(screen.getByTestId("wa-verify-token")).toHaveTextContent("vt-new-77"));
    expect(b.named("whatsapp_renew_verify_token")).toHaveLength(1);
  });

  it("shows the backend's reason when saving fails, and checks the ids are numbers", async () => {
    const b = mockBackend({
      settings_get: () => clinicSettings(),
      whatsapp_get: () => whatsappSettings(),
      whatsapp_update: fail("settings.invalid", "The access token was refused by WhatsApp."),
    });
    const { user } = renderUi(<SettingsPage onClinicNameChange={vi.fn()} />);
    await user.type(await screen.findByTestId("wa-phone-number-id"), "+351 910");
    await user.click(screen.getByTestId("wa-save"));
    expect(await screen.findByTestId("wa-error")).toHaveTextContent("numbers only");
    expect(b.named("whatsapp_update")).toHaveLength(0);
    await user.clear(screen.getByTestId("wa-phone-number-id"));
    await user.type(screen.getByTestId("wa-phone-number-id"), "123");
    await user.click(screen.getByTestId("wa-save"));
    expect(await screen.findByTestId("wa-error")).toHaveTextContent("The access token was refused by WhatsApp.");
  });
});
