import { Badge, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { BotStatus } from "../../bindings/BotStatus";
import type { TunnelState } from "../../bindings/TunnelState";
import type { WebhookState } from "../../bindings/WebhookState";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { formatAgo, formatCount, formatDateTime } from "../../format";
import { useDeskEvents } from "../../hooks/useDeskEvents";
import { useLoad } from "../../hooks/useLoad";
import { useNow } from "../../hooks/useNow";
import * as ipc from "../../ipc";

const WEBHOOK: Record<WebhookState, { label: string; color: string }> = {
  waiting: { label: "Waiting for the records to open", color: "gray" },
  not_configured: { label: "Not connected to WhatsApp yet", color: "orange" },
  starting: { label: "Starting…", color: "gray" },
  listening: { label: "Listening for WhatsApp messages", color: "teal" },
  failed: { label: "Not running", color: "red" },
};

/** Is the bot receiving and answering? Updated when the backend says it changed. */
export function BotCard({ tunnel = null }: { tunnel?: TunnelState | null }) {
  const { state, reload, retry } = useLoad(ipc.botStatus);
  const now = useNow(30_000); // only re-words "3 min ago"; nothing is fetched
  useDeskEvents(["bot_status_changed"], () => void reload());

  return (
    <Paper withBorder p="md" data-testid="dashboard-bot">
      <Stack gap="sm">
        <Title order={4}>WhatsApp bot</Title>
        {state.status === "loading" && <PageLoader label="Checking the bot…" />}
        {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
        {state.status === "ready" && <BotDetails status={state.data} now={now} tunnel={tunnel} />}
      </Stack>
    </Paper>
  );
}

function BotDetails({ status, now, tunnel }: { status: BotStatus; now: number; tunnel: TunnelState | null }) {
  const webhook = WEBHOOK[status.webhook];
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge color={webhook.color} variant="light" size="lg" data-testid="bot-webhook" data-state={status.webhook}>
          {webhook.label}
        </Badge>
      </Group>
      {status.problem && (
        <Text size="sm" c={status.webhook === "failed" ? "red.8" : "orange.9"} data-testid="bot-problem">
          {status.problem}
        </Text>
      )}
      <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
        <Text size="sm" c="dimmed">
          Replies
        </Text>
        <Text size="sm" data-testid="bot-replies">
          {status.repliesEnabled ? "On: the bot answers patients" : "Off: messages are kept and answered once WhatsApp is set up"}
        </Text>
        <Text size="sm" c="dimmed">
          Waiting to send
        </Text>
        <Text size="sm" data-testid="bot-outbox">
          {status.outboxWaiting === 0 ? "Nothing" : `${formatCount(status.outboxWaiting)} ${status.outboxWaiting === 1 ? "message" : "messages"}`}
        </Text>
        <Text size="sm" c="dimmed">
          Last message from WhatsApp
        </Text>
        <Text size="sm" data-testid="bot-last-webhook" title={status.lastWebhookAt !== null ? formatDateTime(status.lastWebhookAt) : undefined}>
          {status.lastWebhookAt !== null ? formatAgo(status.lastWebhookAt, now) : "None yet"}
        </Text>
        <Text size="sm" c="dimmed">
          This computer
        </Text>
        <Text size="sm">{status.localUrl ? <Code style={{ wordBreak: "break-all" }}>{status.localUrl}</Code> : "—"}</Text>
        <Text size="sm" c="dimmed">
          Public address
        </Text>
        <Text size="sm" data-testid="bot-public-address">
          {tunnel?.state === "online" ? <Code style={{ wordBreak: "break-all" }}>{tunnel.url}</Code> : "Not set up yet"}
        </Text>
      </SimpleGrid>
    </Stack>
  );
}
