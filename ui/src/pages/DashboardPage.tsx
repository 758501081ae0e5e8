import { Grid, Paper, SimpleGrid, Stack, Text, UnstyledButton } from "@mantine/core";
import type { ReactNode } from "react";
import type { IntakeStatus } from "../bindings/IntakeStatus";
import type { Permission } from "../bindings/Permission";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { formatCount, localIsoDay } from "../format";
import { ALL_DESK_EVENTS, useDeskEvents } from "../hooks/useDeskEvents";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import { STATUS_COLORS, STATUS_LABELS } from "../labels";
import type { Route } from "../shell/pages";
import { ConnectionHealthView } from "./connect/ConnectionHealthPanel";
import { useConnectionHealth } from "./connect/useConnectionHealth";
import { BotCard } from "./dashboard/BotCard";
import { PerDayChart } from "./dashboard/PerDayChart";
import type { QueueFilters } from "./queue/queueFilters";

type Props = {
  permissions: readonly Permission[];
  onNavigate: (route: Route) => void;
  onOpenQueue: (filters: Partial<QueueFilters>) => void;
};

/** The day at a glance: what came in, what waits for a person, and whether the bot is up. */
export function DashboardPage({ permissions, onNavigate, onOpenQueue }: Props) {
  const { state, reload, retry } = useLoad(ipc.dashboardGet);
  useDeskEvents(ALL_DESK_EVENTS, () => void reload());
  const health = useConnectionHealth();
  const canInbox = permissions.includes("handle_conversations");
  const canConnect = permissions.includes("manage_settings");
  const today = localIsoDay();

  return (
    <Stack gap="lg">
      <PageHeader page="dashboard" title="Dashboard" description="Today at the clinic. Updates by itself." />
      {state.status === "loading" && <PageLoader label="Loading today's numbers…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {state.status === "ready" && (
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Stack gap="lg">
              <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md" data-testid="dashboard-today">
                <Stat
                  label="Intakes today"
                  value={state.data.today.total}
                  testId="dashboard-today-total"
                  onClick={() => onOpenQueue({ from: today, to: today })}
                />
                {(["new", "needs_follow_up", "reviewed"] as IntakeStatus[]).map((s) => (
                  <Stat
                    key={s}
                    label={`${STATUS_LABELS[s]} today`}
                    value={s === "new" ? state.data.today.new : s === "reviewed" ? state.data.today.reviewed : state.data.today.needsFollowUp}
                    color={STATUS_COLORS[s]}
                    testId={`dashboard-today-${s}`}
                    onClick={() => onOpenQueue({ from: today, to: today, statuses: [s] })}
                  />
                ))}
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                <Stat
                  label="Awaiting review (any day)"
                  value={state.data.awaitingReview}
                  hint={state.data.awaitingReview === 0 ? "All caught up." : "Open the queue to review them."}
                  testId="dashboard-awaiting-review"
                  onClick={() => onOpenQueue({ reviewed: "not_reviewed", sort: "submitted_at", descending: false })}
                />
                <Stat
                  label="Patients waiting for staff"
                  value={state.data.waitingForStaff}
                  color={state.data.waitingForStaff > 0 ? "orange" : undefined}
                  hint={
                    state.data.waitingForStaff === 0
                      ? "Nobody is waiting."
                      : canInbox
                        ? "Open the inbox to answer them."
                        : "Someone at the front desk answers them in the inbox."
                  }
                  testId="dashboard-waiting-staff"
                  onClick={canInbox ? () => onNavigate({ page: "inbox" }) : undefined}
                />
              </SimpleGrid>
              <PerDayChart days={state.data.perDay} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Stack gap="lg">
              <BotCard tunnel={health.state.status === "ready" ? health.state.data.tunnel : null} />
              <ConnectionHealthView
                state={health.state}
                onRetry={health.retry}
                canFix={canConnect}
                onOpenConnect={canConnect ? () => onNavigate({ page: "connect" }) : undefined}
              />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

type StatProps = { label: string; value: number; color?: string; hint?: ReactNode; testId: string; onClick?: () => void };

function Stat({ label, value, color, hint, testId, onClick }: StatProps) {
  const body = (
    <Stack gap={2}>
      <Text size="sm" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text fz={32} fw={700} lh={1.1} c={color ? `${color}.8` : undefined} data-testid={`${testId}-value`}>
        {formatCount(value)}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Stack>
  );
  return (
    <Paper withBorder p="md" data-testid={testId}>
      {onClick ? (
        <UnstyledButton onClick={onClick} w="100%" aria-label={`${label}: ${value}. Open`}>
          {body}
        </UnstyledButton>
      ) : (
        body
      )}
    </Paper>
  );
}
