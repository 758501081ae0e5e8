import { fireEvent, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { QueueQuery } from "../bindings/QueueQuery";
import { queuePage, queueRow } from "../test/fixtures";
import { emitDeskEvent, fail, mockBackend, renderUi } from "../test/utils";
import { QueuePage } from "./QueuePage";
import { DEFAULT_QUEUE_FILTERS, type QueueFilters } from "./queue/queueFilters";

function Harness({ onOpen, initial = DEFAULT_QUEUE_FILTERS }: { onOpen: (id: number) => void; initial?: QueueFilters }) {
  const [filters, setFilters] = useState(initial);
  return <QueuePage filters={filters} onFiltersChange={setFilters} onOpen={onOpen} />;
}

const rows = (n: number, from = 1) => Array.from({ length: n }, (_, i) => queueRow(from + i));
const lastQuery = (b: ReturnType<typeof mockBackend>) => (b.last("intakes_list") as { query: QueueQuery }).query;

const FIRST: QueueQuery = {
  search: null,
  statuses: [],
  fromMs: null,
  toMs: null,
  reviewed: null,
  sort: "submitted_at",
  descending: true,
  page: 0,
  pageSize: 50,
};

describe("intake queue", () => {
  it("shows the rows with their status in words, and the range", async () => {
    const b = mockBackend({
      intakes_list: () =>
        queuePage([queueRow(1, { status: "needs_follow_up", statusBy: "Dr. Gomes", statusAt: Date.now() }), ...rows(49, 2)], { total: 1234 }),
    });
    renderUi(<Harness onOpen={vi.fn()} />);
    const row = await screen.findByTestId("queue-row-1");
    expect(row).toHaveTextContent("Patient 1");
    expect(row).toHaveTextContent("+351910000001");
    expect(row).toHaveTextContent("Needs follow-up");
    expect(row).toHaveTextContent("Dr. Gomes");
    expect(screen.getByTestId("queue-row-2")).toHaveTextContent("New");
    expect(screen.getByTestId("queue-range")).toHaveTextContent("1–50 of 1,234");
    expect(b.last("intakes_list")).toEqual({ query: FIRST });
  });

  it("searches after a pause, with the page back to the first", async () => {
    const b = mockBackend({ intakes_list: () => queuePage(rows(3)) });
    const { user } = renderUi(<Harness onOpen={vi.fn()} initial={{ ...DEFAULT_QUEUE_FILTERS, page: 2 }} />);
    await screen.findByTestId("queue-row-1");
    await user.type(screen.getByTestId("queue-search"), "ana");
    await waitFor(() => expect(lastQuery(b)).toEqual({ ...FIRST, search: "ana" }));
    // One request for the whole word, not one per letter.
    expect(b.named("intakes_list").filter((c) => (c.args.query as QueueQuery).search !== null)).toHaveLength(1);
  });

  it("filters by status, review and dates (local days), sorts and pages", async () => {
    const b = mockBackend({ intakes_list: () => queuePage(rows(50), { total: 120 }) });
    const { user } = renderUi(<Harness onOpen={vi.fn()} />);
    await screen.findByTestId("queue-row-1");

    await user.click(screen.getByTestId("queue-status-new"));
    await user.click(screen.getByTestId("queue-status-needs_follow_up"));
    await waitFor(() => expect(lastQuery(b).statuses).toEqual(["new", "needs_follow_up"]));

    await user.click(screen.getByRole("radio", { name: "Not reviewed" }));
    await waitFor(() => expect(lastQuery(b).reviewed).toBe(false));

    fireEvent.change(screen.getByTestId("queue-from"), { target: { value: "2025-03-01" } });
    fireEvent.change(screen.getByTestId("queue-to"), { target: { value: "2025-03-14" } });
    await waitFor(() =>
      expect(lastQuery(b)).toMatchObject({
        fromMs: new Date(2025, 2, 1).getTime(),
        toMs: new Date(2025, 2, 15).getTime(),
      }),
    );

    await user.click(screen.getByTestId("queue-sort-name"));
    await waitFor(() => expect(lastQuery(b)).toMatchObject({ sort: "name", descending: false }));
    await user.click(screen.getByTestId("queue-sort-name"));
    await waitFor(() => expect(lastQuery(b)).toMatchObject({ sort: "name", descending: true }));

    await user.click(screen.getByTestId("queue-next"));
    await waitFor(() => expect(lastQuery(b)).toMatchObject({ page: 1, sort: "name", statuses: ["new", "needs_follow_up"], reviewed: false }));
  });

  it("says 'no intakes yet' when there are none at all", async () => {
    mockBackend({ intakes_list: () => queuePage([]) });
    renderUi(<Harness onOpen={vi.fn()} />);
    const empty = await screen.findByTestId("queue-empty");
    expect(empty).toHaveTextContent("No intakes yet");
    expect(empty).toHaveTextContent("When patients finish the WhatsApp form they appear here.");
    expect(screen.queryByTestId("queue-no-match")).not.toBeInTheDocument();
  });

  it("says when nothing matches the filters, and clears them", async () => {
    const b = mockBackend({ intakes_list: (args) => ((args.query as QueueQuery).search ? queuePage([]) : queuePage(rows(2))) });
    const { user } = renderUi(<Harness onOpen={vi.fn()} initial={{ ...DEFAULT_QUEUE_FILTERS, search: "zzz" }} />);
    expect(await screen.findByTestId("queue-no-match")).toHaveTextContent("No intakes match these filters");
    await user.click(screen.getByTestId("queue-clear-filters"));
    expect(await screen.findByTestId("queue-row-1")).toBeInTheDocument();
    expect(lastQuery(b)).toEqual(FIRST);
    expect(screen.getByTestId("queue-search")).toHaveValue("");
  });

  it("shows why the list could not load, and tries again", async () => {
    let attempts = 0;
    mockBackend({
      intakes_list: () => {
        attempts += 1;
        if (attempts === 1) fail("store.busy", "The database is busy. Wait a moment and try again.")({});
        return queuePage(rows(1));
      },
    });
    const { user } = renderUi(<Harness onOpen={vi.fn()} />);
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("The database is busy");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("queue-row-1")).toBeInTheDocument();
  });

  it("opens a row by click or Enter; / focuses search; arrows move between rows", async () => {
    mockBackend({ intakes_list: () => queuePage(rows(3)) });
    const onOpen = vi.fn();
    const { user } = renderUi(<Harness onOpen={onOpen} />);
    await user.click(await screen.findByTestId("queue-row-2"));
    expect(onOpen).toHaveBeenLastCalledWith(2);

    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard("/");
    expect(screen.getByTestId("queue-search")).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByTestId("queue-row-1")).toHaveFocus();
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(screen.getByTestId("queue-row-3")).toHaveFocus();
    expect(screen.getByTestId("queue-row-3")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowUp}{Enter}");
    expect(onOpen).toHaveBeenLastCalledWith(2);
  });

  it("refetches on live events without losing the page or the filters", async () => {
    let total = 60;
    const b = mockBackend({ intakes_list: () => queuePage(rows(10, 51), { total, page: 1 }) });
    const initial = { ...DEFAULT_QUEUE_FILTERS, page: 1, statuses: ["new" as const] };
    renderUi(<Harness onOpen={vi.fn()} initial={initial} />);
    expect(await screen.findByTestId("queue-range")).toHaveTextContent("51–60 of 60");
    const before = b.named("intakes_list").length;
    total = 61;
    await emitDeskEvent({ kind: "intake_submitted", intakeId: 99, firstName: null });
    await emitDeskEvent({ kind: "intake_updated", intakeId: 51 });
    await waitFor(() => expect(screen.getByTestId("queue-range")).toHaveTextContent("51–60 of 61"));
    expect(b.named("intakes_list")).toHaveLength(before + 1);
    expect(lastQuery(b)).toMatchObject({ page: 1, statuses: ["new"] });
    // Other kinds do not touch the queue.
    await emitDeskEvent({ kind: "delivery_changed" });
    await new Promise((r) => setTimeout(r, 400));
    expect(b.named("intakes_list")).toHaveLength(before + 1);
  });
});
