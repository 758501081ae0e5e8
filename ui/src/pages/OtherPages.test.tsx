import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { adminSession, fail, mockBackend, renderUi } from "../test/utils";
import { AccountPage } from "./AccountPage";
import { BackupPage } from "./BackupPage";

describe("backup page", () => {
  it("asks where to save, makes the backup and shows path and size", async () => {
    const b = mockBackend({
      "plugin:dialog|save": () => "/media/usb/intake-desk-2025-03-14.idbk",
      backup_create: (args) => ({ path: args.path, bytes: 5_452_595 }),
    });
    const { user } = renderUi(<BackupPage />);
    await user.click(screen.getByTestId("backup-create"));
    expect(await screen.findByTestId("backup-path")).toHaveTextContent("/media/usb/intake-desk-2025-03-14.idbk");
    expect(screen.getByTestId("backup-result")).toHaveTextContent("5.2 MB");
    expect(screen.getByTestId("backup-result")).toHaveTextContent("recovery key");
    const dialog = b.last("plugin:dialog|save") as { options: { defaultPath: string } };
    expect(dialog.options.defaultPath).toMatch(/^intake-desk-\d{4}-\d{2}-\d{2}\.idbk$/);
    expect(b.last("backup_create")).toEqual({ path: "/media/usb/intake-desk-2025-03-14.idbk" });
  });

  it("does nothing when the person cancels the save window", async () => {
    const b = mockBackend({ "plugin:dialog|save": () => null });
    const { user } = renderUi(<BackupPage />);
    await user.click(screen.getByTestId("backup-create"));
    await waitFor(() => expect(b.named("plugin:dialog|save")).toHaveLength(1));
    expect(b.named("backup_create")).toHaveLength(0);
    expect(screen.queryByTestId("backup-error")).not.toBeInTheDocument();
  });

  it("shows the backend's message when the disk is full", async () => {
    mockBackend({
      "plugin:dialog|save": () => "/media/usb/x.idbk",
      backup_create: fail("store.disk_full", "The disk is full. Free some space and try again; nothing was lost."),
    });
    const { user } = renderUi(<BackupPage />);
    await user.click(screen.getByTestId("backup-create"));
    expect(await screen.findByTestId("backup-error")).toHaveTextContent("The disk is full.");
  });
});

describe("my account", () => {
  it("changes the password", async () => {
    const b = mockBackend({ change_password: () => null });
    const { user } = renderUi(<AccountPage session={adminSession()} onSessionChange={vi.fn()} />);
    await user.type(screen.getByTestId("account-current-password"), "old password here");
    await user.type(screen.getByTestId("account-new-password"), "new password here");
    await user.type(screen.getByTestId("account-confirm-password"), "new password here{Enter}");
    expect(await screen.findByTestId("account-password-saved")).toBeInTheDocument();
    expect(b.last("change_password")).toEqual({ current: "old password here", next: "new password here" });
  });

  it("turns two-step sign-in on with a QR code and a confirm code", async () => {
    const b = mockBackend({
      totp_begin: () => ({ secret: "JBSWY3DPEHPK3PXP", otpauthUrl: "otpauth://totp/Intake%20Desk:ana?secret=JBSWY3DPEHPK3PXP" }),
      totp_confirm: () => null,
    });
    const onSessionChange = vi.fn();
    const { user } = renderUi(<AccountPage session={adminSession()} onSessionChange={onSessionChange} />);
    await user.click(screen.getByTestId("totp-begin"));
    expect(await screen.findByTestId("totp-secret")).toHaveTextContent("JBSWY3DPEHPK3PXP");
    expect(await screen.findByTestId("totp-qr")).toHaveAttribute("src", expect.stringMatching(/^data:image\/svg\+xml/));
    await user.type(screen.getByTestId("totp-code"), "123456{Enter}");
    await waitFor(() => expect(onSessionChange).toHaveBeenCalledWith(adminSession({ totpEnabled: true })));
    expect(b.last("totp_confirm")).toEqual({ code: "123456" });
  });

  it("turns two-step sign-in off with the password", async () => {
    const b = mockBackend({ totp_disable: () => null });
    const onSessionChange = vi.fn();
    const { user } = renderUi(<AccountPage session={adminSession({ totpEnabled: true })} onSessionChange={onSessionChange} />);
    await user.type(screen.getByTestId("totp-disable-password"), "my password{Enter}");
    await waitFor(() => expect(onSessionChange).toHaveBeenCalledWith(adminSession({ totpEnabled: false })));
    expect(b.last("totp_disable")).toEqual({ password: "my password" });
  });
});
