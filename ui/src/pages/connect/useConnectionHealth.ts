import { useDeskEvents } from "../../hooks/useDeskEvents";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";

/** The connection's health, refetched when the tunnel, Meta's checks or the bot change. */
export function useConnectionHealth() {
  const health = useLoad(ipc.connectionHealth);
  useDeskEvents(["connection_changed", "bot_status_changed"], () => void health.reload());
  return health;
}
