import { Button, Grid, Group, Kbd, Paper, Stack, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import type { IntakeDetail } from "../bindings/IntakeDetail";
import type { Permission } from "../bindings/Permission";
import { LoadFailed } from "../components/LoadFailed";
import { PageLoader } from "../components/PageLoader";
import { SuccessAlert } from "../components/SuccessAlert";
import { StatusBadge } from "../components/StatusBadge";
import { Transcript } from "../components/Transcript";
import { formatDateTime } from "../format";
import { useDeskEvents } from "../hooks/useDeskEvents";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import { AnswerSections } from "./intake/AnswerSections";
import { Attachments } from "./intake/Attachments";
import { ConsentCard } from "./intake/ConsentCard";
import { NotesList } from "./intake/NotesList";
import { PrintSheet } from "./intake/PrintSheet";
import { ReviewPanel } from "./intake/ReviewPanel";
import { formatDayTime } from "./appointments/dates";
import { IntakeAppointments } from "./appointments/IntakeAppointments";
import { NewAppointmentModal } from "./appointments/NewAppointmentModal";

type Props = {
  id: number;
  permissions: readonly Permission[];
  onBack: () => void;
  clinicName?: string;
  printedBy?: string;
};

/** One intake: who, what they answered, what was said, and the doctor's review. */
export function IntakePage({ id, permissions, onBack, clinicName = "", printedBy = "" }: Props) {
  const { state, reload, retry, setState } = useLoad(useCallback(() => ipc.intakeGet(id), [id]));
  const [printing, setPrinting] = useState(false);
  const [booking, setBooking] = useState(false);
  const [booked, setBooked] = useState<string | null>(null);
  const stopPrinting = useCallback(() => setPrinting(false), []);
  const conversationId = state.status === "ready" ? state.data.conversationId : null;

  useDeskEvents(
    (e) =>
      (e.kind === "intake_updated" && e.intakeId === id) ||
      (e.kind === "conversation_changed" && e.conversationId === conversationId) ||
      e.kind === "delivery_changed",
    () => void reload(),
  );

  // Esc goes back, unless it is closing something else or leaving a half-typed note.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("[role='dialog']")) return;
      if (target?.closest("input, textarea, select")) {
        (target as HTMLElement).blur();
        return;
      }
      onBack();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onBack]);

  const back = (
    <Button variant="default" onClick={onBack} className="no-print" data-testid="intake-back">
      ← Back <Kbd size="xs" ml={8}>Esc</Kbd>
    </Button>
  );

  if (state.status === "loading") {
    return (
      <Stack gap="lg">
        <Group>{back}</Group>
        <PageLoader label="Loading the intake…" />
      </Stack>
    );
  }
  if (state.status === "error") {
    return (
      <Stack gap="lg">
        <Group>{back}</Group>
        <LoadFailed error={state.error} onRetry={retry} />
      </Stack>
    );
  }

  const intake = state.data;
  const canReview = permissions.includes("review_intake");
  const canBook = permissions.includes("manage_appointments");
  const setIntake = (next: IntakeDetail) => setState({ status: "ready", data: next });

  return (
    <Stack gap="lg" data-testid="intake-detail">
      <Group justify="space-between" className="no-print">
        {back}
        <Group gap="xs">
          {canBook && (
            <Button onClick={() => setBooking(true)} data-testid="intake-book">
              Book appointment
            </Button>
          )}
          <Button variant="default" onClick={() => setPrinting(true)} data-testid="intake-print">
            Print
          </Button>
        </Group>
      </Group>
      <SuccessAlert message={booked} onClose={() => setBooked(null)} testId="intake-booked" />
      <IntakeHeader intake={intake} />
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <AnswerSections sections={intake.sections} clinicalHidden={intake.clinicalHidden} />
            <Attachments intakeId={intake.id} attachments={intake.attachments} />
            {!intake.clinicalHidden && (
              <Paper withBorder p="md" data-testid="intake-transcript">
                <Stack gap="sm">
                  <Title order={4}>WhatsApp conversation</Title>
                  <Transcript messages={intake.transcript} maxHeight={480} />
                </Stack>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            {canReview && <ReviewPanel key={intake.id} intake={intake} onSaved={setIntake} />}
            {!intake.clinicalHidden && <NotesList notes={intake.notes} />}
            <IntakeAppointments conversationId={intake.conversationId} />
            <ConsentCard consent={intake.consent} />
          </Stack>
        </Grid.Col>
      </Grid>
      <NewAppointmentModal
        opened={booking}
        patient={{ intakeId: intake.id, name: intake.patientName, phone: intake.patientPhone }}
        onClose={() => setBooking(false)}
        onCreated={(a) => {
          setBooking(false);
          setBooked(`Booked: ${formatDayTime(a.startsAt)} with ${a.clinicianName}.`);
        }}
      />
      {printing && <PrintSheet intake={intake} clinicName={clinicName} printedBy={printedBy} onDone={stopPrinting} />}
    </Stack>
  );
}

function IntakeHeader({ intake }: { intake: IntakeDetail }) {
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={2}>
          <Title order={2} data-testid="intake-name">
            {intake.patientName}
          </Title>
          <Text style={{ fontVariantNumeric: "tabular-nums" }} data-testid="intake-phone">
            {intake.patientPhone}
          </Text>
          <Text size="sm" c="dimmed">
            Submitted {formatDateTime(intake.submittedAt)}
          </Text>
        </Stack>
        <Stack gap={4} align="flex-end" data-testid="intake-status">
          <StatusBadge status={intake.status} size="lg" />
          {intake.statusBy && intake.statusAt !== null && (
            <Text size="sm" c="dimmed">
              {intake.statusBy}, {formatDateTime(intake.statusAt)}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}
