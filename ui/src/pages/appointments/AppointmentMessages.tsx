import { Badge, Box, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useCallback } from "react";
import type { AppointmentMessage } from "../../bindings/AppointmentMessage";
import { DeliveryMark } from "../../components/DeliveryMark";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useDeskEvents } from "../../hooks/useDeskEvents";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";
import { formatDayTime } from "./dates";
import { deliveryOf, EVENT_LABELS } from "./words";

type Props = { appointmentId: number; remindersOff: boolean };

/**
 * The WhatsApp messages planned for one appointment and how far each got: waiting for its
 * time, sent with its ticks, or not sent and why. Live: ticks move as Meta reports them.
 */
export function AppointmentMessages({ appointmentId, remindersOff }: Props) {
  const { state, reload } = useLoad(useCallback(() => ipc.appointmentMessages(appointmentId), [appointmentId]));
  useDeskEvents(
    (e) =>
      (e.kind === "appointments_changed" && e.appointmentId === appointmentId) ||
      e.kind === "delivery_changed" ||
      e.kind === "conversation_changed",
    () => void reload(),
  );

  return (
    <Stack gap="xs" data-testid="appt-messages">
      <Group gap="xs">
        <Title order={5}>WhatsApp messages</Title>
        {state.status === "loading" && <Loader size="xs" color="gray" aria-label="Loading the messages" />}
      </Group>
      {remindersOff && (
        <Text size="sm" c="orange.8" data-testid="appt-messages-stopped">
          The patient replied STOP: no reminders go to them until they reply START.
        </Text>
      )}
      {state.status === "error" && <ErrorAlert error={state.error} title="The messages could not be loaded" testId="appt-messages-error" />}
      {state.status === "ready" && state.data.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="appt-messages-empty">
          No messages are planned for this appointment.
        </Text>
      )}
      {state.status === "ready" && <MessageRows messages={state.data} />}
    </Stack>
  );
}

function MessageRows({ messages }: { messages: AppointmentMessage[] }) {
  const sorted = [...messages].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  // After a move the old reminders stay (skipped) next to the new ones: the newest of each
  // kind carries the plain test id, so "the 1-hour reminder" always means the current one.
  const newest = new Map<string, number>();
  for (const m of messages) newest.set(m.kind, Math.max(newest.get(m.kind) ?? -Infinity, m.id));
  return (
    <Stack gap={6}>
      {sorted.map((m) => (
        <MessageRow key={m.id} message={m} current={newest.get(m.kind) === m.id} />
      ))}
    </Stack>
  );
}

function MessageRow({ message: m, current }: { message: AppointmentMessage; current: boolean }) {
  const delivery = m.state === "queued" ? deliveryOf(m.delivery) ?? "queued" : null;
  return (
    <Paper
      withBorder
      p="xs"
      data-testid={current ? `appt-message-${m.kind}` : `appt-message-${m.kind}-earlier`}
      data-message-id={m.id}
      data-state={m.state}
      data-delivery={delivery ?? m.state}
      style={m.state === "skipped" ? { opacity: 0.75 } : undefined}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {EVENT_LABELS[m.kind]}
          </Text>
          <Text size="xs" c="dimmed">
            {m.state === "planned" ? "Goes " : "Due "}
            {formatDayTime(m.dueAt)}
            {m.via === "template" && " · as an approved template"}
            {m.via === "text" && " · as a normal message (patient wrote in the last 24 h)"}
          </Text>
          {m.state === "skipped" && (
            <Text size="xs" data-testid="appt-message-skip-reason">
              {m.skipReason ?? "Not sent."}
            </Text>
          )}
          {m.deliveryError && (delivery === "failed" || delivery === "needs_staff") && (
            <Text size="xs" c={delivery === "failed" ? "red.7" : "orange.8"} data-testid="appt-message-error">
              {m.deliveryError}
            </Text>
          )}
        </Stack>
        <Box style={{ flexShrink: 0 }}>
          {m.state === "planned" && (
            <Badge variant="light" color="gray" size="sm">
              Planned
            </Badge>
          )}
          {m.state === "skipped" && (
            <Badge variant="light" color="gray" size="sm">
              Not sent
            </Badge>
          )}
          {delivery && <DeliveryMark delivery={delivery} />}
        </Box>
      </Group>
    </Paper>
  );
}
