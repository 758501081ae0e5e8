import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorBody } from "../../bindings/ErrorBody";
import type { QueuePage } from "../../bindings/QueuePage";
import type { QueueQuery } from "../../bindings/QueueQuery";
import { useDeskEvents } from "../../hooks/useDeskEvents";
import * as ipc from "../../ipc";

type State = { data: QueuePage | null; error: ErrorBody | null; refreshing: boolean };

/**
 * One page of the queue for `query`. What is shown stays on screen while the next answer is
 * on its way (a new filter, or a live refetch after an intake arrived or changed), so the
 * table never flashes empty; only the newest request may fill it.
 */
export function useQueuePage(query: QueueQuery) {
  const [state, setState] = useState<State>({ data: null, error: null, refreshing: true });
  const key = JSON.stringify(query);
  const queryRef = useRef(query);
  queryRef.current = query;
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, refreshing: true }));
    try {
      const data = await ipc.intakesList(queryRef.current);
      if (mine === generation.current) setState({ data, error: null, refreshing: false });
    } catch (raw) {
      if (mine === generation.current) setState((s) => ({ ...s, error: ipc.toErrorBody(raw), refreshing: false }));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [key, load]);

  useEffect(
    () => () => {
      generation.current += 1;
    },
    [],
  );

  useDeskEvents(["intake_submitted", "intake_updated"], () => void load());

  const retry = useCallback(() => {
    setState({ data: null, error: null, refreshing: true });
    void load();
  }, [load]);

  return { ...state, retry };
}
