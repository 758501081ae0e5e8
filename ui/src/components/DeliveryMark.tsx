import type { ReactNode } from "react";
import { Group, Text } from "@mantine/core";
import type { Delivery } from "../bindings/Delivery";
import { DELIVERY_LABELS } from "../labels";

const TICK_BLUE = "#34B7F1";

/** WhatsApp's ticks, each with its word for anyone who does not read ticks. */
export function DeliveryMark({ delivery }: { delivery: Delivery }) {
  const label = DELIVERY_LABELS[delivery];
  let mark: ReactNode;
  let color: string | undefined = "dimmed";
  switch (delivery) {
    case "queued":
      mark = <ClockIcon />;
      break;
    case "sent":
      mark = "✓";
      break;
    case "delivered":
      mark = "✓✓";
      break;
    case "read":
      mark = "✓✓";
      color = TICK_BLUE;
      break;
    case "failed":
      mark = "!";
      color = "red.7";
      break;
    case "needs_staff":
      mark = "!";
      color = "orange.8";
      break;
  }
  return (
    <Group gap={4} wrap="nowrap" component="span" data-testid={`delivery-${delivery}`} title={label}>
      <Text component="span" size="xs" fw={700} c={color} aria-hidden style={{ letterSpacing: "-0.2em", lineHeight: 1 }}>
        {mark}
      </Text>
      <Text component="span" size="xs" c={color === TICK_BLUE ? "dimmed" : color}>
        {label}
      </Text>
    </Group>
  );
}

function ClockIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 12 12" aria-hidden focusable="false" style={{ verticalAlign: "-1px" }}>
      <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M6 3v3.2l2 1.3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}
