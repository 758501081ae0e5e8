import { Badge, Group } from "@mantine/core";
import type { Appointment } from "../../bindings/Appointment";
import { ANSWER_COLORS, ANSWER_LABELS, APPOINTMENT_STATUS_COLORS, APPOINTMENT_STATUS_LABELS } from "./words";

/** Status, the patient's answer and a STOP, in words; a wish to reschedule stands out. */
export function AppointmentBadges({ appointment: a }: { appointment: Appointment }) {
  // "Confirmed" already says the patient confirmed; the answer badge would repeat it.
  const answer = a.patientAnswer && !(a.patientAnswer === "confirm" && a.status === "confirmed") ? a.patientAnswer : null;
  return (
    <Group gap={6} wrap="wrap">
      <Badge color={APPOINTMENT_STATUS_COLORS[a.status]} variant="light" data-testid="appt-status" data-status={a.status}>
        {APPOINTMENT_STATUS_LABELS[a.status]}
      </Badge>
      {answer && (
        <Badge
          color={ANSWER_COLORS[answer]}
          variant={answer === "reschedule" ? "filled" : "light"}
          data-testid="appt-answer"
          data-answer={answer}
        >
          {ANSWER_LABELS[answer]}
        </Badge>
      )}
      {a.remindersOff && (
        <Badge color="orange" variant="outline" data-testid="appt-reminders-off">
          Reminders off (patient replied STOP)
        </Badge>
      )}
    </Group>
  );
}

/** Where: telehealth or a place. */
export function PlaceBadge({ appointment: a }: { appointment: Appointment }) {
  if (a.telehealthUrl) {
    return (
      <Badge color="violet" variant="light" data-testid="appt-telehealth">
        Video call
      </Badge>
    );
  }
  if (a.location) {
    return (
      <Badge color="gray" variant="outline" style={{ textTransform: "none" }} data-testid="appt-location">
        {a.location}
      </Badge>
    );
  }
  return null;
}
