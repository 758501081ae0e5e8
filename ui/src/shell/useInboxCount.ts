import { useCallback, useEffect, useState } from "react";
import { useDeskEvents } from "../hooks/useDeskEvents";
import * as ipc from "../ipc";

/** How many conversations wait for staff, for the badge next to "Inbox"; 0 if unknown. */
export function useInboxCount(enabled: boolean): number {
  const [count, setCount] = useState(0);

  const refresh = useCallback(() => {
    if (!enabled) return;
    ipc
      .inboxList()
      .then((items) => setCount(items.length))
      .catch(() => undefined); // the badge is a hint; the Inbox page shows any error
  }, [enabled]);

  useEffect(() => {
    if (enabled) refresh();
    else setCount(0);
  }, [enabled, refresh]);

  useDeskEvents(["staff_requested", "conversation_changed", "delivery_changed", "inbound_messages"], refresh);
  return count;
}
