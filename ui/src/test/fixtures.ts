// Backend-shaped values for tests; each takes overrides.
import type { BotStatus } from "../bindings/BotStatus";
import type { ClinicSettings } from "../bindings/ClinicSettings";
import type { ConversationView } from "../bindings/ConversationView";
import type { Dashboard } from "../bindings/Dashboard";
import type { InboxItem } from "../bindings/InboxItem";
import type { IntakeDetail } from "../bindings/IntakeDetail";
import type { QueuePage } from "../bindings/QueuePage";
import type { QueueRow } from "../bindings/QueueRow";
import type { WhatsAppSettings } from "../bindings/WhatsAppSettings";
import type { ConnectionHealth } from "../bindings/ConnectionHealth";
import type { TunnelSettings } from "../bindings/TunnelSettings";

export const T0 = Date.UTC(2025, 2, 14, 9, 30); // 14 Mar 2025

export function clinicSettings(extra: Partial<ClinicSettings> = {}): ClinicSettings {
  return {
    clinicName: "Sunrise Clinic",
    idleLockMinutes: 10,
    languages: ["en", "pt"],
    dateOrder: "dayFirst",
    intakeTimeoutHours: 24,
    backlogMinutes: 60,
    notifyWithFirstName: false,
    reopenTemplate: "",
    reopenTemplateLanguage: "",
    frontDeskExport: "demographics",
    availableLanguages: [
      { code: "en", name: "English" },
      { code: "pt", name: "Português" },
      { code: "es", name: "Español" },
    ],
    ...extra,
  };
}

export function whatsappSettings(extra: Partial<WhatsAppSettings> = {}): WhatsAppSettings {
  return {
    phoneNumberId: "",
    businessAccountId: "",
    appSecretSaved: false,
    accessTokenSaved: false,
    verifyToken: "vt-3f9a1c2e",
    ...extra,
  };
}

export function queueRow(id: number, extra: Partial<QueueRow> = {}): QueueRow {
  return {
    id,
    patientName: `Patient ${id}`,
    patientPhone: `+3519100000${String(id).padStart(2, "0")}`,
    submittedAt: T0 - id * 60_000,
    status: "new",
    statusBy: null,
    statusAt: null,
    lang: "en",
    ...extra,
  };
}

export function queuePage(rows: QueueRow[], extra: Partial<QueuePage> = {}): QueuePage {
  return { rows, total: rows.length, page: 0, pageSize: 50, ...extra };
}

export function intakeDetail(extra: Partial<IntakeDetail> = {}): IntakeDetail {
  return {
    id: 42,
    conversationId: 7,
    patientName: "Maria Silva",
    patientPhone: "+351910000001",
    submittedAt: T0,
    lang: "en",
    formVersion: "2025-03",
    status: "new",
    statusBy: null,
    statusAt: null,
    sections: [
      {
        kind: "demographic",
        title: "About you",
        answers: [
          { linkId: "name", label: "Name", question: "What is your full name?", value: "Maria Silva", skipped: false },
          { linkId: "dob", label: "Date of birth", question: "When were you born?", value: "1984-03-02", skipped: false },
        ],
      },
      {
        kind: "clinical",
        title: "Your health",
        answers: [
          { linkId: "allergies", label: "Allergies", question: "Any allergies?", value: "Penicillin", skipped: false },
          { linkId: "meds", label: "Medication", question: "Do you take medication?", value: "—", skipped: true },
        ],
      },
    ],
    clinicalHidden: false,
    attachments: [],
    consent: {
      granted: true,
      at: "2025-03-14T09:20:00Z",
      consentVersion: "v3",
      textSha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      lang: "en",
      wamid: "wamid.A1",
    },
    notes: [{ id: 1, author: "Dr. Gomes", at: T0 + 60_000, text: "Check the penicillin allergy." }],
    transcript: [
      { key: "in:wamid.1", direction: "in", at: T0 - 600_000, text: "Hi", author: null, delivery: null, problem: null },
      { key: "out:1", direction: "out", at: T0 - 590_000, text: "Welcome!", author: "bot", delivery: "read", problem: null },
    ],
    ...extra,
  };
}

/** What a front-desk role gets: no clinical section, notes or transcript. */
export function frontDeskIntake(extra: Partial<IntakeDetail> = {}): IntakeDetail {
  const full = intakeDetail();
  return intakeDetail({
    sections: full.sections.filter((s) => s.kind !== "clinical"),
    clinicalHidden: true,
    notes: [],
    transcript: [],
    ...extra,
  });
}

export function inboxItem(id: number, extra: Partial<InboxItem> = {}): InboxItem {
  return {
    conversationId: id,
    patientPhone: `+35191000000${id}`,
    patientName: `Patient ${id}`,
    reason: "asked_for_staff",
    since: Date.now() - 12 * 60_000,
    heldBy: null,
    windowClosesAt: Date.now() + 3 * 3600_000,
    ...extra,
  };
}

export function conversationView(extra: Partial<ConversationView> = {}): ConversationView {
  const now = Date.now();
  return {
    conversationId: 7,
    patientPhone: "+351910000001",
    patientName: "Maria Silva",
    takenOver: false,
    heldBy: null,
    windowClosesAt: now + (3 * 60 + 12) * 60_000 + 30_000,
    now,
    askedForStaff: true,
    messages: [
      { key: "in:wamid.1", direction: "in", at: now - 60_000, text: "Can I talk to someone?", author: null, delivery: null, problem: null },
      { key: "out:9", direction: "out", at: now - 30_000, text: "Someone will answer soon.", author: "bot", delivery: "delivered", problem: null },
    ],
    latestIntakeId: 42,
    ...extra,
  };
}

export function dashboard(extra: Partial<Dashboard> = {}): Dashboard {
  const perDay = Array.from({ length: 30 }, (_, i) => {
    const d = new Date(2025, 1, 13 + i);
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    return { day, count: i % 7 === 0 ? 0 : (i % 5) + 1 };
  });
  return {
    today: { new: 3, reviewed: 4, needsFollowUp: 1, total: 8 },
    awaitingReview: 5,
    waitingForStaff: 2,
    perDay,
    ...extra,
  };
}

export function botStatus(extra: Partial<BotStatus> = {}): BotStatus {
  return {
    webhook: "listening",
    localUrl: "http://127.0.0.1:8787/webhook",
    problem: null,
    repliesEnabled: true,
    outboxWaiting: 0,
    lastWebhookAt: Date.now() - 3 * 60_000,
    ...extra,
  };
}

/** A healthy connection: an ngrok tunnel online, verified by Meta, nothing waiting. */
export function connectionHealth(extra: Partial<ConnectionHealth> = {}): ConnectionHealth {
  return {
    tunnel: { state: "online", url: "https://clinic.ngrok-free.app", webhookUrl: "https://clinic.ngrok-free.app/webhook" },
    edge: { verifiedAt: Date.now() - 60 * 60_000, verificationRefusedAt: null, badSignatures24h: 0, lastBadSignatureAt: null },
    send: { lastError: null, tokenProblem: false, backlog: 0 },
    bot: botStatus(),
    ...extra,
  };
}

export function tunnelSettings(extra: Partial<TunnelSettings> = {}): TunnelSettings {
  return { config: { mode: "off", domain: null, publicUrl: null }, authtokenSaved: false, ...extra };
}
