import { listen } from "@tauri-apps/api/event";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorBody } from "../../bindings/ErrorBody";
import type { ExportFinished } from "../../bindings/ExportFinished";
import type { ExportFormat } from "../../bindings/ExportFormat";
import type { ExportOptions } from "../../bindings/ExportOptions";
import type { ExportProgress } from "../../bindings/ExportProgress";
import type { ExportStarted } from "../../bindings/ExportStarted";
import type { ExportSummary } from "../../bindings/ExportSummary";
import type { QueueQuery } from "../../bindings/QueueQuery";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";

/** Tauri events of a running export (payloads `ExportProgress` and `ExportFinished`). */
export const EXPORT_PROGRESS_EVENT = "export-progress";
export const EXPORT_FINISHED_EVENT = "export-finished";
/** How a cancelled export ends: calm words, not an error. */
export const EXPORT_CANCELLED = "export.cancelled";

export type ExportState =
  | { phase: "idle" }
  /** The backend's save dialog is open. */
  | { phase: "choosing"; format: ExportFormat }
  /** `total` is null until the first progress event. */
  | { phase: "running"; job: ExportStarted; done: number; total: number | null; cancelling: boolean; cancelError: ErrorBody | null }
  | { phase: "done"; job: ExportStarted; summary: ExportSummary }
  | { phase: "failed"; error: ErrorBody }
  | { phase: "cancelled" };

export type RunningExport = Extract<ExportState, { phase: "running" }>;

/** What this person may export; null while loading, or if it could not be asked (no button then). */
export function useExportOptions(): ExportOptions | null {
  const { state } = useLoad(ipc.exportOptions);
  return state.status === "ready" ? state.data : null;
}

type Early = { progress: Map<number, ExportProgress>; finished: Map<number, ExportFinished> };

/**
 * One export at a time from the queue. `start` asks the backend (which opens the save dialog);
 * progress and the end arrive as events for the job's id. The backend starts the job before
 * it answers, so a small export's events can arrive before `export_start` does: events for an
 * unknown job are kept while the answer is awaited, then applied.
 */
export function useExportJob() {
  const [state, setState] = useState<ExportState>({ phase: "idle" });
  const stateRef = useRef(state);
  stateRef.current = state;
  const jobId = useRef<number | null>(null);
  const early = useRef<Early | null>(null);
  const listening = useRef<Promise<void>>(Promise.resolve());
  const mounted = useRef(true);

  const finish = useCallback((f: ExportFinished) => {
    jobId.current = null;
    setState((s) => {
      if (s.phase !== "running" || s.job.jobId !== f.jobId) return s;
      if (f.summary) return { phase: "done", job: s.job, summary: f.summary };
      if (f.error?.code === EXPORT_CANCELLED) return { phase: "cancelled" };
      return { phase: "failed", error: f.error ?? ipc.INTERNAL_ERROR };
    });
  }, []);

  useEffect(() => {
    mounted.current = true;
    let live = true;
    const stops: (() => void)[] = [];
    // Unlistening can fail once the window is going away; there is nothing left to stop then.
    const stopSafely = (stop: () => unknown) => {
      void Promise.resolve()
        .then(stop)
        .catch(() => undefined);
    };
    const keep = (stop: () => void) => {
      if (live) stops.push(stop);
      else stopSafely(stop);
    };

    const onProgress = (p: ExportProgress) => {
      if (p.jobId === jobId.current) {
        setState((s) =>
          s.phase === "running" && s.job.jobId === p.jobId ? { ...s, done: p.done, total: p.total } : s,
        );
      } else {
        early.current?.progress.set(p.jobId, p);
      }
    };
    const onFinished = (f: ExportFinished) => {
      if (f.jobId === jobId.current) finish(f);
      else early.current?.finished.set(f.jobId, f);
    };

    const ready = Promise.all([
      listen<ExportProgress>(EXPORT_PROGRESS_EVENT, ({ payload }) => {
        if (live && payload) onProgress(payload);
      }).then(keep),
      listen<ExportFinished>(EXPORT_FINISHED_EVENT, ({ payload }) => {
        if (live && payload) onFinished(payload);
      }).then(keep),
    ]).then(() => undefined);
    // `start` awaits it (and reports a failure); nobody else does.
    ready.catch(() => undefined);
    listening.current = ready;

    return () => {
      live = false;
      mounted.current = false;
      // An export still running goes on in the backend: the file is written all the same.
      for (const stop of stops) stopSafely(stop);
    };
  }, [finish]);

  /** Exports every intake matching `query` (its page is ignored by the backend). */
  const start = useCallback(
    async (format: ExportFormat, query: QueueQuery) => {
      const phase = stateRef.current.phase;
      if (phase === "choosing" || phase === "running") return;
      setState({ phase: "choosing", format });
      early.current = { progress: new Map(), finished: new Map() };
      try {
        // Listen first, or the first events could go by unheard.
        await listening.current;
        const started = await ipc.exportStart({ format, query });
        const buffered = early.current;
        early.current = null;
        if (!mounted.current) return;
        if (started === null) {
          // The person closed the save dialog: nothing happened, nothing to say.
          setState({ phase: "idle" });
          return;
        }
        jobId.current = started.jobId;
        const progress = buffered?.progress.get(started.jobId);
        setState({
          phase: "running",
          job: started,
          done: progress?.done ?? 0,
          total: progress?.total ?? null,
          cancelling: false,
          cancelError: null,
        });
        const finished = buffered?.finished.get(started.jobId);
        if (finished) finish(finished);
      } catch (raw) {
        early.current = null;
        if (mounted.current) setState({ phase: "failed", error: ipc.toErrorBody(raw) });
      }
    },
    [finish],
  );

  /** Asks the backend to stop; the export then ends as cancelled (or done, if it was faster). */
  const cancel = useCallback(async () => {
    const s = stateRef.current;
    if (s.phase !== "running" || s.cancelling) return;
    const id = s.job.jobId;
    const update = (patch: { cancelling: boolean; cancelError: ErrorBody | null }) =>
      setState((cur) => (cur.phase === "running" && cur.job.jobId === id ? { ...cur, ...patch } : cur));
    update({ cancelling: true, cancelError: null });
    try {
      await ipc.exportCancel(id);
    } catch (raw) {
      if (mounted.current) update({ cancelling: false, cancelError: ipc.toErrorBody(raw) });
    }
  }, []);

  const dismiss = useCallback(() => {
    setState((s) => (s.phase === "done" || s.phase === "failed" || s.phase === "cancelled" ? { phase: "idle" } : s));
  }, []);

  const busy = state.phase === "choosing" || state.phase === "running";
  return { state, busy, start, cancel, dismiss };
}
