import { emit } from "@tauri-apps/api/event";
import { screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { ExportFinished } from "../bindings/ExportFinished";
import type { ExportOptions } from "../bindings/ExportOptions";
import type { ExportProgress } from "../bindings/ExportProgress";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { ExportStarted } from "../bindings/ExportStarted";
import type { ExportSummary } from "../bindings/ExportSummary";
import type { QueueQuery } from "../bindings/QueueQuery";
import { queuePage, queueRow } from "../test/fixtures";
import { emitEvent, fail, mockBackend, renderUi } from "../test/utils";
import { QueuePage } from "./QueuePage";
import { DEFAULT_QUEUE_FILTERS, type QueueFilters } from "./queue/queueFilters";

function Harness({ initial = DEFAULT_QUEUE_FILTERS }: { initial?: QueueFilters }) {
  const [filters, setFilters] = useState(initial);
  return <QueuePage filters={filters} onFiltersChange={setFilters} onOpen={vi.fn()} />;
}

const FULL: ExportOptions = { scope: "full", formats: ["xlsx", "csv", "fhir"] };
const STARTED: ExportStarted = { jobId: 7, fileName: "intakes-2026-11-22.xlsx", folder: "C:\\Users\\ana\\Documents" };

function summary(extra: Partial<ExportSummary> = {}): ExportSummary {
  return { format: "xlsx", scope: "full", rows: 1234, bytes: 250_000, fileName: STARTED.fileName, ...extra };
}

const progress = (p: ExportProgress) => emitEvent("export-progress", p);
const finished = (f: ExportFinished) => emitEvent("export-finished", f);

type Handlers = Parameters<typeof mockBackend>[0];

/** The queue with 1,234 intakes, one export option set, and export_start answering `started`. */
function backend(extra: Handlers = {}, options: ExportOptions = FULL, started: ExportStarted | null = STARTED) {
  return mockBackend({
    intakes_list: () => queuePage([queueRow(1), queueRow(2)], { total: 1234 }),
    export_options: () => options,
    export_start: () => started,
    ...extra,
  });
}

async function chooseExcel(user: ReturnType<typeof renderUi>["user"]) {
  await user.click(await screen.findByTestId("export-button"));
  await user.click(await screen.findByTestId("export-format-xlsx"));
}

describe("queue export", () => {
  it("is hidden when this person may not export", async () => {
    // The scope decides (even if formats were listed).
    const b = backend({}, { scope: null, formats: FULL.formats });
    renderUi(<Harness />);
    await screen.findByTestId("queue-row-1");
    await waitFor(() => expect(b.named("export_options")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("export-button")).not.toBeInTheDocument();
  });

  it("offers the three formats and says what it will export", async () => {
    backend();
    const { user } = renderUi(<Harness />);
    await screen.findByTestId("queue-row-1");
    await user.click(await screen.findByTestId("export-button"));
    expect(await screen.findByTestId("export-format-xlsx")).toHaveTextContent("Excel (.xlsx)For Excel");
    expect(screen.getByTestId("export-format-csv")).toHaveTextContent("CSV (.csv)For other spreadsheets and scripts");
    expect(screen.getByTestId("export-format-fhir")).toHaveTextContent("FHIR R4 bundle (.json)For health-record systems");
    expect(screen.getByTestId("export-summary")).toHaveTextContent("Exports all 1,234 intakes in the queue.");
    expect(screen.queryByTestId("export-scope-note")).not.toBeInTheDocument();
  });

  it("says that front desk exports hold patient details only", async () => {
    backend({ intakes_list: () => queuePage([queueRow(1)], { total: 1 }) }, { scope: "demographics", formats: ["xlsx", "csv", "fhir"] });
    const { user } = renderUi(<Harness initial={{ ...DEFAULT_QUEUE_FILTERS, statuses: ["new"] }} />);
    await screen.findByTestId("queue-row-1");
    await user.click(await screen.findByTestId("export-button"));
    expect(await screen.findByTestId("export-summary")).toHaveTextContent("Exports the 1 intake matching the current filters.");
    expect(screen.getByTestId("export-scope-note")).toHaveTextContent(
      "Front desk exports hold patient details only, no clinical answers.",
    );
  });

  it("exports with the queue's current filters", async () => {
    const b = backend();
    const { user } = renderUi(<Harness />);
    await screen.findByTestId("queue-row-1");
    await user.click(screen.getByTestId("queue-status-needs_follow_up"));
    await user.type(screen.getByTestId("queue-search"), "silva{Enter}");
    await waitFor(() => expect((b.last("intakes_list") as { query: QueueQuery }).query).toMatchObject({ search: "silva" }));
    await waitFor(() => expect(screen.getByTestId("export-button")).toBeEnabled());
    await user.click(screen.getByTestId("export-button"));
    expect(await screen.findByTestId("export-summary")).toHaveTextContent("Exports the 1,234 intakes matching the current filters.");
    await user.click(screen.getByTestId("export-format-xlsx"));
    await waitFor(() => expect(b.named("export_start")).toHaveLength(1));
    const { request } = b.last("export_start") as { request: ExportRequest };
    expect(request).toEqual({ format: "xlsx", query: (b.last("intakes_list") as { query: QueueQuery }).query });
    expect(request.query).toMatchObject({ search: "silva", statuses: ["needs_follow_up"], reviewed: null });
  });

  it("does nothing when the save dialog is closed", async () => {
    const b = backend({}, FULL, null);
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    await waitFor(() => expect(b.named("export_start")).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId("export-button")).toBeEnabled());
    for (const id of ["export-progress", "export-done", "export-error", "export-cancelled"]) {
      expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    }
  });

  it("shows progress for its own job, then the saved file; Open and Show in folder", async () => {
    const b = backend({ export_open: () => null, export_reveal: () => null });
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    const panel = await screen.findByTestId("export-progress");
    expect(panel).toHaveTextContent("intakes-2026-11-22.xlsx");
    expect(screen.getByTestId("export-button")).toBeDisabled();

    await progress({ jobId: 7, done: 0, total: 100_000 });
    await progress({ jobId: 7, done: 12_500, total: 100_000 });
    await progress({ jobId: 99, done: 50, total: 60 }); // someone else's job
    expect(screen.getByTestId("export-progress")).toHaveAttribute("data-done", "12500");
    expect(screen.getByTestId("export-progress")).toHaveAttribute("data-total", "100000");
    expect(screen.getByTestId("export-progress")).toHaveTextContent("12,500 of 100,000 intakes");
    expect(screen.getByRole("progressbar", { name: "Export progress" })).toHaveAttribute("aria-valuenow", "12500");

    await finished({ jobId: 99, summary: null, error: { code: "io.disk_full", message: "Not mine." } });
    expect(screen.getByTestId("export-progress")).toBeInTheDocument();
    await finished({ jobId: 7, summary: summary(), error: null });

    const done = await screen.findByTestId("export-done");
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
    expect(done).toHaveAttribute("data-rows", "1234");
    expect(done).toHaveAttribute("data-file", "intakes-2026-11-22.xlsx");
    expect(done).toHaveTextContent("Saved 1,234 intakes to intakes-2026-11-22.xlsx");
    expect(done).toHaveTextContent("C:\\Users\\ana\\Documents");
    expect(screen.getByTestId("export-button")).toBeEnabled();

    await user.click(screen.getByTestId("export-open"));
    await waitFor(() => expect(b.last("export_open")).toEqual({ jobId: 7 }));
    await user.click(screen.getByTestId("export-reveal"));
    await waitFor(() => expect(b.last("export_reveal")).toEqual({ jobId: 7 }));

    await user.click(within(done).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("export-done")).not.toBeInTheDocument();
  });

  it("shows why a finished file could not be opened", async () => {
    backend({ export_open: fail("export.open_failed", "The file was saved, but this computer could not open it here. Open it from its folder.") });
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    await screen.findByTestId("export-progress");
    await finished({ jobId: 7, summary: summary(), error: null });
    await user.click(await screen.findByTestId("export-open"));
    expect(await screen.findByTestId("export-open-error")).toHaveTextContent("could not open it here");
    expect(screen.getByTestId("export-done")).toBeInTheDocument();
  });

  it("says when no intakes matched: the file has the headings only", async () => {
    backend();
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    await screen.findByTestId("export-progress");
    await progress({ jobId: 7, done: 0, total: 0 });
    await finished({ jobId: 7, summary: summary({ rows: 0, bytes: 5000 }), error: null });
    const done = await screen.findByTestId("export-done");
    expect(done).toHaveAttribute("data-rows", "0");
    expect(done).toHaveTextContent("The file has the column headings only: no intakes matched the filters.");
  });

  it("keeps events that arrive before export_start answers (a small export)", async () => {
    backend({
      export_start: () => {
        // The backend starts the job before it answers: its events can overtake the answer.
        void emit("export-progress", { jobId: 7, done: 3, total: 3 } satisfies ExportProgress);
        void emit("export-finished", { jobId: 7, summary: summary({ rows: 3 }), error: null } satisfies ExportFinished);
        return STARTED;
      },
    });
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    const done = await screen.findByTestId("export-done");
    expect(done).toHaveAttribute("data-rows", "3");
    expect(done).toHaveTextContent("Saved 3 intakes to intakes-2026-11-22.xlsx");
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
  });

  it("cancels, and says so calmly", async () => {
    const b = backend({ export_cancel: () => null });
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    await screen.findByTestId("export-progress");
    await progress({ jobId: 7, done: 500, total: 100_000 });
    await user.click(screen.getByTestId("export-cancel"));
    await waitFor(() => expect(b.last("export_cancel")).toEqual({ jobId: 7 }));
    expect(screen.getByTestId("export-progress")).toHaveTextContent("Cancelling…");
    await finished({ jobId: 7, summary: null, error: { code: "export.cancelled", message: "Export cancelled. No file was written." } });
    const cancelled = await screen.findByTestId("export-cancelled");
    expect(cancelled).toHaveTextContent("Export cancelled. No file was written.");
    expect(cancelled).toHaveAttribute("role", "status");
    expect(screen.queryByTestId("export-error")).not.toBeInTheDocument();
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
  });

  it("shows the backend's message when the export fails", async () => {
    backend();
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    await screen.findByTestId("export-progress");
    const message = "An Excel sheet holds at most 1,048,575 intakes. Narrow the dates, or export CSV instead.";
    await finished({ jobId: 7, summary: null, error: { code: "export.too_many_rows", message } });
    const error = await screen.findByTestId("export-error");
    expect(error).toHaveTextContent(message);
    expect(error).toHaveAttribute("role", "alert");
  });

  it("shows the message when export_start is refused", async () => {
    backend({ export_start: fail("auth.forbidden", "Your role may not export intakes. Ask an admin.") });
    const { user } = renderUi(<Harness />);
    await chooseExcel(user);
    expect(await screen.findByTestId("export-error")).toHaveTextContent("Your role may not export intakes. Ask an admin.");
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
  });
});
