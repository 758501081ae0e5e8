import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ConnectionHealth } from "./../bindings/ConnectionHealth";
import type { TestStatus } from "../bindings/TestStatus";
import { botStatus, connectionHealth, tunnelSettings, whatsappSettings } from "../test/fixtures";
import { emitDeskEvent, fail, mockBackend, renderUi } from "../test/utils";
import { ConnectPage } from "./ConnectPage";

const offHealth = (extra: Partial<ConnectionHealth> = {}) =>
  connectionHealth({
    tunnel: { state: "off" },
    edge: { verifiedAt: null, verificationRefusedAt: null, badSignatures24h: 0, lastBadSignatureAt: null },
    ...extra,
  });

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockBackend({
    connection_health: () => offHealth(),
    tunnel_get: () => tunnelSettings(),
    whatsapp_get: () => whatsappSettings({ phoneNumberId: "1234567890", businessAccountId: "9876543210", appSecretSaved: true, accessTokenSaved: true }),
    ...handlers,
  });
}

async function goToStep(user: ReturnType<typeof renderUi>["user"], step: number) {
  for (let i = 0; i < step; i++) await user.click(screen.getByTestId("connect-next"));
}

describe("connect WhatsApp: public address", () => {
  it("needs an ngrok authtoken, then saves ngrok with the static domain", async () => {
    const b = backend({ tunnel_update: () => tunnelSettings({ config: { mode: "ngrok", domain: "clinic.ngrok-free.app", publicUrl: null }, authtokenSaved: true }) });
    const { user } = renderUi(<ConnectPage />);
    expect(screen.getByTestId("page-title-connect")).toHaveTextContent("Connect WhatsApp");
    await user.click(await screen.findByTestId("tunnel-mode-ngrok"));
    expect(screen.getByText("dashboard.ngrok.com → Your Authtoken")).toBeInTheDocument();
    await user.click(screen.getByTestId("tunnel-save"));
    expect(screen.getByTestId("tunnel-error")).toHaveTextContent("Paste the ngrok authtoken");
    expect(b.named("tunnel_update")).toHaveLength(0);

    await user.type(screen.getByTestId("tunnel-authtoken"), "2abcTOKEN");
    await user.type(screen.getByTestId("tunnel-domain"), "clinic.ngrok-free.app");
    await user.click(screen.getByTestId("tunnel-save"));
    expect(await screen.findByTestId("tunnel-saved")).toHaveTextContent("Public address saved.");
    expect(b.last("tunnel_update")).toEqual({
      update: { config: { mode: "ngrok", domain: "clinic.ngrok-free.app", publicUrl: null }, authtoken: "2abcTOKEN" },
    });
    // The saved token is kept, never shown back; the health is fetched again.
    expect(screen.getByTestId("tunnel-authtoken-saved")).toBeInTheDocument();
    await waitFor(() => expect(b.named("connection_health").length).toBeGreaterThanOrEqual(2));
  });

  it("saves the clinic's own HTTPS address, and refuses one without https", async () => {
    const b = backend({ tunnel_update: () => tunnelSettings({ config: { mode: "own_url", domain: null, publicUrl: "https://intake.clinic.example" } }) });
    const { user } = renderUi(<ConnectPage />);
    await user.click(await screen.findByTestId("tunnel-mode-own_url"));
    await user.type(screen.getByTestId("tunnel-public-url"), "intake.clinic.example");
    await user.click(screen.getByTestId("tunnel-save"));
    expect(screen.getByTestId("tunnel-error")).toHaveTextContent("https://");
    await user.clear(screen.getByTestId("tunnel-public-url"));
    await user.type(screen.getByTestId("tunnel-public-url"), "https://intake.clinic.example");
    await user.click(screen.getByTestId("tunnel-save"));
    await screen.findByTestId("tunnel-saved");
    expect(b.last("tunnel_update")).toEqual({
      update: { config: { mode: "own_url", domain: null, publicUrl: "https://intake.clinic.example" }, authtoken: null },
    });
  });

  it("shows each tunnel state as it moves, on connection_changed", async () => {
    let health = offHealth({ tunnel: { state: "connecting" } });
    backend({ connection_health: () => health });
    renderUi(<ConnectPage />);
    expect(await screen.findByTestId("tunnel-state")).toHaveAttribute("data-state", "connecting");

    health = offHealth({ tunnel: { state: "online", url: "https://clinic.ngrok-free.app", webhookUrl: "https://clinic.ngrok-free.app/webhook" } });
    await emitDeskEvent({ kind: "connection_changed" });
    await waitFor(() => expect(screen.getByTestId("tunnel-state")).toHaveAttribute("data-state", "online"));
    expect(screen.getByTestId("tunnel-state")).toHaveTextContent("https://clinic.ngrok-free.app");

    health = offHealth({
      tunnel: { state: "reconnecting", attempt: 2, retryAtMs: Date.now() + 30_000, problem: { code: "tunnel.offline", message: "The internet connection dropped." } },
    });
    await emitDeskEvent({ kind: "connection_changed" });
    await waitFor(() => expect(screen.getByTestId("tunnel-state")).toHaveAttribute("data-state", "reconnecting"));
    expect(screen.getByTestId("tunnel-state")).toHaveTextContent(/The internet connection dropped\. Trying again at .+ \(attempt 2\)/);

    health = offHealth({ tunnel: { state: "failed", problem: { code: "tunnel.authtoken", message: "ngrok refused the authtoken: paste it again." } } });
    await emitDeskEvent({ kind: "connection_changed" });
    await waitFor(() => expect(screen.getByTestId("tunnel-state")).toHaveAttribute("data-state", "failed"));
    expect(screen.getByTestId("tunnel-state")).toHaveTextContent("ngrok refused the authtoken: paste it again.");
  });
});

