import { Alert, Button, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { Appointment } from "../../bindings/Appointment";
import type { Clinician } from "../../bindings/Clinician";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useAction } from "../../hooks/useAction";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";
import { combine, isoDayOf } from "./dates";
import { DURATIONS, formatMinutes } from "./words";

/** The patient when booking from an intake: name and number come from it. */
export type PresetPatient = { intakeId: number; name: string; phone: string };

type Props = {
  opened: boolean;
  onClose: () => void;
  onCreated: (appointment: Appointment) => void;
  patient?: PresetPatient;
  /** The day the form starts on ("YYYY-MM-DD"); today when left out. */
  day?: string;
};

export function NewAppointmentModal({ opened, onClose, onCreated, patient, day }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="New appointment" centered size="lg" data-testid="new-appointment-modal">
      {/* Mounted only while open, so every opening starts with a fresh form. */}
      {opened && <NewAppointmentForm patient={patient} day={day} onCancel={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

type FormProps = {
  patient?: PresetPatient;
  day?: string;
  onCancel: () => void;
  onCreated: (appointment: Appointment) => void;
};

function NewAppointmentForm({ patient, day, onCancel, onCreated }: FormProps) {
  const clinicians = useLoad(ipc.appointmentsClinicians);
  const [phone, setPhone] = useState("");
  const [name, setName] = useState("");
  const [clinicianId, setClinicianId] = useState("");
  const [date, setDate] = useState(day ?? isoDayOf(Date.now()));
  const [time, setTime] = useState("");
  const [duration, setDuration] = useState("30");
  const [location, setLocation] = useState("");
  const [link, setLink] = useState("");
  const [notes, setNotes] = useState("");
  const { run, busy, error, setError } = useAction();

  const list: Clinician[] = clinicians.state.status === "ready" ? clinicians.state.data : [];
  // With one doctor there is nothing to choose.
  const chosen = clinicianId || (list.length === 1 ? String(list[0]?.id) : "");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const startsAt = combine(date, time);
    const problem = !patient && !phone.trim()
      ? "Enter the patient's WhatsApp number with its country code, e.g. +34 600 111 222."
      : !patient && !name.trim()
        ? "Enter the patient's name."
        : !chosen
          ? "Choose the clinician."
          : startsAt === null
            ? "Choose a date and a time."
            : null;
    if (problem || startsAt === null) {
      setError({ code: "form", message: problem ?? "Choose a date and a time." });
      return;
    }
    const created = await run(() =>
      ipc.appointmentCreate({
        patient: patient ? { kind: "intake", intakeId: patient.intakeId } : { kind: "number", phone: phone.trim(), name: name.trim() },
        clinicianId: Number(chosen),
        startsAt,
        durationMin: Number(duration),
        location: location.trim(),
        telehealthUrl: link.trim(),
        notes: notes.trim(),
      }),
    );
    if (created) onCreated(created);
  }

  return (
    <form onSubmit={submit} noValidate data-testid="appt-form">
      <Stack gap="md">
        {patient ? (
          <Paper withBorder p="sm" bg="gray.0" data-testid="appt-form-patient">
            <Text size="xs" c="dimmed">
              Patient
            </Text>
            <Text fw={600}>{patient.name}</Text>
            <Text size="sm" style={{ fontVariantNumeric: "tabular-nums" }}>
              {patient.phone}
            </Text>
          </Paper>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Patient's WhatsApp number"
              description="With the country code; reminders go here."
              placeholder="+34 600 111 222"
              inputMode="tel"
              autoComplete="off"
              data-autofocus
              value={phone}
              onChange={(e) => setPhone(e.currentTarget.value)}
              data-testid="appt-form-phone"
            />
            <TextInput
              label="Patient's name"
              description="As the clinic knows them."
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-testid="appt-form-name"
            />
          </SimpleGrid>
        )}
        {clinicians.state.status === "error" && (
          <ErrorAlert error={clinicians.state.error} title="The clinicians could not be loaded" testId="appt-form-clinicians-error" />
        )}
        {clinicians.state.status === "ready" && list.length === 0 && (
          <Alert color="orange" variant="light" data-testid="appt-form-no-clinicians">
            There are no doctors to book with yet. An admin adds them under Users, with the Doctor role.
          </Alert>
        )}
        <NativeSelect
          label="Clinician"
          value={chosen}
          onChange={(e) => setClinicianId(e.currentTarget.value)}
          data={[
            ...(list.length === 1 ? [] : [{ value: "", label: clinicians.state.status === "loading" ? "Loading…" : "Choose…" }]),
            ...list.map((c) => ({ value: String(c.id), label: c.displayName })),
          ]}
          data-testid="appt-form-clinician"
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput type="date" label="Date" value={date} onChange={(e) => setDate(e.currentTarget.value)} data-testid="appt-form-date" />
          <TextInput type="time" label="Time" step={300} value={time} onChange={(e) => setTime(e.currentTarget.value)} data-testid="appt-form-time" />
          <NativeSelect
            label="Duration"
            value={duration}
            onChange={(e) => setDuration(e.currentTarget.value)}
            data={DURATIONS.map((m) => ({ value: String(m), label: formatMinutes(m) }))}
            data-testid="appt-form-duration"
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Location"
            description="Optional, e.g. Room 2."
            value={location}
            onChange={(e) => setLocation(e.currentTarget.value)}
            data-testid="appt-form-location"
          />
          <TextInput
            label="Video call link"
            description="Optional, for telehealth: an https:// link."
            placeholder="https://"
            value={link}
            onChange={(e) => setLink(e.currentTarget.value)}
            data-testid="appt-form-link"
          />
        </SimpleGrid>
        <Textarea
          label="Notes for staff"
          description="Optional. Never sent to the patient."
          autosize
          minRows={2}
          maxRows={5}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          data-testid="appt-form-notes"
        />
        <ErrorAlert error={error} testId="appt-form-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} data-testid="appt-form-submit">
            Book appointment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
