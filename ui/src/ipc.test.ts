import { describe, expect, it } from "vitest";
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
});
