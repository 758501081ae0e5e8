import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { conversationView, inboxItem } from "../test/fixtures";
import { emitDeskEvent, fail, mockBackend, renderUi } from "../test/utils";
import { InboxPage } from "./InboxPage";
import { REPLY_MAX } from "./inbox/ReplyBox";

function Harness({ onOpenIntake = vi.fn() }: { onOpenIntake?: (id: number) => void }) {
  const [selected, setSelected] = useState<number | null>(null);
  return <InboxPage conversationId={selected} onSelect={setSelected} onOpenIntake={onOpenIntake} />;
}

const HOUR = 3600_000;

describe("inbox", () => {
  it("says nobody is waiting when the inbox is empty", async () => {
    mockBackend({ inbox_list: () => [] });
    renderUi(<Harness />);
    const empty = await screen.findByTestId("inbox-empty");
    expect(empty).toHaveTextContent("Nobody is waiting for staff");
    expect(empty).toHaveTextContent("Patients who tap 'Talk to staff' appear here.");
  });

  it("lists who waits and why, opens the first, and counts the 24-hour window down", async () => {
    const b = mockBackend({
      inbox_list: () => [inboxItem(7, { patientName: "Maria Silva" }), inboxItem(8, { patientName: null, reason: "send_problem", heldBy: "Rita" })],
      conversation_get: () => conversationView(),
    });
    renderUi(<Harness />);
    expect(await screen.findByTestId("inbox-item-7")).toHaveTextContent("Maria Silva");
    expect(screen.getByTestId("inbox-item-7")).toHaveTextContent("Asked to talk to staff");
    expect(screen.getByTestId("inbox-item-7")).toHaveTextContent("Waiting 12 min");
    expect(screen.getByTestId("inbox-item-8")).toHaveTextContent("+351910000008");
    expect(screen.getByTestId("inbox-item-8")).toHaveTextContent("A reply could not be sent");
    expect(screen.getByTestId("inbox-item-8")).toHaveTextContent("Held by Rita");
    expect(await screen.findByTestId("inbox-window")).toHaveTextContent("Window closes in 3 h 12 min");
    expect(b.last("conversation_get")).toEqual({ conversationId: 7 });
    expect(screen.getByTestId("conversation")).toHaveTextContent("Can I talk to someone?");
    expect(screen.getByTestId("delivery-delivered")).toHaveTextContent("Delivered");
  });

  it("trusts the server's clock for the window, not this PC's", async () => {
    const serverNow = Date.now() + 2 * HOUR; // this PC is two hours behind
    mockBackend({
      inbox_list: () => [inboxItem(7)],
      conversation_get: () => conversationView({ now: serverNow, windowClosesAt: serverNow + 45 * 60_000 + 30_000 }),
    });
    renderUi(<Harness />);
    expect(await screen.findByTestId("inbox-window")).toHaveTextContent("Window closes in 45 min");
  });

  it("a closed window disables the reply box and says why", async () => {
    const now = Date.now();
    mockBackend({
      inbox_list: () => [inboxItem(7)],
      conversation_get: () => conversationView({ takenOver: true, heldBy: "Rita", now, windowClosesAt: now - 60_000 }),
    });
    renderUi(<Harness />);
    expect(await screen.findByTestId("inbox-window-closed")).toHaveTextContent(
      "The 24-hour window has closed. WhatsApp only allows approved templates now.",
    );
    expect(screen.getByTestId("inbox-reply")).toBeDisabled();
    expect(screen.getByTestId("inbox-reply-send")).toBeDisabled();
    expect(screen.queryByTestId("inbox-window")).not.toBeInTheDocument();
  });

  it("checks the reply (empty, too long) and sends with Ctrl+Enter", async () => {
    const b = mockBackend({
      inbox_list: () => [inboxItem(7, { reason: "taken_over", heldBy: "Rita" })],
      conversation_get: () => conversationView({ takenOver: true, heldBy: "Rita" }),
      conversation_reply: (args) => {
        const reply = args.reply as { text: string };
        return conversationView({
          takenOver: true,
          heldBy: "Rita",
          messages: [...conversationView().messages, { key: "out:10", direction: "out", at: Date.now(), text: reply.text, author: "Rita", delivery: "queued", problem: null }],
        });
      },
    });
    const { user } = renderUi(<Harness />);
    const box = await screen.findByTestId("inbox-reply");
    expect(screen.getByTestId("inbox-reply-send")).toHaveTextContent(/^Send$/);

    await user.click(screen.getByTestId("inbox-reply-send"));
    expect(await screen.findByText("Write a message first.")).toBeInTheDocument();
    expect(b.named("conversation_reply")).toHaveLength(0);

    fireEvent.change(box, { target: { value: "x".repeat(REPLY_MAX + 1) } });
    expect(screen.getByTestId("inbox-reply-count")).toHaveTextContent("4,097 / 4,096");
    expect(screen.getByTestId("inbox-reply-send")).toBeDisabled();

    fireEvent.change(box, { target: { value: "" } });
    await user.type(box, "Hello Maria, Dr. Gomes can see you at 3.");
    expect(screen.getByTestId("inbox-reply-count")).toHaveTextContent("40 / 4,096");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() =>
      expect(b.last("conversation_reply")).toEqual({ reply: { conversationId: 7, text: "Hello Maria, Dr. Gomes can see you at 3." } }),
    );
    expect(b.named("conversation_take_over")).toHaveLength(0);
    await waitFor(() => expect(box).toHaveValue(""));
    expect(screen.getByTestId("delivery-queued")).toHaveTextContent("Waiting to send");
  });

  it("keeps the typed reply when sending fails", async () => {
    mockBackend({
      inbox_list: () => [inboxItem(7)],
      conversation_get: () => conversationView({ takenOver: true }),
      conversation_reply: fail("whatsapp.window_closed", "The 24-hour window has closed."),
    });
    const { user } = renderUi(<Harness />);
    await user.type(await screen.findByTestId("inbox-reply"), "Are you still there?");
    await user.click(screen.getByTestId("inbox-reply-send"));
    expect(await screen.findByTestId("inbox-reply-error")).toHaveTextContent("The 24-hour window has closed.");
    expect(screen.getByTestId("inbox-reply")).toHaveValue("Are you still there?");
  });

  it("replying while the bot holds the conversation takes it over first", async () => {
    const b = mockBackend({
      inbox_list: () => [inboxItem(7)],
      conversation_get: () => conversationView(),
      conversation_take_over: () => conversationView({ takenOver: true, heldBy: "Rita" }),
      conversation_reply: () => conversationView({ takenOver: true, heldBy: "Rita" }),
    });
    const { user } = renderUi(<Harness />);
    await user.type(await screen.findByTestId("inbox-reply"), "Hi!");
    expect(screen.getByTestId("inbox-reply-send")).toHaveTextContent("Take over and send");
    await user.click(screen.getByTestId("inbox-reply-send"));
    await waitFor(() => expect(b.named("conversation_reply")).toHaveLength(1));
    const order = b.calls.map((c) => c.cmd).filter((c) => c.startsWith("conversation_t") || c === "conversation_reply");
    expect(order).toEqual(["conversation_take_over", "conversation_reply"]);
    expect(b.last("conversation_take_over")).toEqual({ conversationId: 7 });
  });

  it("takes over, gives back, and opens the intake", async () => {
    const onOpenIntake = vi.fn();
    const b = mockBackend({
      inbox_list: () => [inboxItem(7)],
      conversation_get: () => conversationView(),
      conversation_take_over: () => conversationView({ takenOver: true, heldBy: "Rita" }),
      conversation_give_back: () => conversationView({ takenOver: false, askedForStaff: false }),
    });
    const { user } = renderUi(<Harness onOpenIntake={onOpenIntake} />);
    expect(await screen.findByTestId("conversation-holder")).toHaveTextContent("The bot is answering");
    await user.click(screen.getByTestId("inbox-take-over"));
    expect(await screen.findByTestId("conversation-holder")).toHaveTextContent("Held by Rita");
    await user.click(screen.getByTestId("inbox-give-back"));
    await waitFor(() => expect(screen.getByTestId("conversation-holder")).toHaveTextContent("The bot is answering"));
    expect(b.last("conversation_give_back")).toEqual({ conversationId: 7 });
    await user.click(screen.getByTestId("inbox-open-intake"));
    expect(onOpenIntake).toHaveBeenCalledWith(42);
  });

  it("refetches the list and the open conversation on live events", async () => {
    let text = "Can I talk to someone?";
    const b = mockBackend({
      inbox_list: () => [inboxItem(7)],
      conversation_get: () => conversationView({ messages: [{ key: "in:1", direction: "in", at: Date.now(), text, author: null, delivery: null, problem: null }] }),
    });
    renderUi(<Harness />);
    expect(await screen.findByTestId("conversation")).toHaveTextContent("Can I talk to someone?");
    text = "Hello??";
    await emitDeskEvent({ kind: "conversation_changed", conversationId: 7 });
    await waitFor(() => expect(screen.getByTestId("conversation")).toHaveTextContent("Hello??"));
    expect(b.named("inbox_list").length).toBeGreaterThanOrEqual(2);
  });

  it("says why the inbox could not load", async () => {
    mockBackend({ inbox_list: fail("store.busy", "The database is busy. Wait a moment and try again.") });
    renderUi(<Harness />);
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("The database is busy");
  });
});

describe("inbox countdown", () => {
  it("ticks down by itself without asking the backend again", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: new Date(2025, 2, 14, 9, 0) });
    const b = mockBackend({ inbox_list: () => [inboxItem(7)], conversation_get: () => conversationView() });
    renderUi(<Harness />);
    expect(await screen.findByTestId("inbox-window")).toHaveTextContent("Window closes in 3 h 12 min");
    const asked = b.named("conversation_get").length;
    await act(async () => {
      vi.advanceTimersByTime(13 * 60_000);
    });
    expect(screen.getByTestId("inbox-window")).toHaveTextContent("Window closes in 2 h 59 min");
    expect(b.named("conversation_get")).toHaveLength(asked);
  });
});
