// One typed function per Tauri command. Every command rejects with an ErrorBody; anything
// else that is thrown (a bug, a missing command) is turned into a calm "internal" ErrorBody,
// so screens only ever deal with `{ code, message }`.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { ClinicSettings } from "./bindings/ClinicSettings";
import type { ErrorBody } from "./bindings/ErrorBody";
import type { ExportOptions } from "./bindings/ExportOptions";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { ExportStarted } from "./bindings/ExportStarted";
import type { NewUser } from "./bindings/NewUser";
import type { Role } from "./bindings/Role";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { SetupRequest } from "./bindings/SetupRequest";
import type { StaffSummary } from "./bindings/StaffSummary";
import type { StartupStatus } from "./bindings/StartupStatus";
import type { TotpEnrollment } from "./bindings/TotpEnrollment";
import type { VerifyReport } from "./bindings/VerifyReport";
import type { BotStatus } from "./bindings/BotStatus";
import type { ConversationView } from "./bindings/ConversationView";
import type { Dashboard } from "./bindings/Dashboard";
import type { DashboardQuery } from "./bindings/DashboardQuery";
import type { InboxItem } from "./bindings/InboxItem";
import type { IntakeDetail } from "./bindings/IntakeDetail";
import type { MediaData } from "./bindings/MediaData";
import type { QueuePage } from "./bindings/QueuePage";
import type { QueueQuery } from "./bindings/QueueQuery";
import type { ReviewRequest } from "./bindings/ReviewRequest";
import type { StaffReply } from "./bindings/StaffReply";
import type { TryInput } from "./bindings/TryInput";
import type { TryState } from "./bindings/TryState";
import type { WhatsAppSettings } from "./bindings/WhatsAppSettings";
import type { WhatsAppUpdate } from "./bindings/WhatsAppUpdate";
import type { ConnectionCheck } from "./bindings/ConnectionCheck";
import type { ConnectionHealth } from "./bindings/ConnectionHealth";
import type { TestMessage } from "./bindings/TestMessage";
import type { TestStatus } from "./bindings/TestStatus";
import type { TunnelSettings } from "./bindings/TunnelSettings";
import type { TunnelUpdate } from "./bindings/TunnelUpdate";
import type { Appointment } from "./bindings/Appointment";
import type { AppointmentDetails } from "./bindings/AppointmentDetails";
import type { AppointmentMessage } from "./bindings/AppointmentMessage";
import type { AppointmentQuery } from "./bindings/AppointmentQuery";
import type { Cancel } from "./bindings/Cancel";
import type { Clinician } from "./bindings/Clinician";
import type { MappingUpdate } from "./bindings/MappingUpdate";
import type { MessagePreview } from "./bindings/MessagePreview";
import type { NewAppointment } from "./bindings/NewAppointment";
import type { ReminderSettings } from "./bindings/ReminderSettings";
import type { Reschedule } from "./bindings/Reschedule";
import type { TemplateEvent } from "./bindings/TemplateEvent";
import type { TemplateLibrary } from "./bindings/TemplateLibrary";
import type { TemplateMapping } from "./bindings/TemplateMapping";

export const INTERNAL_ERROR: ErrorBody = {
  code: "internal",
  message: "Something went wrong. Try again; if it keeps happening, restart Intake Desk.",
};

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string";
}

export function toErrorBody(value: unknown): ErrorBody {
  return isErrorBody(value) ? { code: value.code, message: value.message } : INTERNAL_ERROR;
}

/** Codes that mean "this window no longer has a usable session". */
export type SessionErrorCode = "auth.session_locked" | "auth.not_signed_in";

type SessionListener = (code: SessionErrorCode) => void;
const sessionListeners = new Set<SessionListener>();

/** The app root subscribes so that any command can send the user to the lock or login screen. */
export function onSessionError(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => {
    sessionListeners.delete(listener);
  };
}

async function call<T>(cmd: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (raw) {
    const error = toErrorBody(raw);
    if (error.code === "auth.session_locked" || error.code === "auth.not_signed_in") {
      for (const listener of [...sessionListeners]) listener(error.code);
    }
    throw error;
  }
}

