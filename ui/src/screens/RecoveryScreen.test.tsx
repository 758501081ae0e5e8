import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { fail, mockBackend, renderUi } from "../test/utils";
import { RecoveryScreen } from "./RecoveryScreen";

const REASON = { code: "key.not_in_keyring", message: "The database key is not in this computer's keyring." };

describe("recovery", () => {
  it("sends the key as typed and goes to login", async () => {
    let phase = "needs_recovery";
    const b = mockBackend({
      startup_status: () => (phase === "ready" ? { phase, clinicName: "Sunrise Clinic" } : { phase, reason: REASON }),
      recover_with_key: () => {
        phase = "ready";
        return null;
      },
      session_info: fail("auth.not_signed_in", "You are signed out."),
    });
    const { user } = renderUi(<App />);
    await user.type(await screen.findByTestId("recovery-key-input"), "k7qm 2xpa 9rtd 4wze hb3n 6fjc p8lv q2xs{Enter}");
    expect(await screen.findByTestId("login-notice")).toHaveTextContent("The records are open again.");
    expect(b.last("recover_with_key")).toEqual({ recoveryKey: "k7qm 2xpa 9rtd 4wze hb3n 6fjc p8lv q2xs" });
  });

  it("shows a typo message from the backend", async () => {
    mockBackend({ recover_with_key: fail("key.recovery_key_format", "That recovery key has a typo.") });
    const { user } = renderUi(<RecoveryScreen reason={REASON} onDone={vi.fn()} />);
    await user.type(screen.getByTestId("recovery-key-input"), "abc{Enter}");
    expect(await screen.findByTestId("recovery-error")).toHaveTextContent("That recovery key has a typo.");
  });

  it("restores from a backup file instead", async () => {
    const b = mockBackend({
      "plugin:dialog|open": () => "/media/usb/intake-desk-2025-03-01.idbk",
      restore_backup: () => null,
    });
    const onDone = vi.fn();
    const { user } = renderUi(<RecoveryScreen reason={REASON} onDone={onDone} />);
    await user.click(screen.getByTestId("recovery-restore-instead"));
    await user.click(screen.getByTestId("restore-choose-file"));
    expect(await screen.findByTestId("restore-path")).toHaveTextContent("intake-desk-2025-03-01.idbk");
    await user.type(screen.getByTestId("restore-recovery-key"), "K7QM-2XPA-9RTD-4WZE-HB3N-6FJC-P8LV-Q2XS{Enter}");
    await vi.waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(b.last("restore_backup")).toEqual({
      path: "/media/usb/intake-desk-2025-03-01.idbk",
      recoveryKey: "K7QM-2XPA-9RTD-4WZE-HB3N-6FJC-P8LV-Q2XS",
    });
    const open = b.last("plugin:dialog|open") as { options: { filters: unknown } };
    expect(open.options.filters).toEqual([{ name: "Intake Desk backup", extensions: ["idbk"] }]);
  });
});
