import { Alert, Badge, Button, Group, List, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { Appointment } from "../../bindings/Appointment";
import type { MessagePreview } from "../../bindings/MessagePreview";
import type { TemplateEvent } from "../../bindings/TemplateEvent";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import { formatDayTime } from "../appointments/dates";
import { APPOINTMENT_EVENTS } from "../appointments/words";

type Props = {
  event: TemplateEvent;
  /** Upcoming appointments to fill the message with. */
  appointments: Appointment[];
};

/** The event's message as the saved mapping would send it now, filled in; nothing is sent. */
export function PreviewPanel({ event, appointments }: Props) {
  const [appointmentId, setAppointmentId] = useState("");
  const [preview, setPreview] = useState<MessagePreview | null>(null);
  const { run, busy, error } = useAction();
  const forAppointments = APPOINTMENT_EVENTS.includes(event);

  async function show() {
    const result = await run(() => ipc.messagePreview(event, appointmentId ? Number(appointmentId) : null));
    if (result) setPreview(result);
  }

  return (
    <Paper withBorder p="md" bg="gray.0" data-testid="preview">
      <Stack gap="sm">
        <Title order={5}>Preview</Title>
        <Text size="xs" c="dimmed">
          Shows the saved choice, filled in as it would go out now. Nothing is sent.
        </Text>
        <Group align="flex-end" gap="sm">
          {forAppointments && (
            <NativeSelect
              label="Fill with"
              value={appointmentId}
              onChange={(e) => {
                setAppointmentId(e.currentTarget.value);
                setPreview(null);
              }}
              data={[
                { value: "", label: "Sample data" },
                ...appointments.map((a) => ({
                  value: String(a.id),
                  label: `${formatDayTime(a.startsAt)} · ${a.patientName} · ${a.clinicianName}`,
                })),
              ]}
              style={{ flex: 1, minWidth: 220 }}
              data-testid="preview-appointment"
            />
          )}
          <Button variant="default" onClick={() => void show()} loading={busy} data-testid="preview-run">
            {preview ? "Preview again" : "Preview"}
          </Button>
        </Group>
        <ErrorAlert error={error} testId="preview-error" />
        {preview && <PreviewResult preview={preview} />}
      </Stack>
    </Paper>
  );
}

const VIA_WORDS = {
  template: { label: "As the approved template", detail: "Works at any time, also outside the 24-hour window." },
  text: { label: "As a normal message", detail: "The patient wrote in the last 24 hours, so WhatsApp allows free text." },
} as const;

function PreviewResult({ preview: p }: { preview: MessagePreview }) {
  const via = p.via ? VIA_WORDS[p.via] : null;
  return (
    <Stack gap="sm" data-testid="preview-result">
      <Paper p="sm" radius="md" shadow="xs" maw={420} style={{ background: "#dcf8c6" }}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="preview-text">
          {p.text}
        </Text>
      </Paper>
      {p.buttons.length > 0 && (
        <Group gap={6} data-testid="preview-buttons">
          {p.buttons.map((b) => (
            <Badge key={b} variant="default" size="lg" style={{ textTransform: "none" }}>
              {b}
            </Badge>
          ))}
        </Group>
      )}
      <Group gap="xs" data-testid="preview-via" data-via={p.via ?? "none"}>
        <Text size="sm" fw={500}>
          If it were due now:
        </Text>
        {via ? (
          <>
            <Badge color={p.via === "template" ? "teal" : "blue"} variant="light">
              {via.label}
            </Badge>
            <Text size="sm" c="dimmed">
              {via.detail}
            </Text>
          </>
        ) : (
          <Badge color="red" variant="light">
            It could not be sent
          </Badge>
        )}
      </Group>
      {p.problems.length > 0 && (
        <Alert color="orange" variant="light" title="To fix" data-testid="preview-problems">
          <List size="sm" spacing={4}>
            {p.problems.map((problem) => (
              <List.Item key={problem}>{problem}</List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
