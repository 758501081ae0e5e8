import type { AppointmentQuery } from "../../bindings/AppointmentQuery";
import { useLatest } from "../../hooks/useLatest";
import * as ipc from "../../ipc";

// A patient's answer arrives as a conversation change; ticks as delivery changes.
const EVENTS = ["appointments_changed", "conversation_changed", "delivery_changed"] as const;

/** The appointments of `query`, refetched live. */
export function useAppointments(query: AppointmentQuery) {
  return useLatest(ipc.appointmentsList, query, EVENTS);
}
