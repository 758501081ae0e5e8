import { describe, expect, it } from "vitest";
import type { QueueQuery } from "./bindings/QueueQuery";
import * as ipc from "./ipc";
import { INTERNAL_ERROR, isErrorBody, login, onSessionError, toErrorBody, usersSetRole } from "./ipc";
import { fail, mockBackend } from "./test/utils";

describe("ipc wrapper", () => {
  it("recognises ErrorBody values", () => {
    expect(isErrorBody({ code: "auth.locked", message: "Locked." })).toBe(true);
    expect(isErrorBody({ code: "x" })).toBe(false);
    expect(isErrorBody("auth.locked")).toBe(false);
    expect(isErrorBody(null)).toBe(false);
  });

  it("turns anything else into the calm internal error", () => {
    expect(toErrorBody(new Error("stack trace"))).toEqual(INTERNAL_ERROR);
    expect(INTERNAL_ERROR.message).toBe("Something went wrong. Try again; if it keeps happening, restart Intake Desk.");
  });

  it("passes arguments with the names the Rust commands expect", async () => {
    const b = mockBackend({ login: () => ({}), users_set_role: () => null });
    await login("ana", "pw", null);
    await usersSetRole(3, "doctor");
    expect(b.calls).toEqual([
      { cmd: "login", args: { username: "ana", password: "pw", totpCode: null } },
      { cmd: "users_set_role", args: { userId: 3, role: "doctor" } },
    ]);
  });

  it("rejects with the ErrorBody and tells listeners about session errors", async () => {
    mockBackend({ users_list: fail("auth.session_locked", "The screen is locked.") });
    const seen: string[] = [];
    const stop = onSessionError((code) => seen.push(code));
    const { usersList } = await import("./ipc");
    await expect(usersList()).rejects.toEqual({ code: "auth.session_locked", message: "The screen is locked." });
    stop();
    expect(seen).toEqual(["auth.session_locked"]);
  });

  it("sends the desk commands with the argument names the Rust side expects", async () => {
    const b = mockBackend(
      Object.fromEntries(
        [
          "dashboard_get", "bot_status", "intakes_list", "intake_get", "intake_review", "intake_media", "inbox_list",
          "conversation_get", "conversation_take_over", "conversation_reply", "conversation_give_back",
          "trybot_start", "trybot_send", "trybot_reset", "whatsapp_get", "whatsapp_update", "whatsapp_renew_verify_token",
          "export_options", "export_start", "export_cancel", "export_open", "export_reveal",
        ].map((cmd) => [cmd, () => null]),
      ),
    );
    await ipc.dashboardGet();
    await ipc.intakeGet(5);
    await ipc.intakeReview(5, { status: "reviewed", note: null });
    await ipc.intakeMedia(5, "m1");
    await ipc.conversationGet(7);
    await ipc.conversationTakeOver(7);
    await ipc.conversationReply({ conversationId: 7, text: "Hi" });
    await ipc.conversationGiveBack(7);
    await ipc.trybotSend({ type: "choice", id: "a", title: "A" });
    await ipc.whatsappUpdate({ phoneNumberId: "1", businessAccountId: "2", appSecret: null, accessToken: "" });
    const query: QueueQuery = { search: null, statuses: ["new"], fromMs: null, toMs: null, reviewed: null, sort: "submitted_at", descending: true, page: 0, pageSize: 50 };
    await ipc.exportOptions();
    await ipc.exportStart({ format: "csv", query });
    await ipc.exportCancel(3);
    await ipc.exportOpen(3);
    await ipc.exportReveal(3);
    expect(b.calls).toEqual([
      { cmd: "dashboard_get", args: { query: { utcOffsetMinutes: -new Date().getTimezoneOffset() } } },
      { cmd: "intake_get", args: { id: 5 } },
      { cmd: "intake_review", args: { id: 5, review: { status: "reviewed", note: null } } },
      { cmd: "intake_media", args: { intakeId: 5, mediaId: "m1" } },
      { cmd: "conversation_get", args: { conversationId: 7 } },
      { cmd: "conversation_take_over", args: { conversationId: 7 } },
      { cmd: "conversation_reply", args: { reply: { conversationId: 7, text: "Hi" } } },
      { cmd: "conversation_give_back", args: { conversationId: 7 } },
      { cmd: "trybot_send", args: { input: { type: "choice", id: "a", title: "A" } } },
      { cmd: "whatsapp_update", args: { update: { phoneNumberId: "1", businessAccountId: "2", appSecret: null, accessToken: "" } } },
      { cmd: "export_options", args: {} },
      { cmd: "export_start", args: { request: { format: "csv", query } } },
      { cmd: "export_cancel", args: { jobId: 3 } },
      { cmd: "export_open", args: { jobId: 3 } },
      { cmd: "export_reveal", args: { jobId: 3 } },
    ]);
  });

  it("sends the going-live commands with the argument names the Rust side expects", async () => {
    const b = mockBackend(
      Object.fromEntries(
        ["connection_health", "tunnel_get", "tunnel_update", "setup_check", "setup_subscribe", "setup_test_send", "setup_test_status"].map(
          (cmd) => [cmd, () => null],
        ),
      ),
    );
    await ipc.connectionHealth();
    await ipc.tunnelGet();
    await ipc.tunnelUpdate({ config: { mode: "ngrok", domain: "clinic.ngrok-free.app", publicUrl: null }, authtoken: null });
    await ipc.setupCheck();
    await ipc.setupSubscribe();
    await ipc.setupTestSend("+34600111222");
    await ipc.setupTestStatus("wamid.1");
    expect(b.calls).toEqual([
      { cmd: "connection_health", args: {} },
      { cmd: "tunnel_get", args: {} },
      {
        cmd: "tunnel_update",
        args: { update: { config: { mode: "ngrok", domain: "clinic.ngrok-free.app", publicUrl: null }, authtoken: null } },
      },
      { cmd: "setup_check", args: {} },
      { cmd: "setup_subscribe", args: {} },
      { cmd: "setup_test_send", args: { to: "+34600111222" } },
      { cmd: "setup_test_status", args: { wamid: "wamid.1" } },
    ]);
  });
});
