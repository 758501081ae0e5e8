import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { act, render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import type { DeskEvent } from "../bindings/DeskEvent";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { SessionInfo } from "../bindings/SessionInfo";
import { DESK_EVENT } from "../hooks/useDeskEvents";
import { Providers } from "../Providers";

export type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Stands in for the Rust side. Every call is recorded; a command without a handler rejects
 * (so a test notices an unexpected call), except session_touch, which is harmless. Tauri
 * events are mocked too: `emitDeskEvent` reaches the screens' `listen` handlers.
 */
export function mockBackend(handlers: Record<string, Handler>) {
  const calls: Call[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const handler = handlers[cmd];
    if (handler) return handler(args);
    if (cmd === "session_touch") return null;
    throw { code: "test.unhandled", message: `The test has no mock for ${cmd}.` } satisfies ErrorBody;
  }, { shouldMockEvents: true });
  return {
    calls,
    named: (cmd: string) => calls.filter((c) => c.cmd === cmd),
    last: (cmd: string) => calls.filter((c) => c.cmd === cmd).at(-1)?.args,
    /** Swaps one command's answer mid-test. */
    set: (cmd: string, handler: Handler) => {
      handlers[cmd] = handler;
    },
  };
}

/** What the backend emits when something changed (needs `mockBackend` first). */
export async function emitDeskEvent(event: DeskEvent) {
  await act(async () => {
    await emit(DESK_EVENT, event);
  });
}

/** Any other Tauri event from the backend, e.g. `export-progress` (needs `mockBackend` first). */
export async function emitEvent(name: string, payload: unknown) {
  await act(async () => {
    await emit(name, payload);
  });
}

/** A handler that rejects like a Tauri command: with an ErrorBody. */
export function fail(code: string, message: string): Handler {
  return () => {
    throw { code, message } satisfies ErrorBody;
  };
}

export function renderUi(ui: ReactElement) {
  const user = userEvent.setup();
  return { user, ...render(<Providers env="test">{ui}</Providers>) };
}

const ALL_PERMISSIONS: SessionInfo["permissions"] = [
  "view_queue", "view_demographics", "view_clinical", "review_intake", "handle_conversations",
  "manage_appointments", "export_demographics", "export_clinical", "manage_users",
  "manage_settings", "view_audit", "manage_backups", "manage_own_account",
];

export function adminSession(extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    username: "ana",
    displayName: "Ana Costa",
    role: "admin",
    permissions: ALL_PERMISSIONS,
    idleLockMinutes: 10,
    totpEnabled: false,
    locked: false,
    ...extra,
  };
}

export function frontDeskSession(extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    username: "rita",
    displayName: "Rita Reception",
    role: "front_desk",
    permissions: ["view_queue", "view_demographics", "handle_conversations", "manage_appointments", "export_demographics", "manage_own_account"],
    idleLockMinutes: 10,
    totpEnabled: false,
    locked: false,
    ...extra,
  };
}
