import { Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { QueueSort } from "../bindings/QueueSort";
import { EmptyState } from "../components/EmptyState";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { formatCount } from "../format";
import { ExportMenu } from "./queue/ExportMenu";
import { ExportProgressModal } from "./queue/ExportProgressModal";
import { ExportResult } from "./queue/ExportResult";
import { QueueTable, type QueueTableHandle } from "./queue/QueueTable";
import { QueueToolbar } from "./queue/QueueToolbar";
import {
  clearedFilters,
  DEFAULT_DESCENDING,
  isFiltered,
  QUEUE_PAGE_SIZE,
  toQueueQuery,
  type QueueFilters,
} from "./queue/queueFilters";
import { useExportJob, useExportOptions } from "./queue/useExportJob";
import { useQueuePage } from "./queue/useQueuePage";

type Props = {
  filters: QueueFilters;
  onFiltersChange: (filters: QueueFilters) => void;
  onOpen: (intakeId: number) => void;
};

export function QueuePage({ filters, onFiltersChange, onOpen }: Props) {
  const query = useMemo(() => toQueueQuery(filters), [filters]);
  const { data, error, refreshing, retry } = useQueuePage(query);
  const searchRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<QueueTableHandle>(null);
  const exportOptions = useExportOptions();
  const exporter = useExportJob();

  // "/" jumps to the search box; an arrow key with nothing focused goes to the rows.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      const typing = target?.closest(
        "input:not([type='checkbox']):not([type='radio']), textarea, select, [contenteditable='true'], [role='dialog']",
      );
      if (typing) return;
      if (event.key === "/") {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && (target === document.body || target === null)) {
        event.preventDefault();
        tableRef.current?.focusRow(-1);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // After a live refetch the last page may have emptied: step back to the last page with rows.
  useEffect(() => {
    if (data && data.rows.length === 0 && data.total > 0 && filters.page > 0) {
      onFiltersChange({ ...filters, page: Math.max(0, Math.ceil(data.total / (data.pageSize || QUEUE_PAGE_SIZE)) - 1) });
    }
  }, [data, filters, onFiltersChange]);

  const onSort = useCallback(
    (sort: QueueSort) => {
      const descending = sort === filters.sort ? !filters.descending : DEFAULT_DESCENDING[sort];
      onFiltersChange({ ...filters, sort, descending, page: 0 });
    },
    [filters, onFiltersChange],
  );

  const clear = () => onFiltersChange(clearedFilters(filters));
  const filtered = isFiltered(filters);

  return (
    <Stack gap="lg">
      <PageHeader
        page="queue"
        title="Intake queue"
        description="Every intake patients finished on WhatsApp. Click a row or press Enter to open it."
        actions={refreshing && data ? <Loader size="xs" color="gray" aria-label="Updating the list" /> : undefined}
      />
      <QueueToolbar
        filters={filters}
        onChange={onFiltersChange}
        onClear={clear}
        searchRef={searchRef}
        onSearchArrowDown={() => tableRef.current?.focusRow(0)}
        actions={
          exportOptions?.scope ? (
            <ExportMenu
              scope={exportOptions.scope}
              formats={exportOptions.formats}
              total={data && !refreshing ? data.total : null}
              filtered={filtered}
              busy={exporter.busy}
              // The same filters (and order) as the list; the backend ignores the paging.
              onExport={(format) => void exporter.start(format, query)}
            />
          ) : undefined
        }
      />
      <ExportResult state={exporter.state} onDismiss={exporter.dismiss} />
      <ExportProgressModal state={exporter.state} onCancel={() => void exporter.cancel()} />
      {data === null && error !== null && <LoadFailed error={error} onRetry={retry} />}
      {data === null && error === null && <PageLoader label="Loading intakes…" />}
      {data !== null && error !== null && (
        <ErrorAlert error={{ ...error, message: `The list could not be refreshed: ${error.message}` }} testId="queue-refresh-error" />
      )}
      {data !== null && data.total === 0 && !filtered && (
        <EmptyState title="No intakes yet" testId="queue-empty">
          When patients finish the WhatsApp form they appear here.
        </EmptyState>
      )}
      {data !== null && data.total === 0 && filtered && (
        <EmptyState title="No intakes match these filters" testId="queue-no-match">
          <Button variant="default" size="xs" mt="xs" onClick={clear} data-testid="queue-clear-filters">
            Clear filters
          </Button>
        </EmptyState>
      )}
      {data !== null && data.rows.length > 0 && (
        <Stack gap="sm">
          <QueueTable
            ref={tableRef}
            rows={data.rows}
            sort={filters.sort}
            descending={filters.descending}
            onSort={onSort}
            onOpen={onOpen}
          />
          <Pager
            page={data.page}
            pageSize={data.pageSize || QUEUE_PAGE_SIZE}
            shown={data.rows.length}
            total={data.total}
            onPage={(page) => onFiltersChange({ ...filters, page })}
          />
        </Stack>
      )}
    </Stack>
  );
}

type PagerProps = { page: number; pageSize: number; shown: number; total: number; onPage: (page: number) => void };

function Pager({ page, pageSize, shown, total, onPage }: PagerProps) {
  const first = page * pageSize + 1;
  const last = page * pageSize + shown;
  const hasNext = last < total;
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed" data-testid="queue-range" aria-live="polite">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </Text>
      {(page > 0 || hasNext) && (
        <Group gap="xs">
          <Button variant="default" size="xs" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid="queue-prev">
            Previous
          </Button>
          <Button variant="default" size="xs" disabled={!hasNext} onClick={() => onPage(page + 1)} data-testid="queue-next">
            Next
          </Button>
        </Group>
      )}
    </Group>
  );
}
