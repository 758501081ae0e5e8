import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import { toErrorBody } from "../ipc";

type LoadState<T> =
  | { status: "loading" }
  | { status: "error"; error: ErrorBody }
  | { status: "ready"; data: T };

/** Loads data for a page on mount; `reload` fetches again, keeping what is shown meanwhile. */
export function useLoad<T>(load: () => Promise<T>) {
  const [state, setState] = useState<LoadState<T>>({ status: "loading" });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ status: "ready", data });
    } catch (raw) {
      if (mine === generation.current) setState({ status: "error", error: toErrorBody(raw) });
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    void reload();
  }, [reload]);

  return { state, reload, retry, setState };
}
