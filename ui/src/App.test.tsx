import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { adminSession, fail, mockBackend, renderUi } from "./test/utils";

const NOT_SIGNED_IN = fail("auth.not_signed_in", "You are signed out. Sign in to continue.");

describe("start-up routing", () => {
  it("shows a quiet loader while asking for the start-up status", async () => {
    let release: (v: unknown) => void = () => {};
    mockBackend({ startup_status: () => new Promise((r) => (release = r)) });
    renderUi(<App />);
    expect(screen.getByTestId("loading-screen")).toBeInTheDocument();
    release({ phase: "first_run" });
    expect(await screen.findByTestId("first-run-title")).toBeInTheDocument();
  });

  it("first_run opens the set-up wizard", async () => {
    mockBackend({ startup_status: () => ({ phase: "first_run" }) });
    renderUi(<App />);
    expect(await screen.findByTestId("first-run-title")).toHaveTextContent("Set up Intake Desk");
    expect(screen.getByTestId("setup-clinic-name")).toHaveFocus();
  });

  it("needs_recovery shows the reason and asks for the recovery key", async () => {
    mockBackend({
      startup_status: () => ({
        phase: "needs_recovery",
        reason: { code: "key.not_in_keyring", message: "The database key is not in this computer's keyring." },
      }),
    });
    renderUi(<App />);
    expect(await screen.findByTestId("recovery-reason")).toHaveTextContent("not in this computer's keyring");
    expect(screen.getByTestId("recovery-key-input")).toBeInTheDocument();
  });

  it("failed shows the message, and Try again routes by the new status", async () => {
    const backend = mockBackend({
      startup_status: () => ({
        phase: "failed",
        error: { code: "key.keyring_unavailable", message: "The system keyring is not available." },
      }),
      startup_retry: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }),
      session_info: NOT_SIGNED_IN,
    });
    const { user } = renderUi(<App />);
    expect(await screen.findByTestId("failed-message")).toHaveTextContent("The system keyring is not available.");
    // Keyring trouble is not fixed by a backup: no restore offered.
    expect(screen.queryByTestId("failed-restore")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("failed-retry"));
    expect(await screen.findByTestId("login-title")).toHaveTextContent("Sunrise Clinic");
    expect(backend.named("startup_retry")).toHaveLength(1);
  });

  it.each(["store.missing", "key.info_missing", "store.damaged"])("failed with %s offers a restore", async (code) => {
    mockBackend({ startup_status: () => ({ phase: "failed", error: { code, message: "Broken." } }) });
    renderUi(<App />);
    expect(await screen.findByTestId("failed-restore")).toBeInTheDocument();
  });

  it("ready with nobody signed in shows the login screen with the clinic name", async () => {
    mockBackend({ startup_status: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }), session_info: NOT_SIGNED_IN });
    renderUi(<App />);
    expect(await screen.findByTestId("login-title")).toHaveTextContent("Sunrise Clinic");
    expect(screen.getByTestId("login-username")).toHaveFocus();
  });

  it("ready with a live session goes straight to the shell", async () => {
    mockBackend({ startup_status: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }), session_info: () => adminSession() });
    renderUi(<App />);
    expect(await screen.findByTestId("shell-user")).toHaveTextContent("Ana Costa");
  });

  it("ready with a locked session shows the lock screen", async () => {
    mockBackend({
      startup_status: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }),
      session_info: () => adminSession({ locked: true }),
    });
    renderUi(<App />);
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("shell-user")).not.toBeInTheDocument();
  });

  it("an unexpected failure reads as a calm message with Try again", async () => {
    mockBackend({
      startup_status: () => {
        throw new Error("boom");
      },
    });
    renderUi(<App />);
    await waitFor(() =>
      expect(screen.getByTestId("failed-message")).toHaveTextContent(
        "Something went wrong. Try again; if it keeps happening, restart Intake Desk.",
      ),
    );
    expect(screen.getByTestId("failed-retry")).toBeInTheDocument();
  });
});
