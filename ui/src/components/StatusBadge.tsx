import { Badge } from "@mantine/core";
import type { IntakeStatus } from "../bindings/IntakeStatus";
import { STATUS_COLORS, STATUS_LABELS } from "../labels";

/** The status in words, with colour only as a second cue. */
export function StatusBadge({ status, size = "md" }: { status: IntakeStatus; size?: "sm" | "md" | "lg" }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" size={size} data-status={status}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
