import { listen } from "@tauri-apps/api/event";
import { useEffect, useRef } from "react";
import type { DeskEvent } from "../bindings/DeskEvent";

/** The Tauri event the backend emits when something at the desk changed. */
export const DESK_EVENT = "desk-event";
/** A burst of events (a flood of messages, a batch of ticks) refetches once. */
export const DESK_EVENT_DEBOUNCE_MS = 250;

export type DeskEventKind = DeskEvent["kind"];
export const ALL_DESK_EVENTS: readonly DeskEventKind[] = [
  "inbound_messages",
  "intake_submitted",
  "intake_updated",
  "staff_requested",
  "conversation_changed",
  "delivery_changed",
  "bot_status_changed",
  "connection_changed",
  "appointments_changed",
  "templates_changed",
  "missed",
];

type Wants = readonly DeskEventKind[] | ((event: DeskEvent) => boolean);

/**
 * Calls `onChange` when a `desk-event` the screen cares about arrives: `wants` is a list of
 * kinds, or a test on the event (e.g. "this conversation"). Calls are debounced, so a burst
 * of events refetches once. Outside Tauri (or if listening fails) the screen simply does not
 * update live; it never polls.
 */
export function useDeskEvents(wants: Wants, onChange: () => void, delayMs: number = DESK_EVENT_DEBOUNCE_MS) {
  const wantsRef = useRef(wants);
  wantsRef.current = wants;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unlisten: (() => void) | undefined;
    // Unlistening can fail once the window is going away; there is nothing left to stop then.
    const stopSafely = (stop: () => unknown) => {
      void Promise.resolve()
        .then(stop)
        .catch(() => undefined);
    };

    const matches = (event: DeskEvent) => {
      // Events were dropped on the way: whatever this screen shows may be stale.
      if (event.kind === "missed") return true;
      const w = wantsRef.current;
      return typeof w === "function" ? w(event) : w.includes(event.kind);
    };

    listen<DeskEvent>(DESK_EVENT, ({ payload }) => {
      if (!live || !payload || !matches(payload)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (live) onChangeRef.current();
      }, delayMs);
    })
      .then((stop) => {
        if (live) unlisten = stop;
        else stopSafely(stop);
      })
      .catch(() => undefined);

    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
      if (unlisten) stopSafely(unlisten);
    };
  }, [delayMs]);
}
