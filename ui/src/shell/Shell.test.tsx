import { screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { botStatus, clinicSettings, connectionHealth, dashboard, tunnelSettings, inboxItem, intakeDetail, queuePage, queueRow, whatsappSettings } from "../test/fixtures";
import { adminSession, emitDeskEvent, frontDeskSession, mockBackend, renderUi } from "../test/utils";
import type { Route } from "./pages";
import { Shell } from "./Shell";

function renderShell(session = adminSession()) {
  const onNavigate = vi.fn();
  const utils = renderUi(
    <Shell
      clinicName="Sunrise Clinic"
      session={session}
      route={{ page: "queue" }}
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
    for (const page of ["users", "settings", "connect", "templates", "audit", "backup"]) {
      expect(screen.queryByTestId(`nav-${page}`)).not.toBeInTheDocument();
    }
    for (const page of ["dashboard", "appointments", "inbox", "trybot"]) {
      expect(screen.getByTestId(`nav-${page}`)).toBeInTheDocument();
    }
    expect(screen.queryByText("Administration")).not.toBeInTheDocument();
  });

  it("goes by permissions, not by the role name", () => {
    mockBackend({});
    renderShell(frontDeskSession({ permissions: ["view_queue", "view_audit"] }));
    expect(screen.getByTestId("nav-audit")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-account")).not.toBeInTheDocument();
  });

  it("shows every page to an admin in order, and the queue's empty state", async () => {
    mockBackend({ intakes_list: () => ({ rows: [], total: 0, page: 0, pageSize: 50 }), inbox_list: () => [] });
    renderShell(adminSession());
    expect(screen.getByTestId("shell-role")).toHaveTextContent("Admin");
    const order = ["dashboard", "queue", "appointments", "inbox", "trybot", "users", "settings", "connect", "templates", "audit", "backup", "account"];
    const nav = screen.getAllByTestId(/^nav-/).map((el) => el.getAttribute("data-testid"));
    expect(nav).toEqual(order.map((id) => `nav-${id}`));
    expect(screen.getByTestId("page-title-queue")).toHaveTextContent("Intake queue");
    expect(await screen.findByTestId("queue-empty")).toHaveTextContent(
      "When patients finish the WhatsApp form they appear here.",
    );
  });

  it("counts the patients waiting in the inbox next to its name, live", async () => {
    let waiting = 2;
    mockBackend({
      intakes_list: () => ({ rows: [], total: 0, page: 0, pageSize: 50 }),
      inbox_list: () => Array.from({ length: waiting }, (_, i) => inboxItem(i + 1)),
    });
    renderShell(frontDeskSession());
    expect(await screen.findByTestId("nav-inbox-count")).toHaveTextContent("2");
    waiting = 3;
    await emitDeskEvent({ kind: "staff_requested", conversationId: 3, firstName: null });
    await waitFor(() => expect(screen.getByTestId("nav-inbox-count")).toHaveTextContent("3"));
  });

  it("starts on the dashboard after signing in", async () => {
    mockBackend({
      startup_status: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }),
      session_info: () => adminSession(),
      dashboard_get: () => dashboard(),
      bot_status: () => botStatus(),
      inbox_list: () => [],
    });
    renderUi(<App />);
    expect(await screen.findByTestId("page-title-dashboard")).toHaveTextContent("Dashboard");
    expect(screen.getByTestId("nav-dashboard")).toHaveAttribute("aria-current", "page");
  });

  it("navigates between pages", async () => {
    mockBackend({
      startup_status: () => ({ phase: "ready", clinicName: "Sunrise Clinic" }),
      session_info: () => adminSession(),
      settings_get: () => clinicSettings(),
      whatsapp_get: () => whatsappSettings(),
      dashboard_get: () => dashboard(),
      bot_status: () => botStatus(),
      connection_health: () => connectionHealth(),
      tunnel_get: () => tunnelSettings(),
      inbox_list: () => [],
    });
    const { user } = renderUi(<App />);
    await user.click(await screen.findByTestId("nav-account"));
    expect(screen.getByTestId("page-title-account")).toHaveTextContent("My account");
    expect(screen.getByTestId("nav-account")).toHaveAttribute("aria-current", "page");
    await user.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("settings-clinic-name")).toHaveValue("Sunrise Clinic");
    await user.click(screen.getByTestId("nav-connect"));
    expect(screen.getByTestId("page-title-connect")).toHaveTextContent("Connect WhatsApp");
    expect(await screen.findByTestId("tunnel-save")).toBeInTheDocument();
  });

  it("opens an intake from the queue, and Back returns to the same filters", async () => {
    const b = mockBackend({
      intakes_list: () => queuePage([queueRow(42, { patientName: "Maria Silva" })]),
      intake_get: () => intakeDetail(),
      inbox_list: () => [],
    });
    function Harness() {
      const [route, setRoute] = useState<Route>({ page: "queue" });
      return (
        <Shell
          clinicName="Sunrise Clinic"
          session={adminSession()}
          route={route}
          onNavigate={setRoute}
          onLock={vi.fn()}
          onSignOut={vi.fn()}
          onSessionChange={vi.fn()}
          onClinicNameChange={vi.fn()}
        />
      );
    }
    const { user } = renderUi(<Harness />);
    await user.type(await screen.findByTestId("queue-search"), "maria{Enter}");
    await waitFor(() => expect((b.last("intakes_list") as { query: { search: string } }).query.search).toBe("maria"));
    await user.click(await screen.findByTestId("queue-row-42"));
    expect(await screen.findByTestId("intake-name")).toHaveTextContent("Maria Silva");
    expect(screen.getByTestId("nav-queue")).toHaveAttribute("aria-current", "page");
    await user.click(screen.getByTestId("intake-back"));
    expect(await screen.findByTestId("queue-search")).toHaveValue("maria");
    await waitFor(() => expect((b.last("intakes_list") as { query: { search: string } }).query.search).toBe("maria"));
  });
});
