import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { ConnectionHealth } from "../../bindings/ConnectionHealth";
import type { EdgeHealth } from "../../bindings/EdgeHealth";
import type { ErrorBody } from "../../bindings/ErrorBody";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { formatAgo, formatCount, formatDateTime, formatShortTime } from "../../format";
import { useNow } from "../../hooks/useNow";
import { TunnelStateView } from "./TunnelStateView";
import { useConnectionHealth } from "./useConnectionHealth";

export type HealthLevel = "ok" | "warning" | "failing";

const LEVELS: Record<HealthLevel, { label: string; color: string }> = {
  ok: { label: "Working", color: "teal" },
  warning: { label: "Needs attention", color: "orange" },
  failing: { label: "Not working", color: "red" },
};

/** Red: patients get no answer. Orange: something is on its way or not finished. */
export function healthLevel(h: ConnectionHealth): HealthLevel {
  if (h.send.tokenProblem || h.tunnel.state === "failed" || h.edge.badSignatures24h > 0 || h.bot.webhook === "failed") {
    return "failing";
  }
  if (
    h.tunnel.state !== "online" ||
    h.edge.verifiedAt === null ||
    h.send.backlog > 0 ||
    (h.send.lastError !== null && h.bot.outboxWaiting > 0) ||
    h.bot.webhook !== "listening"
  ) {
    return "warning";
  }
  return "ok";
}

/** When Meta last tried a wrong verify token, if no verification succeeded since; else null. */
export function refusedSinceVerified(edge: EdgeHealth): number | null {
  const refused = edge.verificationRefusedAt;
  return refused !== null && (edge.verifiedAt === null || refused > edge.verifiedAt) ? refused : null;
}

type FixProps = {
  /** The person may change the connection (admin): fixes name Connect WhatsApp. */
  canFix: boolean;
  /** Opens Connect WhatsApp (the dashboard); absent on that page itself. */
  onOpenConnect?: () => void;
};

/** The health panel that loads itself (the dashboard). */
export function ConnectionHealthPanel(props: FixProps) {
  const { state, retry } = useConnectionHealth();
  return <ConnectionHealthView state={state} onRetry={retry} {...props} />;
}

type LoadState = { status: "loading" } | { status: "error"; error: ErrorBody } | { status: "ready"; data: ConnectionHealth };

/** Is WhatsApp reaching the desk and are replies going out? For everyone at the desk. */
export function ConnectionHealthView({ state, onRetry, canFix, onOpenConnect }: FixProps & { state: LoadState; onRetry: () => void }) {
  const level = state.status === "ready" ? healthLevel(state.data) : undefined;
  return (
    <Paper withBorder p="md" data-testid="health-panel" data-state={level}>
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={4}>WhatsApp connection</Title>
          {level && (
            <Badge color={LEVELS[level].color} variant="light" size="lg">
              {LEVELS[level].label}
            </Badge>
          )}
        </Group>
        {state.status === "loading" && <PageLoader label="Checking the connection…" />}
        {state.status === "error" && <LoadFailed error={state.error} onRetry={onRetry} />}
        {state.status === "ready" && <HealthDetails health={state.data} canFix={canFix} onOpenConnect={onOpenConnect} />}
      </Stack>
    </Paper>
  );
}

function HealthDetails({ health, canFix, onOpenConnect }: FixProps & { health: ConnectionHealth }) {
  const now = useNow(30_000); // re-words "3 min ago"; nothing is fetched
  const { edge, send, bot } = health;
  const refusedAt = refusedSinceVerified(edge);
  const fix = (admin: string, others: string) => (canFix ? admin : others);
  const showFixButton = canFix && onOpenConnect && healthLevel(health) !== "ok";

  return (
    <Stack gap="sm">
      <Row label="Public address">
        <TunnelStateView tunnel={health.tunnel} testId="health-tunnel" now={now} />
      </Row>
      <Row label="Checked by Meta">
        <Stack gap={2}>
          <Text size="sm" data-testid="health-verified" data-verified-at={edge.verifiedAt ?? undefined}>
            {edge.verifiedAt !== null ? `Verified at ${formatShortTime(edge.verifiedAt, now)}` : "Not verified yet"}
          </Text>
          {refusedAt !== null && (
            <Text size="sm" c="orange.9" data-testid="health-verify-refused">
              Meta tried with a different verify token at {formatShortTime(refusedAt, now)}:{" "}
              {fix("copy it again in Connect WhatsApp.", "ask an admin to copy it again.")}
            </Text>
          )}
        </Stack>
      </Row>
      <Row label="Last message from WhatsApp">
        <Text size="sm" data-testid="health-last-webhook" title={bot.lastWebhookAt !== null ? formatDateTime(bot.lastWebhookAt) : undefined}>
          {bot.lastWebhookAt !== null ? formatAgo(bot.lastWebhookAt, now) : "None yet"}
        </Text>
      </Row>
      <Row label="Refused messages (24 h)">
        <Text size="sm" c={edge.badSignatures24h > 0 ? "red.8" : undefined} data-testid="health-bad-signatures" data-count={edge.badSignatures24h}>
          {edge.badSignatures24h === 0
            ? "None"
            : `${formatCount(edge.badSignatures24h)} refused. Messages signed with a different app secret were refused: ${fix(
                "check the app secret in Connect WhatsApp matches Meta's App settings → Basic.",
                "ask an admin to check the app secret.",
              )}`}
        </Text>
      </Row>
      <Row label="Waiting to send">
        <Stack gap={2}>
          <Text size="sm" data-testid="health-outbox">
            {bot.outboxWaiting === 0 ? "Nothing" : `${formatCount(bot.outboxWaiting)} ${bot.outboxWaiting === 1 ? "message" : "messages"}`}
          </Text>
          {send.lastError && (
            <Text size="sm" c="dimmed" data-testid="health-last-error">
              Last send problem{send.lastError.at !== null ? ` (${formatShortTime(send.lastError.at, now)})` : ""}: {send.lastError.reason}
            </Text>
          )}
        </Stack>
      </Row>
      {send.tokenProblem && (
        <Text size="sm" c="red.8" fw={500} role="alert" data-testid="health-token-problem">
          Meta refused the access token (error 190):{" "}
          {fix("paste a new permanent token in Connect WhatsApp.", "replies stop until an admin pastes a new permanent token. Ask an admin.")}
        </Text>
      )}
      {send.backlog > 0 && (
        <Text size="sm" c="blue.8" data-testid="health-backlog" data-count={send.backlog}>
          Answering {formatCount(send.backlog)} {send.backlog === 1 ? "message" : "messages"} that arrived while this PC was off.
        </Text>
      )}
      {showFixButton && (
        <Group>
          <Button size="xs" variant="default" onClick={onOpenConnect} data-testid="health-open-connect">
            Open Connect WhatsApp
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <SimpleGrid cols={2} spacing="xs" style={{ gridTemplateColumns: "minmax(8rem, 2fr) 3fr" }}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <div>{children}</div>
    </SimpleGrid>
  );
}
