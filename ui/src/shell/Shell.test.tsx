import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { adminSession, frontDeskSession, mockBackend, renderUi } from "../test/utils";
import { Shell } from "./Shell";

function renderShell(session = adminSession()) {
  const onNavigate = vi.fn();
  const utils = renderUi(
    <Shell
      clinicName="Sunrise Clinic"
      session={session}
      page="queue"
      onNavigate={onNavigate}
      onLock={vi.fn()}
      onSignOut={vi.fn()}
      onSessionChange={vi.fn()}
      onClinicNameChange={vi.fn()}
    />,
  );
  return { ...utils, onNavigate };
}

describe("signed-in shell", () => {
  it("shows the clinic, the person's name, username and role", () => {
    mockBackend({});
    renderShell(frontDeskSession());
    expect(screen.getByTestId("shell-clinic")).toHaveTextContent("Sunrise Clinic");
    expect(screen.getByTestId("shell-user")).toHaveTextContent("Rita Reception");
    expect(screen.getByTestId("shell-username")).toHaveTextContent("rita");
    expect(screen.getByTestId("shell-role")).toHaveTextContent("Front desk");
  });

  it("hides the admin pages from a front-desk user", () => {
    mockBackend({});
    renderShell(frontDeskSession());
    expect(screen.getByTestId("nav-queue")).toBeInTheDocument();
    expect(screen.getByTestId("nav-account")).toBeInTheDocument();
    for (const page of ["users", "settings", "audit", "backup"]) {
      expect(screen.queryByTestId(`nav-${page}`)).not.toBeInTheDocument();
    }
    expect(screen.queryByText("Administration")).not.toBeInTheDocument();
  });

  it("goes by permissions, not by the role name", () => {
    mockBackend({});
    renderShell(frontDeskSession({ permissions: ["view_queue", "view_audit"] }));
    expect(screen.getByTestId("nav-audit")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-account")).not.toBeInTheDocument();
  });

  it("shows every page to an admin, and the queue's empty state", () => {
    mockBackend({});
    renderShell(adminSession());
    expect(screen.getByTestId("shell-role")).toHaveTextContent("Admin");
    for (const page of ["queue", "users", "settings", "audit", "backup", "account"]) {
      expect(screen.getByTestId(`nav-${page}`)).toBeInTheDocument();
    }
    expect(screen.getByTestId("page-title-queue")).toHaveTextContent("Intake queue");
    expect(screen.getByTestId("queue-empty")).toHaveTextContent(
      "Intakes will appear here when patients message the clinic on WhatsApp.",
    );
  });

  it("navigates between pages", async () => {
    mockBackend({
      startup_status: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }),
      session_info: () => adminSession(),
      settings_get: () => ({ clinicName: "Sunrise Clinic", idleLockMinutes: 10 }),
    });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("nav-account"));
    expect(screen.getByTestId("page-title-account")).toHaveTextContent("My account");
    expect(screen.getByTestId("nav-account")).toHaveAttribute("aria-current", "page");
    await user.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("settings-clinic-name")).toHaveValue("Sunrise Clinic");
  });
});
