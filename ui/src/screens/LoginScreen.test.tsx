import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { adminSession, fail, mockBackend, renderUi } from "../test/utils";
import { LoginScreen } from "./LoginScreen";

function renderLogin(username?: string) {
  const onSignedIn = vi.fn();
  const utils = renderUi(<LoginScreen clinicName="Sunrise Clinic" hint={{ username }} onSignedIn={onSignedIn} />);
  return { ...utils, onSignedIn };
}

describe("login", () => {
  it("signs in with username and password, Enter submits", async () => {
    const b = mockBackend({ login: () => adminSession() });
    const { user, onSignedIn } = renderLogin();
    expect(screen.getByTestId("login-title")).toHaveTextContent("Sunrise Clinic");
    await user.type(screen.getByTestId("login-username"), "ana");
    await user.type(screen.getByTestId("login-password"), "correct horse battery{Enter}");
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(adminSession()));
    expect(b.last("login")).toEqual({ username: "ana", password: "correct horse battery", totpCode: null });
  });

  it("shows the backend's message for wrong credentials and clears the password", async () => {
    mockBackend({ login: fail("auth.invalid_credentials", "Wrong username or password. Check caps lock and try again.") });
    const { user, onSignedIn } = renderLogin();
    await user.type(screen.getByTestId("login-username"), "ana");
    await user.type(screen.getByTestId("login-password"), "nope");
    await user.click(screen.getByTestId("login-submit"));
    expect(await screen.findByTestId("login-error")).toHaveTextContent("Wrong username or password");
    expect(screen.getByTestId("login-password")).toHaveValue("");
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("asks for the 6-digit code, then resends username and password with it", async () => {
    const b = mockBackend({
      login: (args) =>
        args.totpCode === null
          ? fail("auth.totp_required", "Enter the 6-digit code from your authenticator app.")(args)
          : args.totpCode === "123456"
            ? adminSession({ totpEnabled: true })
            : fail("auth.totp_invalid", "That code is not right.")(args),
    });
    const { user, onSignedIn } = renderLogin();
    await user.type(screen.getByTestId("login-username"), "ana");
    await user.type(screen.getByTestId("login-password"), "correct horse battery{Enter}");

    const code = await screen.findByTestId("login-totp");
    expect(code).toHaveFocus();
    expect(screen.queryByTestId("login-error")).not.toBeInTheDocument();
    expect(screen.getByText("Enter the 6-digit code from your authenticator app.")).toBeInTheDocument();

    await user.type(code, "000000{Enter}");
    expect(await screen.findByTestId("login-error")).toHaveTextContent("That code is not right.");

    await user.type(screen.getByTestId("login-totp"), "123456{Enter}");
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(b.named("login").map((c) => c.args)).toEqual([
      { username: "ana", password: "correct horse battery", totpCode: null },
      { username: "ana", password: "correct horse battery", totpCode: "000000" },
      { username: "ana", password: "correct horse battery", totpCode: "123456" },
    ]);
  });

  it("says until when a locked account is locked", async () => {
    const msg = "Too many wrong passwords. This account is locked until 10:42. Ask an admin to unlock it sooner.";
    mockBackend({ login: fail("auth.locked", msg) });
    const { user } = renderLogin("ana");
    expect(screen.getByTestId("login-password")).toHaveFocus();
    await user.type(screen.getByTestId("login-password"), "whatever{Enter}");
    expect(await screen.findByTestId("login-error")).toHaveTextContent(msg);
  });

  it("explains a disabled account", async () => {
    mockBackend({ login: fail("auth.disabled", "This account has been disabled. Ask an admin if you need access again.") });
    const { user } = renderLogin("ana");
    await user.type(screen.getByTestId("login-password"), "whatever{Enter}");
    expect(await screen.findByTestId("login-error")).toHaveTextContent("This account has been disabled");
  });

  it("asks for both fields instead of calling the backend with blanks", async () => {
    const b = mockBackend({});
    const { user } = renderLogin();
    await user.click(screen.getByTestId("login-submit"));
    expect(screen.getByTestId("login-error")).toHaveTextContent("Enter your username and password.");
    expect(b.calls).toHaveLength(0);
  });
});
