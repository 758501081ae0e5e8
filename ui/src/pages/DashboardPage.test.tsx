import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { botStatus, connectionHealth, dashboard } from "../test/fixtures";
import { adminSession, emitDeskEvent, fail, mockBackend, renderUi } from "../test/utils";
import { DashboardPage } from "./DashboardPage";

/** No public address yet: the bot card says so. */
const offHealth = () => connectionHealth({ tunnel: { state: "off" } });

function renderDashboard(permissions = adminSession().permissions) {
  const onNavigate = vi.fn();
  const onOpenQueue = vi.fn();
  return { onNavigate, onOpenQueue, ...renderUi(<DashboardPage permissions={permissions} onNavigate={onNavigate} onOpenQueue={onOpenQueue} />) };
}

describe("dashboard", () => {
  it("asks for the clinic's day by the window's UTC offset", async () => {
    const b = mockBackend({ dashboard_get: () => dashboard(), bot_status: () => botStatus(), connection_health: () => offHealth() });
    renderDashboard();
    await screen.findByTestId("dashboard-today");
    expect(b.last("dashboard_get")).toEqual({ query: { utcOffsetMinutes: -new Date().getTimezoneOffset() } });
  });

  it("shows today's intakes by status, what waits, and a 30-bar chart with a title per bar", async () => {
    mockBackend({ dashboard_get: () => dashboard(), bot_status: () => botStatus(), connection_health: () => offHealth() });
    renderDashboard();
    expect(await screen.findByTestId("dashboard-today-total-value")).toHaveTextContent("8");
    expect(screen.getByTestId("dashboard-today-new")).toHaveTextContent("New today3");
    expect(screen.getByTestId("dashboard-today-needs_follow_up")).toHaveTextContent("Needs follow-up today1");
    expect(screen.getByTestId("dashboard-today-reviewed")).toHaveTextContent("Reviewed today4");
    expect(screen.getByTestId("dashboard-awaiting-review-value")).toHaveTextContent("5");
    expect(screen.getByTestId("dashboard-waiting-staff-value")).toHaveTextContent("2");

    const bars = screen.getAllByTestId("chart-bar");
    expect(bars).toHaveLength(30);
    expect(bars[1]?.querySelector("title")?.textContent).toMatch(/: 2 intakes$/);
    expect(bars[0]?.querySelector("title")?.textContent).toMatch(/: 0 intakes$/);
    expect(screen.getByRole("img", { name: "Intakes per day, last 30 days" })).toBeInTheDocument();
    expect(screen.getByTestId("dashboard-chart-summary")).toHaveTextContent(/intakes in the last 30 days/);
  });

  it("shows the bot: listening, replies, outbox and the last webhook's age", async () => {
    mockBackend({ dashboard_get: () => dashboard(), bot_status: () => botStatus({ outboxWaiting: 2 }), connection_health: () => offHealth() });
    renderDashboard();
    expect(await screen.findByTestId("bot-webhook")).toHaveTextContent("Listening for WhatsApp messages");
    expect(screen.getByTestId("bot-replies")).toHaveTextContent("On");
    expect(screen.getByTestId("bot-outbox")).toHaveTextContent("2 messages");
    expect(screen.getByTestId("bot-last-webhook")).toHaveTextContent("3 min ago");
    expect(screen.getByTestId("bot-public-address")).toHaveTextContent("Not set up yet");
  });

  it("says when WhatsApp is not configured, with the backend's words, and updates on bot_status_changed", async () => {
    let status = botStatus({
      webhook: "not_configured",
      problem: "Save the app secret under Settings → WhatsApp connection.",
      repliesEnabled: false,
      lastWebhookAt: null,
    });
    mockBackend({ dashboard_get: () => dashboard(), bot_status: () => status, connection_health: () => offHealth() });
    renderDashboard();
    expect(await screen.findByTestId("bot-webhook")).toHaveTextContent("Not connected to WhatsApp yet");
    expect(screen.getByTestId("bot-problem")).toHaveTextContent("Save the app secret");
    expect(screen.getByTestId("bot-replies")).toHaveTextContent("Off");
    expect(screen.getByTestId("bot-last-webhook")).toHaveTextContent("None yet");
    status = botStatus();
    await emitDeskEvent({ kind: "bot_status_changed" });
    await waitFor(() => expect(screen.getByTestId("bot-webhook")).toHaveTextContent("Listening"));
  });

  it("refetches the numbers on any desk event", async () => {
    let total = 8;
    mockBackend({ dashboard_get: () => dashboard({ today: { new: total - 5, reviewed: 4, needsFollowUp: 1, total } }), bot_status: () => botStatus(), connection_health: () => offHealth() });
    renderDashboard();
    expect(await screen.findByTestId("dashboard-today-total-value")).toHaveTextContent("8");
    total = 9;
    await emitDeskEvent({ kind: "intake_submitted", intakeId: 3, firstName: null });
    await waitFor(() => expect(screen.getByTestId("dashboard-today-total-value")).toHaveTextContent("9"));
  });

  it("waiting patients open the inbox, if the person may use it; awaiting review opens the queue", async () => {
    mockBackend({ dashboard_get: () => dashboard(), bot_status: () => botStatus(), connection_health: () => offHealth() });
    const { user, onNavigate, onOpenQueue } = renderDashboard();
    await user.click(await screen.findByRole("button", { name: /Patients waiting for staff/ }));
    expect(onNavigate).toHaveBeenCalledWith({ page: "inbox" });
    await user.click(screen.getByRole("button", { name: /Awaiting review/ }));
    expect(onOpenQueue).toHaveBeenCalledWith(expect.objectContaining({ reviewed: "not_reviewed" }));
  });

  it("a doctor without the inbox sees the number but no link", async () => {
    mockBackend({ dashboard_get: () => dashboard(), bot_status: () => botStatus(), connection_health: () => offHealth() });
    renderDashboard(["view_queue", "view_clinical", "review_intake"]);
    expect(await screen.findByTestId("dashboard-waiting-staff")).toHaveTextContent("Someone at the front desk answers them");
    expect(screen.queryByRole("button", { name: /Patients waiting for staff/ })).not.toBeInTheDocument();
  });

  it("says why the numbers could not load", async () => {
    mockBackend({ dashboard_get: fail("store.busy", "The database is busy. Wait a moment and try again."), bot_status: () => botStatus(), connection_health: () => offHealth() });
    renderDashboard();
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("The database is busy");
  });
});
