import { Paper, Stack, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { AppointmentBadges } from "./AppointmentBadges";
import { addDays, formatDayTime } from "./dates";
import { useAppointments } from "./useAppointments";
import { formatMinutes } from "./words";

/** How far ahead an intake's appointments are looked up (core allows 62 days per list). */
const AHEAD_DAYS = 60;

/** The patient's coming appointments, on their intake (matched by WhatsApp conversation). */
export function IntakeAppointments({ conversationId }: { conversationId: number }) {
  const [from] = useState(() => Date.now());
  const query = useMemo(() => ({ fromMs: from, toMs: addDays(from, AHEAD_DAYS), clinicianId: null, includeCancelled: false }), [from]);
  const { data } = useAppointments(query);
  // Nothing to say (or the list could not be read): the intake page stays as it was.
  const mine = (data ?? []).filter((a) => a.conversationId === conversationId);
  if (mine.length === 0) return null;
  return (
    <Paper withBorder p="md" data-testid="intake-appointments">
      <Stack gap="sm">
        <Title order={4}>Coming appointments</Title>
        {mine.map((a) => (
          <Stack key={a.id} gap={4} data-testid={`intake-appointment-${a.id}`}>
            <Text size="sm" fw={600}>
              {formatDayTime(a.startsAt)} · {formatMinutes(a.durationMin)}
            </Text>
            <Text size="sm" c="dimmed">
              with {a.clinicianName}
              {a.location ? `, ${a.location}` : a.telehealthUrl ? ", video call" : ""}
            </Text>
            <AppointmentBadges appointment={a} />
          </Stack>
        ))}
      </Stack>
    </Paper>
  );
}
