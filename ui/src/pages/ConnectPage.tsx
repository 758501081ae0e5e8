import { Button, Grid, Group, Stack, Stepper } from "@mantine/core";
import { useState } from "react";
import { PageHeader } from "../components/PageHeader";
import { ConnectionHealthView } from "./connect/ConnectionHealthPanel";
import { MetaStep } from "./connect/MetaStep";
import { TestMessageStep } from "./connect/TestMessageStep";
import { TunnelStep } from "./connect/TunnelStep";
import { useConnectionHealth } from "./connect/useConnectionHealth";
import { WebhookStep } from "./connect/WebhookStep";

const LAST_STEP = 3;

/** Going live, step by step, in the order of Meta's own dashboard (admin). */
export function ConnectPage() {
  const [active, setActive] = useState(0);
  const health = useConnectionHealth();
  const data = health.state.status === "ready" ? health.state.data : null;

  return (
    <Stack gap="lg">
      <PageHeader
        page="connect"
        title="Connect WhatsApp"
        description="Four steps to let patients reach the bot on the clinic's WhatsApp number. Each one can be checked here."
      />
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <Stepper active={active} onStepClick={setActive} size="sm">
              <Stepper.Step label="Public address" description="How WhatsApp reaches this PC">
                <TunnelStep
                  tunnel={data?.tunnel ?? null}
                  onSaved={() => void health.reload()}
                  waitingForServer={data?.bot.webhook === "not_configured"}
                />
              </Stepper.Step>
              <Stepper.Step label="Meta app" description="IDs, secret and token">
                <MetaStep />
              </Stepper.Step>
              <Stepper.Step label="Webhook" description="Tell Meta where to send">
                <WebhookStep health={data} />
              </Stepper.Step>
              <Stepper.Step label="Test message" description="See it arrive">
                <TestMessageStep />
              </Stepper.Step>
            </Stepper>
            <Group justify="space-between">
              <Button variant="default" onClick={() => setActive((a) => a - 1)} disabled={active === 0} data-testid="connect-back">
                Back
              </Button>
              {active < LAST_STEP && (
                <Button onClick={() => setActive((a) => a + 1)} data-testid="connect-next">
                  Next step
                </Button>
              )}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <ConnectionHealthView state={health.state} onRetry={health.retry} canFix />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
