import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import { toErrorBody } from "../ipc";

/**
 * Runs one async action at a time for a form or button: `busy` drives the button's loading
 * state, `error` the Alert next to it. `run` resolves to the result, or undefined on failure
 * (after calling `onError`, for screens that branch on the error's code).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const mounted = useRef(true);
  const running = useRef(false);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async <T,>(
    action: () => Promise<T>,
    onError?: (error: ErrorBody) => void,
  ): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (raw) {
      const error = toErrorBody(raw);
      if (mounted.current) {
        setError(error);
        onError?.(error);
      }
      return undefined;
    } finally {
      running.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);

  return { run, busy, error, setError };
}