describe("connect WhatsApp: a first set-up, tunnel before the app secret", () => {
  it("says the address waits for the app secret while nothing listens", async () => {
    backend({
      connection_health: () => offHealth({ bot: botStatus({ webhook: "not_configured" }) }),
      tunnel_get: () => tunnelSettings({ config: { mode: "ngrok", domain: null, publicUrl: null }, authtokenSaved: true }),
    });
    renderUi(<ConnectPage />);
    expect(await screen.findByTestId("tunnel-waits-for-secret")).toHaveTextContent(/app secret is saved in the next step/);
  });

  it("says nothing of the kind once the webhook server listens", async () => {
    backend({ connection_health: () => offHealth({ bot: botStatus({ webhook: "listening" }) }) });
    renderUi(<ConnectPage />);
    expect(await screen.findByTestId("tunnel-state")).toHaveAttribute("data-state", "off");
    expect(screen.queryByTestId("tunnel-waits-for-secret")).toBeNull();
  });
});

describe("connect WhatsApp: Meta app", () => {
  it("checks with Meta and shows the number and verified name", async () => {
    backend({
      setup_check: () => ({
        displayPhoneNumber: "+34 600 000 111",
        verifiedName: "Sunrise Clinic",
        qualityRating: "GREEN",
        codeVerificationStatus: "VERIFIED",
        subscribedApps: ["Intake Desk"],
        webhookProblem: null,
      }),
    });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 1);
    expect(await screen.findByTestId("wa-card")).toHaveTextContent("whatsapp_business_messaging and whatsapp_business_management");
    expect(screen.getByTestId("wa-card")).toHaveTextContent("stops working after 24 hours");
    await user.click(screen.getByTestId("setup-check"));
    expect(await screen.findByTestId("setup-check-number")).toHaveTextContent("+34 600 000 111");
    expect(screen.getByTestId("setup-check-name")).toHaveTextContent("Sunrise Clinic");
    expect(screen.queryByTestId("setup-webhook-problem")).not.toBeInTheDocument();
  });

  it("explains why Meta said no", async () => {
    backend({ setup_check: fail("setup.token_expired", "The access token has expired. Paste a permanent System User token.") });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 1);
    await user.click(await screen.findByTestId("setup-check"));
    expect(await screen.findByTestId("setup-check-error")).toHaveTextContent("The access token has expired. Paste a permanent System User token.");
  });

  it("offers Subscribe when the app is not subscribed, then checks again", async () => {
    let subscribed = false;
    const b = backend({
      setup_check: () => ({
        displayPhoneNumber: "+34 600 000 111",
        verifiedName: "Sunrise Clinic",
        qualityRating: null,
        codeVerificationStatus: null,
        subscribedApps: subscribed ? ["Intake Desk"] : [],
        webhookProblem: subscribed ? null : { code: "setup.not_subscribed", message: "No app is subscribed to this WhatsApp account.", metaCode: null },
      }),
      setup_subscribe: () => {
        subscribed = true;
        return null;
      },
    });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 1);
    await user.click(await screen.findByTestId("setup-check"));
    expect(await screen.findByTestId("setup-webhook-problem")).toHaveTextContent("No app is subscribed");
    await user.click(screen.getByTestId("setup-subscribe"));
    expect(await screen.findByTestId("setup-subscribed")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("setup-webhook-problem")).not.toBeInTheDocument());
    expect(b.named("setup_subscribe")).toHaveLength(1);
    expect(b.named("setup_check")).toHaveLength(2);
  });

  it("shows a subscribe failure with the backend's words", async () => {
    backend({
      setup_check: () => ({
        displayPhoneNumber: "+34 600 000 111", verifiedName: "", qualityRating: null, codeVerificationStatus: null, subscribedApps: [],
        webhookProblem: { code: "setup.not_subscribed", message: "No app is subscribed.", metaCode: null },
      }),
      setup_subscribe: fail("setup.permission", "The token lacks whatsapp_business_management."),
    });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 1);
    await user.click(await screen.findByTestId("setup-check"));
    await user.click(await screen.findByTestId("setup-subscribe"));
    expect(await screen.findByTestId("setup-subscribe-error")).toHaveTextContent("The token lacks whatsapp_business_management.");
  });
});

