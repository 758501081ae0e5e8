import { Button, Chip, CloseButton, Group, Kbd, SegmentedControl, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from "react";
import type { IntakeStatus } from "../../bindings/IntakeStatus";
import { STATUS_LABELS, STATUS_ORDER } from "../../labels";
import { isFiltered, type QueueFilters, type ReviewedFilter } from "./queueFilters";

/** Typing pauses this long before the search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

type Props = {
  filters: QueueFilters;
  onChange: (next: QueueFilters) => void;
  onClear: () => void;
  searchRef: Ref<HTMLInputElement>;
  /** Arrow down from the search box goes to the first row. */
  onSearchArrowDown: () => void;
  /** At the row's end, e.g. the Export menu. */
  actions?: ReactNode;
};

export function QueueToolbar({ filters, onChange, onClear, searchRef, onSearchArrowDown, actions }: Props) {
  const [text, setText] = useState(filters.search);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  // Follow outside changes (Clear filters, the dashboard's shortcuts).
  useEffect(() => {
    setText(filters.search);
  }, [filters.search]);

  useEffect(() => {
    if (text === filtersRef.current.search) return;
    const timer = window.setTimeout(() => onChange({ ...filtersRef.current, search: text, page: 0 }), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, onChange]);

  const set = (patch: Partial<QueueFilters>) => onChange({ ...filters, ...patch, page: 0 });
  const badRange = filters.from !== "" && filters.to !== "" && filters.to < filters.from;

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      onSearchArrowDown();
    } else if (event.key === "Escape" && text !== "") {
      event.preventDefault();
      setText("");
    } else if (event.key === "Enter") {
      // Run it now instead of waiting for the pause.
      onChange({ ...filters, search: text, page: 0 });
    }
  }

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="md" wrap="wrap">
        <TextInput
          ref={searchRef}
          label="Search"
          placeholder="Name or phone number"
          aria-description="Press slash to search from anywhere on this page"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onSearchKey}
          rightSection={
            text ? (
              <CloseButton aria-label="Clear search" onClick={() => setText("")} size="sm" />
            ) : (
              <Kbd size="xs" aria-hidden>
                /
              </Kbd>
            )
          }
          w={280}
          data-testid="queue-search"
        />
        <TextInput
          type="date"
          label="Submitted from"
          placeholder="YYYY-MM-DD"
          value={filters.from}
          max={filters.to || undefined}
          onChange={(e) => set({ from: e.currentTarget.value })}
          w={170}
          data-testid="queue-from"
        />
        <TextInput
          type="date"
          label="to (including)"
          placeholder="YYYY-MM-DD"
          value={filters.to}
          min={filters.from || undefined}
          onChange={(e) => set({ to: e.currentTarget.value })}
          error={badRange ? "Before the start date" : undefined}
          w={170}
          data-testid="queue-to"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="queue-reviewed-label">
            Review
          </Text>
          <SegmentedControl
            aria-labelledby="queue-reviewed-label"
            value={filters.reviewed}
            onChange={(value) => set({ reviewed: value as ReviewedFilter })}
            data={[
              { value: "all", label: "All" },
              { value: "not_reviewed", label: "Not reviewed" },
              { value: "reviewed", label: "Reviewed" },
            ]}
            data-testid="queue-reviewed"
          />
        </Stack>
        {actions && <Group ml="auto">{actions}</Group>}
      </Group>
      <Group gap="xs" align="center">
        <Text size="sm" fw={500} id="queue-status-label">
          Status:
        </Text>
        <Chip.Group
          multiple
          value={filters.statuses}
          onChange={(value) => set({ statuses: STATUS_ORDER.filter((s) => value.includes(s)) as IntakeStatus[] })}
        >
          <Group gap="xs" role="group" aria-labelledby="queue-status-label">
            {STATUS_ORDER.map((s) => (
              <Chip key={s} value={s} size="sm" variant="outline" data-testid={`queue-status-${s}`}>
                {STATUS_LABELS[s]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Text size="xs" c="dimmed">
          {filters.statuses.length === 0 ? "(none picked: every status)" : ""}
        </Text>
        {isFiltered(filters) && (
          <Button variant="subtle" size="xs" color="gray" onClick={onClear} data-testid="queue-clear-filters-top">
            Clear filters
          </Button>
        )}
      </Group>
    </Stack>
  );
}