// Start-up (no session needed).
export const startupStatus = () => call<StartupStatus>("startup_status");
export const startupRetry = () => call<StartupStatus>("startup_retry");
export const setupBegin = () => call<string>("setup_begin");
export const setupFinish = (request: SetupRequest) => call<null>("setup_finish", { request });
export const recoverWithKey = (recoveryKey: string) =>
  call<null>("recover_with_key", { recoveryKey });
export const restoreBackup = (path: string, recoveryKey: string) =>
  call<null>("restore_backup", { path, recoveryKey });

// Sessions.
export const login = (username: string, password: string, totpCode: string | null) =>
  call<SessionInfo>("login", { username, password, totpCode });
export const sessionInfo = () => call<SessionInfo>("session_info");
export const sessionTouch = () => call<null>("session_touch");
export const sessionLock = () => call<null>("session_lock");
export const sessionUnlock = (password: string) =>
  call<SessionInfo>("session_unlock", { password });
export const logout = () => call<null>("logout");

// My account.
export const changePassword = (current: string, next: string) =>
  call<null>("change_password", { current, next });
export const totpBegin = () => call<TotpEnrollment>("totp_begin");
export const totpConfirm = (code: string) => call<null>("totp_confirm", { code });
export const totpDisable = (password: string) => call<null>("totp_disable", { password });

// Admin.
export const usersList = () => call<StaffSummary[]>("users_list");
export const usersCreate = (user: NewUser) => call<StaffSummary>("users_create", { user });
export const usersResetPassword = (userId: number, password: string) =>
  call<null>("users_reset_password", { userId, password });
export const usersSetActive = (userId: number, active: boolean) =>
  call<null>("users_set_active", { userId, active });
export const usersSetRole = (userId: number, role: Role) =>
  call<null>("users_set_role", { userId, role });
export const usersUnlock = (userId: number) => call<null>("users_unlock", { userId });
export const usersResetTotp = (userId: number) => call<null>("users_reset_totp", { userId });
export const settingsGet = () => call<ClinicSettings>("settings_get");
export const settingsUpdate = (settings: ClinicSettings) =>
  call<ClinicSettings>("settings_update", { settings });
export const auditList = (query: AuditQuery) => call<AuditEntry[]>("audit_list", { query });
export const auditVerify = () => call<VerifyReport>("audit_verify");
export const backupCreate = (path: string) => call<BackupInfo>("backup_create", { path });

// WhatsApp connection (admin). Secrets are write-only: the backend only says whether one is saved.
export const whatsappGet = () => call<WhatsAppSettings>("whatsapp_get");
export const whatsappUpdate = (update: WhatsAppUpdate) =>
  call<WhatsAppSettings>("whatsapp_update", { update });
export const whatsappRenewVerifyToken = () => call<WhatsAppSettings>("whatsapp_renew_verify_token");

// Going live: the public address (tunnel), Meta's checks and a test message (admin), and the
// connection's health (any signed-in staff). Set-up checks reject with `setup.*` codes.
export const connectionHealth = () => call<ConnectionHealth>("connection_health");
export const tunnelGet = () => call<TunnelSettings>("tunnel_get");
/** `authtoken`: null keeps the saved one, "" removes it. */
export const tunnelUpdate = (update: TunnelUpdate) => call<TunnelSettings>("tunnel_update", { update });
export const setupCheck = () => call<ConnectionCheck>("setup_check");
export const setupSubscribe = () => call<null>("setup_subscribe");
export const setupTestSend = (to: string) => call<TestMessage>("setup_test_send", { to });
export const setupTestStatus = (wamid: string) => call<TestStatus>("setup_test_status", { wamid });

// Dashboard and the bot.
/** The clinic's day is the window's day: the offset is east-positive minutes (CET is +60). */
export const localUtcOffsetMinutes = () => -new Date().getTimezoneOffset();
export const dashboardGet = () =>
  call<Dashboard>("dashboard_get", { query: { utcOffsetMinutes: localUtcOffsetMinutes() } satisfies DashboardQuery });
