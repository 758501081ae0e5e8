import { Group, Paper, Stack, Text, Title, UnstyledButton } from "@mantine/core";
import type { Appointment } from "../../bindings/Appointment";
import { AppointmentBadges, PlaceBadge } from "./AppointmentBadges";
import { formatLongDay, formatTime, startOfDay } from "./dates";
import { formatMinutes } from "./words";

type Props = {
  appointments: Appointment[];
  showClinician: boolean;
  /** Off for a single day, whose date is already the page's heading. */
  dayHeadings: boolean;
  onOpen: (appointment: Appointment) => void;
};

/** The appointments under a heading per day, each row opening the appointment. */
export function AppointmentList({ appointments, showClinician, dayHeadings, onOpen }: Props) {
  const days = new Map<number, Appointment[]>();
  for (const a of [...appointments].sort((x, y) => x.startsAt - y.startsAt || x.id - y.id)) {
    const day = startOfDay(a.startsAt);
    days.set(day, [...(days.get(day) ?? []), a]);
  }
  return (
    <Stack gap="lg" data-testid="appt-list">
      {[...days.entries()].map(([day, list]) => (
        <Stack key={day} gap="xs" data-testid="appt-day" data-day={day}>
          {dayHeadings && (
            <Title order={4}>
              {formatLongDay(day)}{" "}
              <Text span c="dimmed" size="sm" fw={400}>
                · {bookedCount(list)}
              </Text>
            </Title>
          )}
          <Paper withBorder>
            {list.map((a, i) => (
              <Row key={a.id} appointment={a} first={i === 0} showClinician={showClinician} onOpen={onOpen} />
            ))}
          </Paper>
        </Stack>
      ))}
    </Stack>
  );
}

function Row({ appointment: a, first, showClinician, onOpen }: { appointment: Appointment; first: boolean; showClinician: boolean; onOpen: (a: Appointment) => void }) {
  const cancelled = a.status === "cancelled";
  return (
    <UnstyledButton
      onClick={() => onOpen(a)}
      w="100%"
      px="md"
      py="sm"
      className="appt-row"
      style={{
        borderTop: first ? undefined : "1px solid var(--mantine-color-gray-3)",
        background: a.patientAnswer === "reschedule" && !cancelled ? "var(--mantine-color-orange-0)" : undefined,
      }}
      data-testid={`appt-row-${a.id}`}
      data-status={a.status}
    >
      <Group wrap="nowrap" align="flex-start" gap="md">
        <Stack gap={0} w={92} style={{ flexShrink: 0 }}>
          <Text fw={700} td={cancelled ? "line-through" : undefined} style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }} data-testid="appt-time">
            {formatTime(a.startsAt)}
          </Text>
          <Text size="xs" c="dimmed">
            {formatMinutes(a.durationMin)}
          </Text>
        </Stack>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Text fw={600} c={cancelled ? "dimmed" : undefined} data-testid="appt-patient">
              {a.patientName}
            </Text>
            {showClinician && (
              <Text size="sm" c="dimmed" data-testid="appt-clinician">
                with {a.clinicianName}
              </Text>
            )}
            <PlaceBadge appointment={a} />
          </Group>
          <AppointmentBadges appointment={a} />
        </Stack>
      </Group>
    </UnstyledButton>
  );
}

/** "3 booked": cancelled ones are listed but not counted. */
export function bookedCount(list: Appointment[]): string {
  return `${list.filter((a) => a.status !== "cancelled").length} booked`;
}
