import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import type { Appointment } from "../../bindings/Appointment";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import { formatDayTime } from "./dates";

type Props = {
  appointment: Appointment | null;
  onClose: () => void;
  onCancelled: (appointment: Appointment) => void;
};

/** Asks before cancelling, with an optional reason for staff (never sent to the patient). */
export function CancelAppointmentModal({ appointment, onClose, onCancelled }: Props) {
  return (
    <Modal opened={appointment !== null} onClose={onClose} title="Cancel this appointment?" centered data-testid="appt-cancel-modal">
      {appointment && <CancelForm appointment={appointment} onClose={onClose} onCancelled={onCancelled} />}
    </Modal>
  );
}

function CancelForm({ appointment: a, onClose, onCancelled }: { appointment: Appointment; onClose: () => void; onCancelled: (a: Appointment) => void }) {
  const [reason, setReason] = useState("");
  const { run, busy, error } = useAction();

  async function confirm() {
    const next = await run(() => ipc.appointmentCancel(a.id, { reason: reason.trim() }));
    if (next) onCancelled(next);
  }

  return (
    <Stack gap="md">
      <Text size="sm">
        {a.patientName}, {formatDayTime(a.startsAt)} with {a.clinicianName}. Reminders for it stop; if the cancellation
        notice is on, the patient is told on WhatsApp.
      </Text>
      <Textarea
        label="Reason (optional)"
        description="For staff only."
        autosize
        minRows={2}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        data-testid="appt-cancel-reason"
      />
      <ErrorAlert error={error} testId="appt-cancel-error" />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={busy}>
          Keep it
        </Button>
        <Button color="red" onClick={() => void confirm()} loading={busy} data-testid="appt-cancel-confirm">
          Cancel appointment
        </Button>
      </Group>
    </Stack>
  );
}