export const botStatus = () => call<BotStatus>("bot_status");

// Intake queue and detail.
export const intakesList = (query: QueueQuery) => call<QueuePage>("intakes_list", { query });
export const intakeGet = (id: number) => call<IntakeDetail>("intake_get", { id });
export const intakeReview = (id: number, review: ReviewRequest) =>
  call<IntakeDetail>("intake_review", { id, review });
export const intakeMedia = (intakeId: number, mediaId: string) =>
  call<MediaData>("intake_media", { intakeId, mediaId });

// Exports of the queue. The backend opens the save dialog itself (null: the person closed it)
// and runs the export in the background; its progress and end arrive as the Tauri events
// `export-progress` and `export-finished` (see pages/queue/useExportJob.ts).
export const exportOptions = () => call<ExportOptions>("export_options");
export const exportStart = (request: ExportRequest) =>
  call<ExportStarted | null>("export_start", { request });
export const exportCancel = (jobId: number) => call<null>("export_cancel", { jobId });
export const exportOpen = (jobId: number) => call<null>("export_open", { jobId });
export const exportReveal = (jobId: number) => call<null>("export_reveal", { jobId });

// Inbox: conversations that need a person.
export const inboxList = () => call<InboxItem[]>("inbox_list");
export const conversationGet = (conversationId: number) =>
  call<ConversationView>("conversation_get", { conversationId });
export const conversationTakeOver = (conversationId: number) =>
  call<ConversationView>("conversation_take_over", { conversationId });
export const conversationReply = (reply: StaffReply) =>
  call<ConversationView>("conversation_reply", { reply });
export const conversationGiveBack = (conversationId: number) =>
  call<ConversationView>("conversation_give_back", { conversationId });

// Try the bot: a practice chat, never stored or sent.
export const trybotStart = () => call<TryState>("trybot_start");
export const trybotSend = (input: TryInput) => call<TryState>("trybot_send", { input });
export const trybotReset = () => call<TryState>("trybot_reset");

// Appointments: everyone who sees the queue reads them (doctors their own, whatever the query
// says); front desk and admins book, move and cancel. Times are unix ms, local to this PC.
export const appointmentsList = (query: AppointmentQuery) =>
  call<Appointment[]>("appointments_list", { query });
export const appointmentsClinicians = () => call<Clinician[]>("appointments_clinicians");
export const appointmentCreate = (appointment: NewAppointment) =>
  call<Appointment>("appointment_create", { new: appointment });
export const appointmentReschedule = (id: number, reschedule: Reschedule) =>
  call<Appointment>("appointment_reschedule", { id, reschedule });
export const appointmentCancel = (id: number, cancel: Cancel) =>
  call<Appointment>("appointment_cancel", { id, cancel });
export const appointmentUpdateDetails = (id: number, details: AppointmentDetails) =>
  call<Appointment>("appointment_update_details", { id, details });
/** The messages planned for one appointment and how far each got. */
export const appointmentMessages = (id: number) =>
  call<AppointmentMessage[]>("appointment_messages", { id });
export const reminderSettingsGet = () => call<ReminderSettings>("reminder_settings_get");
export const reminderSettingsUpdate = (settings: ReminderSettings) =>
  call<ReminderSettings>("reminder_settings_update", { settings });

// WhatsApp templates. Sync and submit talk to Meta with the saved token (admin) and reject
// with Meta's problem in words.
export const templatesLibrary = () => call<TemplateLibrary>("templates_library");
export const templatesSync = () => call<TemplateLibrary>("templates_sync");
export const templatesSubmit = (event: TemplateEvent, language: string) =>
  call<TemplateLibrary>("templates_submit", { event, language });
export const templateMappings = () => call<TemplateMapping[]>("template_mappings");
export const templateMappingUpdate = (update: MappingUpdate) =>
  call<TemplateMapping[]>("template_mapping_update", { update });
/** Nothing is sent: the event's message as it would go now (sample data without an appointment). */
export const messagePreview = (event: TemplateEvent, appointmentId: number | null) =>
  call<MessagePreview>("message_preview", { event, appointmentId });
