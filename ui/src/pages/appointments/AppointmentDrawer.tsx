import { Alert, Anchor, Box, Button, Divider, Drawer, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState, type FormEvent, type ReactNode } from "react";
import type { Appointment } from "../../bindings/Appointment";
import type { Clinician } from "../../bindings/Clinician";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";
import { AppointmentBadges } from "./AppointmentBadges";
import { AppointmentMessages } from "./AppointmentMessages";
import { CancelAppointmentModal } from "./CancelAppointmentModal";
import { combine, formatDayTime, formatLongDay, formatTime, hhmmOf, isoDayOf } from "./dates";
import { DURATIONS, formatMinutes } from "./words";

type Props = {
  appointment: Appointment | null;
  canManage: boolean;
  onClose: () => void;
  onChanged: (appointment: Appointment) => void;
  onOpenIntake?: (intakeId: number) => void;
};

/** One appointment: everything about it, what the front desk can change, and its messages. */
export function AppointmentDrawer({ appointment, canManage, onClose, onChanged, onOpenIntake }: Props) {
  return (
    <Drawer
      opened={appointment !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={appointment?.patientName}
      styles={{ title: { fontSize: "var(--mantine-h3-font-size)", fontWeight: 700 } }}
      closeButtonProps={{ "aria-label": "Close" }}
      data-testid="appt-drawer"
    >
      {appointment && (
        <AppointmentPanel
          key={appointment.id}
          appointment={appointment}
          canManage={canManage}
          onChanged={onChanged}
          onOpenIntake={onOpenIntake}
        />
      )}
    </Drawer>
  );
}

type Mode = "view" | "details" | "reschedule";

function AppointmentPanel({ appointment: a, canManage, onChanged, onOpenIntake }: Omit<Props, "appointment" | "onClose"> & { appointment: Appointment }) {
  const [mode, setMode] = useState<Mode>("view");
  const [cancelling, setCancelling] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const editable = canManage && a.status !== "cancelled";

  const changed = (next: Appointment, message: string) => {
    setMode("view");
    setDone(message);
    onChanged(next);
  };

  return (
    <Stack gap="md" data-testid="appt-detail" data-appointment-id={a.id}>
      <AppointmentBadges appointment={a} />
      {a.patientAnswer === "reschedule" && a.status !== "cancelled" && (
        <Alert color="orange" variant="light" data-testid="appt-wants-reschedule">
          The patient tapped Reschedule{a.patientAnswerAt !== null ? ` (${formatDayTime(a.patientAnswerAt)})` : ""}. Contact them
          {canManage ? ", then move the appointment with Reschedule." : " or ask the front desk to."}
        </Alert>
      )}
      <Paper withBorder p="md">
        <Box style={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: "var(--mantine-spacing-lg)", rowGap: 6 }}>
          <Field label="When">
            <span data-testid="appt-detail-when">
              {formatLongDay(a.startsAt)}, {formatTime(a.startsAt)} ({formatMinutes(a.durationMin)})
            </span>
          </Field>
          <Field label="Clinician">
            <span data-testid="appt-detail-clinician">{a.clinicianName}</span>
          </Field>
          <Field label="WhatsApp number">
            <span style={{ fontVariantNumeric: "tabular-nums" }} data-testid="appt-detail-phone">
              {a.patientPhone}
            </span>
          </Field>
          <Field label="Location">{a.location || <Text span c="dimmed">Not set</Text>}</Field>
          <Field label="Video call link">
            {a.telehealthUrl ? (
              <Text span size="sm" style={{ wordBreak: "break-all" }} data-testid="appt-detail-link">
                {a.telehealthUrl}
              </Text>
            ) : (
              <Text span c="dimmed">None</Text>
            )}
          </Field>
          <Field label="Notes for staff">
            {a.notes ? <span style={{ whiteSpace: "pre-wrap" }}>{a.notes}</span> : <Text span c="dimmed">None</Text>}
          </Field>
          {a.status === "cancelled" && (
            <Field label="Cancelled">
              <span data-testid="appt-detail-cancelled">
                {a.cancelledAt !== null ? `${formatLongDay(a.cancelledAt)}, ${formatTime(a.cancelledAt)}` : "Yes"}
                {a.cancelReason ? `: ${a.cancelReason}` : ""}
              </span>
            </Field>
          )}
        </Box>
        {a.intakeId !== null && onOpenIntake && (
          <Anchor component="button" type="button" size="sm" mt="sm" onClick={() => onOpenIntake(a.intakeId as number)} data-testid="appt-open-intake">
            Open the patient's intake
          </Anchor>
        )}
      </Paper>

      <SuccessAlert message={done} onClose={() => setDone(null)} testId="appt-saved" />

      {editable && mode === "view" && (
        <Group gap="xs">
          <Button variant="default" onClick={() => { setDone(null); setMode("reschedule"); }} data-testid="appt-reschedule">
            Reschedule
          </Button>
          <Button variant="default" onClick={() => { setDone(null); setMode("details"); }} data-testid="appt-edit-details">
            Edit place and notes
          </Button>
          <Button variant="light" color="red" onClick={() => setCancelling(true)} data-testid="appt-cancel">
            Cancel appointment
          </Button>
        </Group>
      )}
      {editable && mode === "reschedule" && (
        <RescheduleForm appointment={a} onDone={(next) => changed(next, "Moved. The patient gets the new time if that message is on.")} onCancel={() => setMode("view")} />
      )}
      {editable && mode === "details" && (
        <DetailsForm appointment={a} onDone={(next) => changed(next, "Saved.")} onCancel={() => setMode("view")} />
      )}

      <Divider />
      <AppointmentMessages appointmentId={a.id} remindersOff={a.remindersOff} />

      <CancelAppointmentModal
        appointment={cancelling ? a : null}
        onClose={() => setCancelling(false)}
        onCancelled={(next) => {
          setCancelling(false);
          changed(next, "Cancelled. No more reminders go for it.");
        }}
      />
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </>
  );
}

