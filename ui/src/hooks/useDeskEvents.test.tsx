import { act, render } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DeskEvent } from "../bindings/DeskEvent";
import { DESK_EVENT, DESK_EVENT_DEBOUNCE_MS, useDeskEvents, type DeskEventKind } from "./useDeskEvents";

type Handler = (event: { payload: DeskEvent }) => void;
const handlers = new Map<string, Handler>();
const unlisten = vi.fn();

vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (name: string, handler: Handler) => {
    handlers.set(name, handler);
    return unlisten;
  }),
}));

function fire(event: DeskEvent) {
  act(() => handlers.get(DESK_EVENT)?.({ payload: event }));
}

function Probe({ wants, onChange }: { wants: readonly DeskEventKind[] | ((e: DeskEvent) => boolean); onChange: () => void }) {
  useDeskEvents(wants, onChange);
  return null;
}

describe("useDeskEvents", () => {
  beforeEach(() => {
    handlers.clear();
    unlisten.mockReset();
  });

  it("refetches once for a burst of the kinds it wants, after a short pause", async () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    render(<Probe wants={["intake_submitted", "intake_updated"]} onChange={onChange} />);
    await act(async () => {}); // listen() resolves
    fire({ kind: "intake_submitted", intakeId: 1, firstName: null });
    fire({ kind: "intake_updated", intakeId: 1 });
    fire({ kind: "intake_submitted", intakeId: 2, firstName: "Ana" });
    expect(onChange).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("ignores kinds it does not want", async () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    render(<Probe wants={["bot_status_changed"]} onChange={onChange} />);
    await act(async () => {});
    fire({ kind: "inbound_messages", count: 3 });
    fire({ kind: "delivery_changed" });
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS * 2));
    expect(onChange).not.toHaveBeenCalled();
    fire({ kind: "bot_status_changed" });
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("refetches on 'missed' whatever it wants, since updates were dropped", async () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    render(<Probe wants={(e) => e.kind === "conversation_changed" && e.conversationId === 7} onChange={onChange} />);
    await act(async () => {});
    fire({ kind: "missed" });
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("takes a test on the event, e.g. one conversation only", async () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    render(<Probe wants={(e) => e.kind === "conversation_changed" && e.conversationId === 7} onChange={onChange} />);
    await act(async () => {});
    fire({ kind: "conversation_changed", conversationId: 8 });
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS));
    expect(onChange).not.toHaveBeenCalled();
    fire({ kind: "conversation_changed", conversationId: 7 });
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("stops listening when the screen goes away, and a pending refetch is dropped", async () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    const { unmount } = render(<Probe wants={["delivery_changed"]} onChange={onChange} />);
    await act(async () => {});
    fire({ kind: "delivery_changed" });
    unmount();
    await act(async () => {});
    act(() => vi.advanceTimersByTime(DESK_EVENT_DEBOUNCE_MS));
    expect(onChange).not.toHaveBeenCalled();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});
