import type { IntakeStatus } from "../../bindings/IntakeStatus";
import type { QueueQuery } from "../../bindings/QueueQuery";
import type { QueueSort } from "../../bindings/QueueSort";
import { localDayEnd, localDayStart } from "../../format";

export const QUEUE_PAGE_SIZE = 50;

export type ReviewedFilter = "all" | "not_reviewed" | "reviewed";

/** What the queue shows; kept by the shell so Back from an intake returns to the same view. */
export type QueueFilters = {
  search: string;
  statuses: IntakeStatus[];
  /** Local days, "YYYY-MM-DD" or "". */
  from: string;
  to: string;
  reviewed: ReviewedFilter;
  sort: QueueSort;
  descending: boolean;
  /** 0-based. */
  page: number;
};

export const DEFAULT_QUEUE_FILTERS: QueueFilters = {
  search: "",
  statuses: [],
  from: "",
  to: "",
  reviewed: "all",
  sort: "submitted_at",
  descending: true,
  page: 0,
};

/** Newest first for dates; A to Z for names; "New" first for status. */
export const DEFAULT_DESCENDING: Record<QueueSort, boolean> = {
  submitted_at: true,
  name: false,
  status: false,
};

export function toQueueQuery(f: QueueFilters): QueueQuery {
  return {
    search: f.search.trim() || null,
    statuses: f.statuses,
    fromMs: f.from ? localDayStart(f.from) : null,
    toMs: f.to ? localDayEnd(f.to) : null,
    reviewed: f.reviewed === "all" ? null : f.reviewed === "reviewed",
    sort: f.sort,
    descending: f.descending,
    page: f.page,
    pageSize: QUEUE_PAGE_SIZE,
  };
}

/** Whether anything narrows the list (sorting and paging do not). */
export function isFiltered(f: QueueFilters): boolean {
  return f.search.trim() !== "" || f.statuses.length > 0 || f.from !== "" || f.to !== "" || f.reviewed !== "all";
}

export function clearedFilters(f: QueueFilters): QueueFilters {
  return { ...DEFAULT_QUEUE_FILTERS, sort: f.sort, descending: f.descending };
}
