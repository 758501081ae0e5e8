import { Alert, Button, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { ConnectionCheck } from "../../bindings/ConnectionCheck";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import { WhatsAppCard } from "../settings/WhatsAppCard";

/** Step 2: the clinic's Meta app, then Meta's own word that it is the right number. */
export function MetaStep() {
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        In Meta for Developers, open the clinic's app → WhatsApp → API Setup. Copy the IDs, the app secret (App settings
        → Basic) and an access token here, save, then ask Meta whether it all fits.
      </Text>
      <WhatsAppCard />
      <MetaCheck />
    </Stack>
  );
}

function MetaCheck() {
  const [result, setResult] = useState<ConnectionCheck | null>(null);
  const [subscribed, setSubscribed] = useState(false);
  const check = useAction();
  const subscribe = useAction();

  async function runCheck() {
    setResult(null);
    const r = await check.run(ipc.setupCheck);
    if (r) setResult(r);
  }

  async function runSubscribe() {
    const done = await subscribe.run(async () => {
      await ipc.setupSubscribe();
      return true;
    });
    if (done) {
      setSubscribed(true);
      await runCheck();
    }
  }

  return (
    <Stack gap="sm">
      <Group>
        <Button variant="default" onClick={() => void runCheck()} loading={check.busy} data-testid="setup-check">
          Check with Meta
        </Button>
      </Group>
      <ErrorAlert error={check.error} title="Meta said no" testId="setup-check-error" />
      {result && (
        <Alert color="teal" variant="light" title="Meta knows this number" data-testid="setup-check-result">
          <SimpleGrid cols={2} spacing="xs" verticalSpacing={4}>
            <Text size="sm" c="dimmed">
              WhatsApp number
            </Text>
            <Text size="sm" fw={500} data-testid="setup-check-number">
              {result.displayPhoneNumber}
            </Text>
            <Text size="sm" c="dimmed">
              Name patients see
            </Text>
            <Text size="sm" data-testid="setup-check-name">
              {result.verifiedName || "Not approved by Meta yet"}
            </Text>
            {result.qualityRating && (
              <>
                <Text size="sm" c="dimmed">
                  Quality rating
                </Text>
                <Text size="sm">{result.qualityRating}</Text>
              </>
            )}
          </SimpleGrid>
        </Alert>
      )}
      {result?.webhookProblem && (
        <Alert color="orange" variant="light" title="Messages will not reach the bot yet" data-testid="setup-webhook-problem">
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{result.webhookProblem.message}</Text>
            <Button size="xs" onClick={() => void runSubscribe()} loading={subscribe.busy} data-testid="setup-subscribe">
              Subscribe
            </Button>
          </Stack>
        </Alert>
      )}
      <ErrorAlert error={subscribe.error} testId="setup-subscribe-error" />
      <SuccessAlert message={subscribed && !result?.webhookProblem ? "Subscribed: Meta now sends this app the WhatsApp account's messages." : null} testId="setup-subscribed" />
    </Stack>
  );
}
