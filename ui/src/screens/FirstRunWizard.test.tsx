import { screen, waitFor } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { fail, mockBackend, renderUi } from "../test/utils";

const KEY = "K7QM-2XPA-9RTD-4WZE-HB3N-6FJC-P8MV-Q20S";

function backend(overrides: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  let phase: "first_run" | "ready" = "first_run";
  return mockBackend({
    startup_status: () => (phase === "first_run" ? { phase } : { phase, clinicName: "Sunrise Clinic" }),
    setup_begin: () => KEY,
    setup_finish: () => {
      phase = "ready";
      return null;
    },
    session_info: fail("auth.not_signed_in", "You are signed out."),
    ...overrides,
  });
}

async function fillAccount(user: UserEvent, password = "correct horse battery") {
  await user.type(await screen.findByTestId("setup-clinic-name"), "Sunrise Clinic");
  await user.type(screen.getByTestId("setup-display-name"), "Ana Costa");
  await user.type(screen.getByTestId("setup-username"), "ana");
  await user.type(screen.getByTestId("setup-password"), password);
  await user.type(screen.getByTestId("setup-password-confirm"), password);
  await user.click(screen.getByTestId("setup-account-next"));
}

describe("first-run set-up wizard", () => {
  it("checks the account details before asking for the key", async () => {
    const b = backend();
    const { user } = renderUi(<App />);
    await fillAccount(user, "short");
    expect(screen.getByTestId("setup-account-error")).toHaveTextContent("at least 10 characters");
    expect(b.named("setup_begin")).toHaveLength(0);
  });

  it("shows the key and will not continue until it is written down and typed back", async () => {
    const b = backend();
    const { user } = renderUi(<App />);
    await fillAccount(user);
    expect(await screen.findByTestId("recovery-key")).toHaveTextContent(KEY);
    expect(screen.getByText(/shown only this once/i)).toBeInTheDocument();

    // Not ticked: blocked.
    await user.click(screen.getByTestId("setup-key-next"));
    expect(screen.getByTestId("setup-key-form-error")).toHaveTextContent("Write the key down first");
    expect(screen.queryByTestId("setup-finish")).not.toBeInTheDocument();

    // Ticked but the wrong group: still blocked.
    await user.click(screen.getByTestId("setup-key-written"));
    await user.type(screen.getByTestId("setup-key-confirm"), "ABCD");
    await user.click(screen.getByTestId("setup-key-next"));
    expect(screen.getByTestId("setup-key-form-error")).toHaveTextContent("not the last group");
    expect(screen.queryByTestId("setup-finish")).not.toBeInTheDocument();
    expect(b.named("setup_finish")).toHaveLength(0);
  });

  it("sends the right request and goes to login with the username filled in", async () => {
    const b = backend();
    const { user } = renderUi(<App />);
    await fillAccount(user);
    await screen.findByTestId("recovery-key");
    await user.click(screen.getByTestId("setup-key-written"));
    // Typed the way people copy from paper: lower case, the letter O for the digit 0.
    await user.type(screen.getByTestId("setup-key-confirm"), "q2os{Enter}");
    await user.click(await screen.findByTestId("setup-finish"));

    expect(await screen.findByTestId("login-title")).toHaveTextContent("Sunrise Clinic");
    expect(b.last("setup_finish")).toEqual({
      request: {
        clinicName: "Sunrise Clinic",
        username: "ana",
        displayName: "Ana Costa",
        password: "correct horse battery",
        recoveryConfirmation: "Q20S",
      },
    });
    expect(screen.getByTestId("login-username")).toHaveValue("ana");
    expect(screen.getByTestId("login-notice")).toHaveTextContent("Intake Desk is set up");
    expect(screen.getByTestId("login-password")).toHaveFocus();
  });

  it("returns to step 1 with the backend's message when the password is too weak", async () => {
    const weak = "That password is on the list of common passwords. Choose another.";
    const b = backend({ setup_finish: fail("auth.weak_password", weak) });
    const { user } = renderUi(<App />);
    await fillAccount(user, "password123");
    await screen.findByTestId("recovery-key");
    await user.click(screen.getByTestId("setup-key-written"));
    await user.type(screen.getByTestId("setup-key-confirm"), "Q20S");
    await user.click(screen.getByTestId("setup-key-next"));
    await user.click(await screen.findByTestId("setup-finish"));

    expect(await screen.findByTestId("setup-account-error")).toHaveTextContent(weak);
    expect(screen.getByTestId("setup-clinic-name")).toHaveValue("Sunrise Clinic");

    // Fix it and go on: the same key is still there, already confirmed.
    await user.clear(screen.getByTestId("setup-password"));
    await user.type(screen.getByTestId("setup-password"), "a much better passphrase");
    await user.clear(screen.getByTestId("setup-password-confirm"));
    await user.type(screen.getByTestId("setup-password-confirm"), "a much better passphrase");
    await user.click(screen.getByTestId("setup-account-next"));
    expect(await screen.findByTestId("recovery-key")).toHaveTextContent(KEY);
    expect(b.named("setup_begin")).toHaveLength(1);
  });

  it("sends a clinic-name error back to step 1 and a key mismatch back to the key step", async () => {
    const b = backend({
      setup_finish: fail("invalid.clinic_name", "Enter the clinic's name (1 to 100 characters, on one line)."),
    });
    const { user } = renderUi(<App />);
    await fillAccount(user);
    await screen.findByTestId("recovery-key");
    await user.click(screen.getByTestId("setup-key-written"));
    await user.type(screen.getByTestId("setup-key-confirm"), "Q20S{Enter}");
    await user.click(await screen.findByTestId("setup-finish"));
    expect(await screen.findByTestId("setup-account-error")).toHaveTextContent("clinic's name");

    b.set(
      "setup_finish",
      fail("invalid.recovery_confirmation", "The last group you typed does not match the recovery key."),
    );
    await user.click(screen.getByTestId("setup-account-next"));
    await screen.findByTestId("recovery-key");
    await user.click(screen.getByTestId("setup-key-next"));
    await user.click(await screen.findByTestId("setup-finish"));
    expect(await screen.findByTestId("recovery-key")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText(/does not match the recovery key/)).toBeInTheDocument());
    expect(screen.getByTestId("setup-key-confirm")).toHaveValue("");
  });

  it("keeps the person on the last step when the keyring is unavailable", async () => {
    backend({ setup_finish: fail("key.keyring_unavailable", "The system keyring is not available.") });
    const { user } = renderUi(<App />);
    await fillAccount(user);
    await screen.findByTestId("recovery-key");
    await user.click(screen.getByTestId("setup-key-written"));
    await user.type(screen.getByTestId("setup-key-confirm"), "Q20S{Enter}");
    await user.click(await screen.findByTestId("setup-finish"));
    await waitFor(() =>
      expect(screen.getByTestId("setup-finish-error")).toHaveTextContent("The system keyring is not available."),
    );
    expect(screen.getByTestId("setup-finish")).toBeInTheDocument();
  });
});
