import { Badge, Group, Stack, Text, UnstyledButton } from "@mantine/core";
import type { KeyboardEvent } from "react";
import type { InboxItem } from "../../bindings/InboxItem";
import { formatDateTime, formatDuration } from "../../format";
import { REASON_LABELS } from "../../labels";

type Props = {
  items: InboxItem[];
  selected: number | null;
  now: number;
  onSelect: (conversationId: number) => void;
};

const REASON_COLORS = { asked_for_staff: "orange", taken_over: "blue", send_problem: "red" } as const;

/** Who is waiting, longest wait first as the backend sends it. Arrow keys move between them. */
export function InboxList({ items, selected, now, onSelect }: Props) {
  function onKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const next = event.key === "ArrowDown" ? index + 1 : event.key === "ArrowUp" ? index - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const item = items[Math.max(0, Math.min(next, items.length - 1))];
    if (!item) return;
    onSelect(item.conversationId);
    document.querySelector<HTMLButtonElement>(`[data-testid="inbox-item-${item.conversationId}"]`)?.focus();
  }

  return (
    <Stack gap={4} role="list" aria-label="Patients waiting for staff" data-testid="inbox-list">
      {items.map((item, index) => {
        const active = item.conversationId === selected;
        return (
          <UnstyledButton
            key={item.conversationId}
            role="listitem"
            aria-current={active ? "true" : undefined}
            onClick={() => onSelect(item.conversationId)}
            onKeyDown={(e) => onKey(e, index)}
            p="sm"
            style={{
              borderRadius: "var(--mantine-radius-md)",
              border: `1px solid var(--mantine-color-${active ? "teal-5" : "gray-3"})`,
              background: active ? "var(--mantine-color-teal-0)" : "var(--mantine-color-white)",
            }}
            data-testid={`inbox-item-${item.conversationId}`}
          >
            <Stack gap={4}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text fw={600} truncate>
                  {item.patientName ?? item.patientPhone}
                </Text>
                <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }} title={`Since ${formatDateTime(item.since)}`}>
                  Waiting {formatDuration(Math.max(0, now - item.since))}
                </Text>
              </Group>
              {item.patientName && (
                <Text size="xs" c="dimmed">
                  {item.patientPhone}
                </Text>
              )}
              <Group gap="xs">
                <Badge size="sm" variant="light" color={REASON_COLORS[item.reason]}>
                  {item.reason === "taken_over" && item.heldBy ? `Held by ${item.heldBy}` : REASON_LABELS[item.reason]}
                </Badge>
                {item.heldBy && item.reason !== "taken_over" && (
                  <Text size="xs" c="dimmed">
                    Held by {item.heldBy}
                  </Text>
                )}
              </Group>
            </Stack>
          </UnstyledButton>
        );
      })}
    </Stack>
  );
}
