import { act, fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { SESSION_POLL_MS } from "./hooks/useSessionWatch";
import { adminSession, fail, frontDeskSession, mockBackend, renderUi } from "./test/utils";

const READY = () => ({ phase: "ready", clinicName: "Sunrise Clinic" });

describe("idle lock and the lock screen", () => {
  it("shows the lock screen when session_info says locked, and unlocks with the password", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    let locked = false;
    const b = mockBackend({
      startup_status: READY,
      session_info: () => adminSession({ locked }),
      session_unlock: () => {
        locked = false;
        return adminSession();
      },
    });
    const { user } = renderUi(<App />);
    expect(await screen.findByTestId("page-title-dashboard")).toBeInTheDocument();

    locked = true;
    await act(async () => {
      vi.advanceTimersByTime(SESSION_POLL_MS);
    });
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.getByTestId("lock-title")).toHaveTextContent("Locked — Ana Costa");
    // Nothing of the page behind stays in the document.
    expect(screen.queryByTestId("page-title-dashboard")).not.toBeInTheDocument();
    expect(screen.queryByTestId("shell-user")).not.toBeInTheDocument();

    expect(screen.getByTestId("unlock-password")).toHaveFocus();
    await user.type(screen.getByTestId("unlock-password"), "correct horse battery{Enter}");
    expect(await screen.findByTestId("shell-user")).toHaveTextContent("Ana Costa");
    expect(b.last("session_unlock")).toEqual({ password: "correct horse battery" });
  });

  it("shows the backend's message for a wrong unlock password", async () => {
    mockBackend({
      startup_status: READY,
      session_info: () => adminSession({ locked: true }),
      session_unlock: fail("auth.invalid_credentials", "Wrong username or password. Check caps lock and try again."),
    });
    const { user } = renderUi(<App />);
    await user.type(await screen.findByTestId("unlock-password"), "nope{Enter}");
    expect(await screen.findByTestId("unlock-error")).toHaveTextContent("Wrong username or password");
    expect(screen.getByTestId("unlock-password")).toHaveValue("");
  });

  it("locks from the Lock button and from Ctrl+L", async () => {
    const b = mockBackend({
      startup_status: READY,
      session_info: () => adminSession(),
      session_lock: () => null,
      session_unlock: () => adminSession(),
    });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("shell-lock"));
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(b.named("session_lock")).toHaveLength(1);

    await user.type(screen.getByTestId("unlock-password"), "pw{Enter}");
    await screen.findByTestId("shell-user");
    fireEvent.keyDown(document.documentElement, { key: "l", code: "KeyL", ctrlKey: true });
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(b.named("session_lock")).toHaveLength(2);
  });

  it("a data command that finds the session locked shows the lock screen", async () => {
    mockBackend({
      startup_status: READY,
      session_info: () => adminSession(),
      users_list: fail("auth.session_locked", "The screen is locked. Enter your password to continue."),
    });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("nav-users"));
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
  });

  it("a command that finds nobody signed in shows the login screen", async () => {
    mockBackend({
      startup_status: READY,
      session_info: () => adminSession(),
      settings_get: fail("auth.not_signed_in", "You are signed out. Sign in to continue."),
    });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("nav-settings"));
    expect(await screen.findByTestId("login-screen")).toBeInTheDocument();
  });

  it("'Sign in as someone else' goes to the login screen, and the new person gets their own shell", async () => {
    const b = mockBackend({
      startup_status: READY,
      session_info: () => adminSession({ locked: true }),
      login: () => frontDeskSession(),
    });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("lock-switch-user"));
    await user.type(await screen.findByTestId("login-username"), "rita");
    await user.type(screen.getByTestId("login-password"), "another good password{Enter}");
    expect(await screen.findByTestId("shell-user")).toHaveTextContent("Rita Reception");
    expect(b.named("logout")).toHaveLength(0);
  });

  it("reports activity, at most once per 30 seconds", async () => {
    const b = mockBackend({ startup_status: READY, session_info: () => adminSession() });
    renderUi(<App />);
    await screen.findByTestId("shell-user");
    fireEvent.keyDown(window, { key: "a" });
    fireEvent.mouseDown(window);
    fireEvent.wheel(window);
    await vi.waitFor(() => expect(b.named("session_touch")).toHaveLength(1));
  });

  it("signs out", async () => {
    const b = mockBackend({ startup_status: READY, session_info: () => adminSession(), logout: () => null });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("shell-signout"));
    expect(await screen.findByTestId("login-notice")).toHaveTextContent("You are signed out.");
    expect(b.named("logout")).toHaveLength(1);
  });
});