describe("connect WhatsApp: webhook", () => {
  it("shows the callback URL and verify token to copy, then Meta's verification when it arrives", async () => {
    const online = { state: "online", url: "https://clinic.ngrok-free.app", webhookUrl: "https://clinic.ngrok-free.app/webhook" } as const;
    let health = offHealth({ tunnel: online });
    backend({ connection_health: () => health });
    const { user } = renderUi(<ConnectPage />);
    await screen.findByTestId("tunnel-state");
    await goToStep(user, 2);
    expect(await screen.findByTestId("setup-callback-url")).toHaveTextContent("https://clinic.ngrok-free.app/webhook");
    expect(await screen.findByTestId("setup-verify-token")).toHaveTextContent("vt-3f9a1c2e");
    expect(screen.getByRole("button", { name: "Copy the callback URL" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Copy the verify token" })).toBeEnabled();
    expect(screen.getByText(/WhatsApp → Configuration → Webhook/)).toBeInTheDocument();
    expect(screen.getByTestId("setup-waiting")).toHaveTextContent("Waiting for Meta's verification request…");

    const refusedAt = new Date(2025, 2, 14, 10, 41).getTime();
    health = offHealth({ tunnel: online, edge: { verifiedAt: null, verificationRefusedAt: refusedAt, badSignatures24h: 0, lastBadSignatureAt: null } });
    await emitDeskEvent({ kind: "connection_changed" });
    expect(await screen.findByTestId("setup-verify-refused")).toHaveTextContent(/different verify token at .*10:41.*: copy it again/);

    const verifiedAt = new Date(2025, 2, 14, 10, 42).getTime();
    health = offHealth({ tunnel: online, edge: { verifiedAt, verificationRefusedAt: refusedAt, badSignatures24h: 0, lastBadSignatureAt: null } });
    await emitDeskEvent({ kind: "connection_changed" });
    const verified = await screen.findByTestId("setup-verified");
    expect(verified).toHaveAttribute("data-verified-at", String(verifiedAt));
    expect(verified).toHaveTextContent(/Verified at .*10:42/);
    expect(screen.queryByTestId("setup-waiting")).not.toBeInTheDocument();
    expect(screen.queryByTestId("setup-verify-refused")).not.toBeInTheDocument();
  });

  it("says a public address is needed first when the tunnel is off", async () => {
    backend();
    const { user } = renderUi(<ConnectPage />);
    await screen.findByTestId("tunnel-state");
    await goToStep(user, 2);
    expect(screen.getByTestId("setup-callback-missing")).toHaveTextContent("A public address is needed first");
    expect(screen.queryByTestId("setup-callback-url")).not.toBeInTheDocument();
  });
});

describe("connect WhatsApp: test message", () => {
  function status(state: TestStatus["state"], extra: Partial<TestStatus> = {}): TestStatus {
    const order = ["accepted", "sent", "delivered", "read"] as const;
    const upTo = state === "failed" ? 1 : order.indexOf(state) + 1;
    return { wamid: "wamid.T1", state, problem: null, steps: order.slice(0, upTo).map((s, i) => ({ state: s, at: Date.now() + i * 1000 })), ...extra };
  }

  it("sends to an international number and follows the ticks on delivery_changed, from accepted to read", async () => {
    let current = status("accepted");
    const b = backend({
      setup_test_send: (args) => ({ wamid: "wamid.T1", to: args.to }),
      setup_test_status: () => current,
    });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 3);
    await user.type(screen.getByTestId("setup-test-to"), "600 111 222");
    await user.click(screen.getByTestId("setup-test-send"));
    expect(screen.getByTestId("setup-test-error")).toHaveTextContent("international format");
    expect(b.named("setup_test_send")).toHaveLength(0);

    await user.clear(screen.getByTestId("setup-test-to"));
    await user.type(screen.getByTestId("setup-test-to"), "+34 600 111 222");
    await user.click(screen.getByTestId("setup-test-send"));
    expect(await screen.findByTestId("setup-test-status")).toHaveAttribute("data-state", "accepted");
    expect(b.last("setup_test_send")).toEqual({ to: "+34600111222" });
    expect(b.last("setup_test_status")).toEqual({ wamid: "wamid.T1" });
    expect(screen.getByTestId("setup-test-step-sent")).toHaveAttribute("data-done", "false");

    current = status("sent");
    await emitDeskEvent({ kind: "delivery_changed" });
    await waitFor(() => expect(screen.getByTestId("setup-test-status")).toHaveAttribute("data-state", "sent"));
    current = status("read");
    await emitDeskEvent({ kind: "delivery_changed" });
    await waitFor(() => expect(screen.getByTestId("setup-test-status")).toHaveAttribute("data-state", "read"));
    for (const s of ["accepted", "sent", "delivered", "read"]) {
      expect(screen.getByTestId(`setup-test-step-${s}`)).toHaveAttribute("data-done", "true");
    }
  });

  it("explains a failed test message", async () => {
    let current = status("accepted");
    backend({ setup_test_send: () => ({ wamid: "wamid.T1", to: "+34600111222" }), setup_test_status: () => current });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 3);
    await user.type(screen.getByTestId("setup-test-to"), "+34600111222");
    await user.click(screen.getByTestId("setup-test-send"));
    await screen.findByTestId("setup-test-status");
    current = status("failed", {
      problem: { code: "setup.not_in_allowed_list", message: "This number is not in the test recipients: add it on Meta's API Setup page.", metaCode: 131030 },
    });
    await emitDeskEvent({ kind: "delivery_changed" });
    await waitFor(() => expect(screen.getByTestId("setup-test-status")).toHaveAttribute("data-state", "failed"));
    expect(screen.getByTestId("setup-test-failed")).toHaveTextContent("This number is not in the test recipients");
  });

  it("shows Meta's refusal to send with the backend's words", async () => {
    backend({ setup_test_send: fail("setup.token_expired", "The access token has expired.") });
    const { user } = renderUi(<ConnectPage />);
    await goToStep(user, 3);
    await user.type(screen.getByTestId("setup-test-to"), "+34600111222");
    await user.click(screen.getByTestId("setup-test-send"));
    expect(await screen.findByTestId("setup-test-error")).toHaveTextContent("The access token has expired.");
    expect(screen.queryByTestId("setup-test-status")).not.toBeInTheDocument();
  });
});