function RescheduleForm({ appointment: a, onDone, onCancel }: { appointment: Appointment; onDone: (a: Appointment) => void; onCancel: () => void }) {
  const clinicians = useLoad(ipc.appointmentsClinicians);
  const [date, setDate] = useState(isoDayOf(a.startsAt));
  const [time, setTime] = useState(hhmmOf(a.startsAt));
  const [duration, setDuration] = useState(String(a.durationMin));
  const [clinicianId, setClinicianId] = useState(String(a.clinicianId));
  const { run, busy, error, setError } = useAction();
  // The current doctor stays choosable even if they are no longer active.
  const list: Clinician[] = clinicians.state.status === "ready" ? clinicians.state.data : [];
  const options = list.some((c) => c.id === a.clinicianId) ? list : [{ id: a.clinicianId, displayName: a.clinicianName }, ...list];
  const durations = DURATIONS.includes(a.durationMin) ? DURATIONS : [...DURATIONS, a.durationMin].sort((x, y) => x - y);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const startsAt = combine(date, time);
    if (startsAt === null) {
      setError({ code: "form", message: "Choose a date and a time." });
      return;
    }
    const next = await run(() =>
      ipc.appointmentReschedule(a.id, { startsAt, durationMin: Number(duration), clinicianId: Number(clinicianId) }),
    );
    if (next) onDone(next);
  }

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate data-testid="appt-reschedule-form">
        <Stack gap="sm">
          <Title order={5}>New time</Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput type="date" label="Date" value={date} onChange={(e) => setDate(e.currentTarget.value)} data-testid="appt-reschedule-date" />
            <TextInput type="time" label="Time" step={300} value={time} onChange={(e) => setTime(e.currentTarget.value)} data-testid="appt-reschedule-time" />
            <NativeSelect
              label="Duration"
              value={duration}
              onChange={(e) => setDuration(e.currentTarget.value)}
              data={durations.map((m) => ({ value: String(m), label: formatMinutes(m) }))}
              data-testid="appt-reschedule-duration"
            />
          </SimpleGrid>
          <NativeSelect
            label="Clinician"
            value={clinicianId}
            onChange={(e) => setClinicianId(e.currentTarget.value)}
            data={options.map((c) => ({ value: String(c.id), label: c.displayName }))}
            data-testid="appt-reschedule-clinician"
          />
          <ErrorAlert error={error} testId="appt-reschedule-error" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel} disabled={busy}>
              Back
            </Button>
            <Button type="submit" loading={busy} data-testid="appt-reschedule-submit">
              Move appointment
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function DetailsForm({ appointment: a, onDone, onCancel }: { appointment: Appointment; onDone: (a: Appointment) => void; onCancel: () => void }) {
  const [location, setLocation] = useState(a.location);
  const [link, setLink] = useState(a.telehealthUrl);
  const [notes, setNotes] = useState(a.notes);
  const { run, busy, error } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const next = await run(() =>
      ipc.appointmentUpdateDetails(a.id, { location: location.trim(), telehealthUrl: link.trim(), notes: notes.trim() }),
    );
    if (next) onDone(next);
  }

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate data-testid="appt-details-form">
        <Stack gap="sm">
          <Title order={5}>Place and notes</Title>
          <TextInput label="Location" value={location} onChange={(e) => setLocation(e.currentTarget.value)} data-testid="appt-details-location" />
          <TextInput
            label="Video call link"
            description="An https:// link, or empty."
            value={link}
            onChange={(e) => setLink(e.currentTarget.value)}
            data-testid="appt-details-link"
          />
          <Textarea
            label="Notes for staff"
            autosize
            minRows={2}
            maxRows={5}
            value={notes}
            onChange={(e) => setNotes(e.currentTarget.value)}
            data-testid="appt-details-notes"
          />
          <ErrorAlert error={error} testId="appt-details-error" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel} disabled={busy}>
              Back
            </Button>
            <Button type="submit" loading={busy} data-testid="appt-details-submit">
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
