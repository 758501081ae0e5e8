import { useEffect, useRef } from "react";
import type { SessionInfo } from "../bindings/SessionInfo";
import * as ipc from "../ipc";

/** How often to ask whether the idle lock has kicked in (session_info is not activity). */
export const SESSION_POLL_MS = 15_000;
/** Activity is reported at most this often. */
export const TOUCH_THROTTLE_MS = 30_000;

const ACTIVITY_EVENTS = ["keydown", "mousedown", "wheel", "touchstart"] as const;

type Handlers = {
  onLocked: () => void;
  onChanged: (session: SessionInfo) => void;
};

/**
 * While someone is signed in: report their activity (throttled) so the idle lock waits, and
 * poll the session so the lock screen appears when the idle lock has closed it.
 */
export function useSessionWatch(session: SessionInfo | null, handlers: Handlers) {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const active = session !== null;

  useEffect(() => {
    if (!active) return;
    let lastTouch = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - lastTouch < TOUCH_THROTTLE_MS) return;
      lastTouch = now;
      // Errors that matter (locked, signed out) reach the app root through ipc's listener.
      ipc.sessionTouch().catch(() => undefined);
    };
    for (const name of ACTIVITY_EVENTS) {
      window.addEventListener(name, onActivity, { capture: true, passive: true });
    }

    const timer = window.setInterval(() => {
      ipc
        .sessionInfo()
        .then((info) => {
          if (info.locked) {
            handlersRef.current.onLocked();
          } else if (JSON.stringify(info) !== JSON.stringify(sessionRef.current)) {
            handlersRef.current.onChanged(info);
          }
        })
        .catch(() => undefined);
    }, SESSION_POLL_MS);

    return () => {
      for (const name of ACTIVITY_EVENTS) {
        window.removeEventListener(name, onActivity, { capture: true });
      }
      window.clearInterval(timer);
    };
  }, [active]);
}
