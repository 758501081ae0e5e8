import { Box, Group, Paper, Stack, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import type { TranscriptEntry } from "../bindings/TranscriptEntry";
import { formatDateTime, formatShortTime } from "../format";
import { DeliveryMark } from "./DeliveryMark";

type Props = {
  messages: TranscriptEntry[];
  /** Scroll inside this height, keeping the newest message in view. */
  maxHeight?: number | string;
  testId?: string;
};

/** The WhatsApp conversation as the patient saw it: theirs on the left, ours on the right. */
export function Transcript({ messages, maxHeight, testId = "transcript" }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const lastKey = messages.at(-1)?.key;

  useEffect(() => {
    const el = scroller.current;
    if (el && maxHeight !== undefined) el.scrollTop = el.scrollHeight;
  }, [lastKey, maxHeight]);

  if (messages.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid={testId}>
        No messages yet.
      </Text>
    );
  }

  return (
    <Box
      ref={scroller}
      mah={maxHeight}
      style={maxHeight !== undefined ? { overflowY: "auto" } : undefined}
      className="transcript"
      data-testid={testId}
    >
      <Stack gap="xs" p={4} role="log" aria-label="Conversation">
        {messages.map((m) => (
          <Bubble key={m.key} entry={m} />
        ))}
      </Stack>
    </Box>
  );
}

function Bubble({ entry }: { entry: TranscriptEntry }) {
  const ours = entry.direction === "out";
  const who = ours ? (entry.author === "bot" || entry.author === null ? "Bot" : entry.author) : "Patient";
  const trouble = entry.delivery === "failed" || entry.delivery === "needs_staff";
  const troubleColor = entry.delivery === "failed" ? "red" : "orange";
  return (
    <Group justify={ours ? "flex-end" : "flex-start"} wrap="nowrap" data-testid="transcript-entry" data-direction={entry.direction}>
      <Paper
        withBorder
        px="sm"
        py={6}
        maw="78%"
        bg={ours ? "teal.0" : "white"}
        style={trouble ? { borderColor: `var(--mantine-color-${troubleColor}-5)` } : undefined}
        className="transcript-bubble"
      >
        <Stack gap={2}>
          <Text size="xs" c="dimmed" fw={600}>
            {who}
          </Text>
          <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {entry.text}
          </Text>
          <Group gap="xs" justify="flex-end" wrap="nowrap">
            <Text size="xs" c="dimmed" title={formatDateTime(entry.at)}>
              {formatShortTime(entry.at)}
            </Text>
            {ours && entry.delivery && <DeliveryMark delivery={entry.delivery} />}
          </Group>
          {entry.problem && (
            <Text size="xs" c={entry.delivery === "needs_staff" ? "orange.9" : "red.8"} data-testid="transcript-problem">
              {entry.problem}
            </Text>
          )}
        </Stack>
      </Paper>
    </Group>
  );
}
