import { Table, Text, UnstyledButton } from "@mantine/core";
import { useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import type { QueueRow } from "../../bindings/QueueRow";
import type { QueueSort } from "../../bindings/QueueSort";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime, formatWhen } from "../../format";

export type QueueTableHandle = { focusRow: (index: number) => void };

type Props = {
  rows: QueueRow[];
  sort: QueueSort;
  descending: boolean;
  onSort: (sort: QueueSort) => void;
  onOpen: (id: number) => void;
  ref?: Ref<QueueTableHandle>;
};

const SORT_LABELS: Record<QueueSort, string> = { submitted_at: "Submitted", name: "Name", status: "Status" };

/**
 * The queue's rows. One row at a time is in the Tab order; arrow keys move between rows,
 * Enter (or a click) opens the intake.
 */
export function QueueTable({ rows, sort, descending, onSort, onOpen, ref }: Props) {
  const [selected, setSelected] = useState(0);
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const current = Math.min(selected, Math.max(rows.length - 1, 0));

  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(index, rows.length - 1));
    setSelected(target);
    rowRefs.current[target]?.focus();
  };
  useImperativeHandle(ref, () => ({ focusRow: (i) => focusRow(i < 0 ? current : i) }));

  function onKey(event: KeyboardEvent<HTMLTableRowElement>, index: number, id: number) {
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: index + 10,
      PageUp: index - 10,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      focusRow(next);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onOpen(id);
    }
  }

  const header = (column: QueueSort) => {
    const active = sort === column;
    const direction = descending ? "descending" : "ascending";
    return (
      <Table.Th aria-sort={active ? direction : "none"}>
        <UnstyledButton
          onClick={() => onSort(column)}
          fw={600}
          fz="sm"
          aria-label={`Sort by ${SORT_LABELS[column].toLowerCase()}${active ? `, now ${direction}` : ""}`}
          data-testid={`queue-sort-${column}`}
        >
          {SORT_LABELS[column]} <span aria-hidden>{active ? (descending ? "▼" : "▲") : "↕"}</span>
        </UnstyledButton>
      </Table.Th>
    );
  };

  return (
    <Table highlightOnHover verticalSpacing="sm" data-testid="queue-table" aria-label="Intakes">
      <Table.Thead>
        <Table.Tr>
          {header("submitted_at")}
          {header("name")}
          <Table.Th>Phone</Table.Th>
          {header("status")}
          <Table.Th>Last change</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row, index) => (
          <Table.Tr
            key={row.id}
            ref={(el) => {
              rowRefs.current[index] = el;
            }}
            tabIndex={index === current ? 0 : -1}
            aria-selected={index === current}
            onClick={() => onOpen(row.id)}
            onFocus={() => setSelected(index)}
            onKeyDown={(e) => onKey(e, index, row.id)}
            style={{ cursor: "pointer" }}
            bg={index === current ? "var(--mantine-color-teal-0)" : undefined}
            className="queue-row"
            data-testid={`queue-row-${row.id}`}
          >
            <Table.Td style={{ whiteSpace: "nowrap" }} title={formatDateTime(row.submittedAt)}>
              {formatWhen(row.submittedAt)}
            </Table.Td>
            <Table.Td fw={500}>{row.patientName}</Table.Td>
            <Table.Td style={{ whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" }}>{row.patientPhone}</Table.Td>
            <Table.Td>
              <StatusBadge status={row.status} />
            </Table.Td>
            <Table.Td>
              {row.statusBy && row.statusAt !== null ? (
                <Text size="sm" c="dimmed">
                  {row.statusBy}, {formatWhen(row.statusAt)}
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  —
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
