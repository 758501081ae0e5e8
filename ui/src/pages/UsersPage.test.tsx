import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { StaffSummary } from "../bindings/StaffSummary";
import { fail, mockBackend, renderUi } from "../test/utils";
import { UsersPage } from "./UsersPage";

function staff(id: number, username: string, extra: Partial<StaffSummary> = {}): StaffSummary {
  return {
    id,
    username,
    displayName: username[0]!.toUpperCase() + username.slice(1),
    role: "front_desk",
    active: true,
    lockedUntil: null,
    totpEnabled: false,
    createdAt: 1_700_000_000_000,
    ...extra,
  };
}

describe("users page", () => {
  it("lists users and creates one", async () => {
    const users = [staff(1, "ana", { role: "admin" })];
    const b = mockBackend({
      users_list: () => [...users],
      users_create: (args) => {
        const u = args.user as { username: string; displayName: string; role: StaffSummary["role"] };
        const created = staff(2, u.username, { displayName: u.displayName, role: u.role });
        users.push(created);
        return created;
      },
    });
    const { user } = renderUi(<UsersPage currentUsername="ana" />);
    expect(await screen.findByTestId("user-row-ana")).toHaveTextContent("Admin");
    expect(screen.getByTestId("page-title-users")).toHaveTextContent("Users");

    await user.click(screen.getByTestId("users-create"));
    const modal = await screen.findByTestId("create-user-modal");
    await waitFor(() => expect(within(modal).getByTestId("create-user-display-name")).toHaveFocus());
    await user.type(screen.getByTestId("create-user-display-name"), "Dr Bruno Lima");
    await user.type(screen.getByTestId("create-user-username"), "bruno");
    await user.click(screen.getByTestId("create-user-role"));
    await user.click(await screen.findByRole("option", { name: "Doctor" }));
    await user.type(screen.getByTestId("create-user-password"), "a long enough password{Enter}");

    expect(await screen.findByTestId("users-notice")).toHaveTextContent("Dr Bruno Lima was added as bruno");
    expect(b.last("users_create")).toEqual({
      user: { displayName: "Dr Bruno Lima", username: "bruno", role: "doctor", password: "a long enough password" },
    });
    expect(await screen.findByTestId("user-row-bruno")).toHaveTextContent("Doctor");
    expect(screen.queryByTestId("create-user-username")).not.toBeInTheDocument();
  });

  it("shows a taken username in the dialog", async () => {
    mockBackend({
      users_list: () => [staff(1, "ana", { role: "admin" })],
      users_create: fail("auth.username_taken", "That username is already in use. Choose another."),
    });
    const { user } = renderUi(<UsersPage currentUsername="ana" />);
    await user.click(await screen.findByTestId("users-create"));
    await user.type(screen.getByTestId("create-user-display-name"), "Ana Two");
    await user.type(screen.getByTestId("create-user-username"), "ana");
    await user.type(screen.getByTestId("create-user-password"), "a long enough password{Enter}");
    expect(await screen.findByTestId("create-user-error")).toHaveTextContent("already in use");
  });

  it("explains why the last admin cannot be disabled", async () => {
    const b = mockBackend({
      users_list: () => [staff(1, "ana", { role: "admin" })],
      users_set_active: fail("auth.last_admin", "This is the last active admin. Make another user an admin first."),
    });
    const { user } = renderUi(<UsersPage currentUsername="ana" />);
    await user.click(await screen.findByTestId("user-actions-ana"));
    await user.click(await screen.findByTestId("user-action-disable"));
    await user.click(await screen.findByTestId("confirm-submit"));
    expect(await screen.findByTestId("confirm-error")).toHaveTextContent("This is the last active admin");
    expect(b.last("users_set_active")).toEqual({ userId: 1, active: false });
  });

  it("resets a password, changes a role and unlocks a locked account", async () => {
    const b = mockBackend({
      users_list: () => [staff(7, "rita", { lockedUntil: Date.now() + 600_000 })],
      users_reset_password: () => null,
      users_set_role: () => null,
      users_unlock: () => null,
    });
    const { user } = renderUi(<UsersPage currentUsername="ana" />);
    expect(await screen.findByTestId("user-row-rita")).toHaveTextContent("Locked until");

    await user.click(screen.getByTestId("user-actions-rita"));
    await user.click(await screen.findByTestId("user-action-reset-password"));
    await user.type(await screen.findByTestId("reset-password-input"), "brand new password{Enter}");
    expect(await screen.findByTestId("users-notice")).toHaveTextContent("password was reset");
    expect(b.last("users_reset_password")).toEqual({ userId: 7, password: "brand new password" });

    await user.click(screen.getByTestId("user-actions-rita"));
    await user.click(await screen.findByTestId("user-action-role"));
    await user.click(await screen.findByTestId("change-role-select"));
    await user.click(await screen.findByRole("option", { name: "Admin" }));
    await user.click(screen.getByTestId("change-role-submit"));
    await waitFor(() => expect(b.last("users_set_role")).toEqual({ userId: 7, role: "admin" }));

    await user.click(screen.getByTestId("user-actions-rita"));
    await user.click(await screen.findByTestId("user-action-unlock"));
    await waitFor(() => expect(b.last("users_unlock")).toEqual({ userId: 7 }));
  });

  it("says when the list cannot be loaded, and tries again", async () => {
    let attempts = 0;
    mockBackend({
      users_list: () => {
        attempts += 1;
        if (attempts === 1) throw { code: "store.busy", message: "The database is busy. Wait a moment and try again." };
        return [staff(1, "ana")];
      },
    });
    const { user } = renderUi(<UsersPage currentUsername="ana" />);
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("The database is busy");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("user-row-ana")).toBeInTheDocument();
  });
});
