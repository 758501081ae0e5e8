import { Anchor, Badge, Code, Group, Stack, Text } from "@mantine/core";
import type { TunnelState } from "../../bindings/TunnelState";
import { formatShortTime } from "../../format";

export const TUNNEL_LABELS: Record<TunnelState["state"], { label: string; color: string }> = {
  off: { label: "No public address", color: "gray" },
  connecting: { label: "Connecting…", color: "blue" },
  online: { label: "Online", color: "teal" },
  reconnecting: { label: "Reconnecting", color: "orange" },
  failed: { label: "Not working", color: "red" },
};

type Props = { tunnel: TunnelState; testId: string; now?: number };

/** The public address: its state in words (never colour alone), the URL, or the problem. */
export function TunnelStateView({ tunnel, testId, now }: Props) {
  const { label, color } = TUNNEL_LABELS[tunnel.state];
  return (
    <Stack gap={4} data-testid={testId} data-state={tunnel.state}>
      <Group gap="xs">
        <Badge color={color} variant="light">
          {label}
        </Badge>
      </Group>
      {tunnel.state === "off" && (
        <Text size="sm" c="dimmed">
          WhatsApp cannot reach this computer until it has a public HTTPS address.
        </Text>
      )}
      {tunnel.state === "connecting" && (
        <Text size="sm" c="dimmed">
          Opening the public address…
        </Text>
      )}
      {tunnel.state === "online" && (
        <Text size="sm">
          <Anchor href={tunnel.url} target="_blank" rel="noreferrer">
            <Code style={{ wordBreak: "break-all" }}>{tunnel.url}</Code>
          </Anchor>
        </Text>
      )}
      {tunnel.state === "reconnecting" && (
        <Text size="sm" c="orange.9">
          {tunnel.problem.message} Trying again at {formatShortTime(tunnel.retryAtMs, now)} (attempt {tunnel.attempt}).
        </Text>
      )}
      {tunnel.state === "failed" && (
        <Text size="sm" c="red.8" role="alert">
          {tunnel.problem.message}
        </Text>
      )}
    </Stack>
  );
}
