import type { QueueQuery } from "../../bindings/QueueQuery";
import { useLatest } from "../../hooks/useLatest";
import * as ipc from "../../ipc";

const EVENTS = ["intake_submitted", "intake_updated"] as const;

/** One page of the queue for `query`, refetched when an intake arrives or changes. */
export function useQueuePage(query: QueueQuery) {
  return useLatest(ipc.intakesList, query, EVENTS);
}
