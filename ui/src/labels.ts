// Words for the backend's enums, so nothing is said by colour alone.
import type { Delivery } from "./bindings/Delivery";
import type { InboxReason } from "./bindings/InboxReason";
import type { IntakeStatus } from "./bindings/IntakeStatus";

export const STATUS_LABELS: Record<IntakeStatus, string> = {
  new: "New",
  reviewed: "Reviewed",
  needs_follow_up: "Needs follow-up",
};

export const STATUS_COLORS: Record<IntakeStatus, string> = {
  new: "blue",
  reviewed: "teal",
  needs_follow_up: "orange",
};

export const STATUS_ORDER: readonly IntakeStatus[] = ["new", "needs_follow_up", "reviewed"];

export const REASON_LABELS: Record<InboxReason, string> = {
  asked_for_staff: "Asked to talk to staff",
  taken_over: "Held by staff",
  send_problem: "A reply could not be sent",
};

export const DELIVERY_LABELS: Record<Delivery, string> = {
  queued: "Waiting to send",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not delivered",
  needs_staff: "Held for staff",
};
