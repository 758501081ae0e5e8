import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import * as ipc from "../ipc";
import { type DeskEventKind, useDeskEvents } from "./useDeskEvents";

type State<T> = { data: T | null; error: ErrorBody | null; refreshing: boolean };

/**
 * `fetch(query)`, kept on screen while the next answer is on its way (a new filter, another
 * day, or a live refetch after one of `events`), so a list never flashes empty; only the newest
 * request may fill it.
 */
export function useLatest<Q, T>(fetch: (query: Q) => Promise<T>, query: Q, events: readonly DeskEventKind[]) {
  const [state, setState] = useState<State<T>>({ data: null, error: null, refreshing: true });
  const key = JSON.stringify(query);
  const queryRef = useRef(query);
  queryRef.current = query;
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, refreshing: true }));
    try {
      const data = await fetchRef.current(queryRef.current);
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

  useDeskEvents(events, () => void load());

  const retry = useCallback(() => {
    setState({ data: null, error: null, refreshing: true });
    void load();
  }, [load]);

  return { ...state, reload: load, retry };
}
