import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { botStatus, connectionHealth } from "../../test/fixtures";
import { emitDeskEvent, mockBackend, renderUi } from "../../test/utils";
import { ConnectionHealthPanel } from "./ConnectionHealthPanel";

describe("connection health panel", () => {
  it("ok: online, verified, nothing refused or waiting", async () => {
    mockBackend({ connection_health: () => connectionHealth() });
    renderUi(<ConnectionHealthPanel canFix={false} />);
    await waitFor(() => expect(screen.getByTestId("health-panel")).toHaveAttribute("data-state", "ok"));
    expect(screen.getByTestId("health-tunnel")).toHaveAttribute("data-state", "online");
    expect(screen.getByTestId("health-tunnel")).toHaveTextContent("https://clinic.ngrok-free.app");
    expect(screen.getByTestId("health-verified")).toHaveTextContent(/^Verified at /);
    expect(screen.getByTestId("health-bad-signatures")).toHaveTextContent("None");
    expect(screen.getByTestId("health-last-webhook")).toHaveTextContent("3 min ago");
    for (const id of ["health-token-problem", "health-backlog", "health-last-error"]) {
      expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    }
  });

  it("warning: the tunnel is reconnecting and the backlog is being answered; updates on connection_changed", async () => {
    let health = connectionHealth({
      tunnel: { state: "reconnecting", attempt: 3, retryAtMs: Date.now() + 60_000, problem: { code: "tunnel.offline", message: "No internet connection." } },
      send: { lastError: null, tokenProblem: false, backlog: 4 },
    });
    mockBackend({ connection_health: () => health });
    renderUi(<ConnectionHealthPanel canFix={false} />);
    await waitFor(() => expect(screen.getByTestId("health-panel")).toHaveAttribute("data-state", "warning"));
    expect(screen.getByTestId("health-tunnel")).toHaveAttribute("data-state", "reconnecting");
    expect(screen.getByTestId("health-tunnel")).toHaveTextContent("No internet connection.");
    expect(screen.getByTestId("health-backlog")).toHaveTextContent("Answering 4 messages that arrived while this PC was off");

    health = connectionHealth();
    await emitDeskEvent({ kind: "connection_changed" });
    await waitFor(() => expect(screen.getByTestId("health-panel")).toHaveAttribute("data-state", "ok"));
  });

  it("failing: the token was refused; an admin gets the fix and a way there", async () => {
    const onOpenConnect = vi.fn();
    mockBackend({
      connection_health: () =>
        connectionHealth({
          send: { lastError: { code: 190, reason: "Meta refused the access token.", at: Date.now() - 60_000 }, tokenProblem: true, backlog: 0 },
          bot: botStatus({ outboxWaiting: 2 }),
        }),
    });
    const { user } = renderUi(<ConnectionHealthPanel canFix onOpenConnect={onOpenConnect} />);
    await waitFor(() => expect(screen.getByTestId("health-panel")).toHaveAttribute("data-state", "failing"));
    expect(screen.getByTestId("health-token-problem")).toHaveTextContent(
      "Meta refused the access token (error 190): paste a new permanent token in Connect WhatsApp",
    );
    expect(screen.getByTestId("health-last-error")).toHaveTextContent("Meta refused the access token.");
    expect(screen.getByTestId("health-outbox")).toHaveTextContent("2 messages");
    await user.click(screen.getByTestId("health-open-connect"));
    expect(onOpenConnect).toHaveBeenCalled();
  });

  it("failing: bad signatures in red; someone who is not an admin is told to ask one, with no link", async () => {
    mockBackend({
      connection_health: () =>
        connectionHealth({ edge: { verifiedAt: Date.now() - 3_600_000, verificationRefusedAt: null, badSignatures24h: 3, lastBadSignatureAt: Date.now() - 60_000 } }),
    });
    renderUi(<ConnectionHealthPanel canFix={false} />);
    await waitFor(() => expect(screen.getByTestId("health-panel")).toHaveAttribute("data-state", "failing"));
    const bad = screen.getByTestId("health-bad-signatures");
    expect(bad).toHaveAttribute("data-count", "3");
    expect(bad).toHaveTextContent("Messages signed with a different app secret were refused");
    expect(bad).toHaveTextContent("ask an admin");
    expect(bad).not.toHaveTextContent("Connect WhatsApp");
    expect(screen.queryByTestId("health-open-connect")).not.toBeInTheDocument();
  });

  it("a token problem seen by the front desk says to ask an admin", async () => {
    mockBackend({ connection_health: () => connectionHealth({ send: { lastError: null, tokenProblem: true, backlog: 0 } }) });
    renderUi(<ConnectionHealthPanel canFix={false} />);
    expect(await screen.findByTestId("health-token-problem")).toHaveTextContent("Ask an admin");
  });

  it("not verified yet and no public address is a warning", async () => {
    mockBackend({
      connection_health: () =>
        connectionHealth({ tunnel: { state: "off" }, edge: { verifiedAt: null, verificationRefusedAt: null, badSignatures24h: 0, lastBadSignatureAt: null } }),
    });
    renderUi(<ConnectionHealthPanel canFix />);
    await waitFor(() => expect(screen.getByTestId("health-panel")).toHaveAttribute("data-state", "warning"));
    expect(screen.getByTestId("health-tunnel")).toHaveAttribute("data-state", "off");
    expect(screen.getByTestId("health-verified")).toHaveTextContent("Not verified yet");
  });
});
