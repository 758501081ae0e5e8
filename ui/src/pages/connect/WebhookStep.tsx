import { Alert, Button, Code, CopyButton, Group, Loader, Stack, Text } from "@mantine/core";
import type { ConnectionHealth } from "../../bindings/ConnectionHealth";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { formatDateTime, formatShortTime } from "../../format";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";
import { refusedSinceVerified } from "./ConnectionHealthPanel";

/** Step 3: what to paste into Meta's webhook settings, and Meta's verification arriving. */
export function WebhookStep({ health }: { health: ConnectionHealth | null }) {
  const settings = useLoad(ipc.whatsappGet);
  const tunnel = health?.tunnel;
  const edge = health?.edge;
  const refusedAt = edge ? refusedSinceVerified(edge) : null;

  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Callback URL
        </Text>
        {tunnel?.state === "online" ? (
          <Copyable value={tunnel.webhookUrl} testId="setup-callback-url" label="callback URL" />
        ) : (
          <Text size="sm" c="orange.9" data-testid="setup-callback-missing">
            {tunnel?.state === "connecting" || tunnel?.state === "reconnecting"
              ? "The public address is still connecting. The callback URL appears here once it is online."
              : "A public address is needed first: set one up in step 1."}
          </Text>
        )}
      </Stack>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Verify token
        </Text>
        {settings.state.status === "loading" && <PageLoader label="Loading the verify token…" />}
        {settings.state.status === "error" && <LoadFailed error={settings.state.error} onRetry={settings.retry} />}
        {settings.state.status === "ready" && (
          <Copyable value={settings.state.data.verifyToken} testId="setup-verify-token" label="verify token" />
        )}
      </Stack>
      <Text size="sm">
        Paste these into Meta's dashboard → WhatsApp → Configuration → Webhook, press <b>Verify and save</b>, and subscribe
        to the <b>messages</b> field.
      </Text>
      {refusedAt !== null && (
        <Alert color="orange" variant="light" data-testid="setup-verify-refused">
          Meta tried with a different verify token at {formatShortTime(refusedAt)}: copy it again.
        </Alert>
      )}
      {edge?.verifiedAt != null ? (
        <Alert color="teal" variant="light" data-testid="setup-verified" data-verified-at={edge.verifiedAt} title={`Verified at ${formatShortTime(edge.verifiedAt)}`}>
          <span title={formatDateTime(edge.verifiedAt)}>Meta checked the webhook and accepted it.</span>
        </Alert>
      ) : (
        <Group gap="xs" data-testid="setup-waiting" role="status">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            Waiting for Meta's verification request…
          </Text>
        </Group>
      )}
    </Stack>
  );
}

function Copyable({ value, testId, label }: { value: string; testId: string; label: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Code data-testid={testId} style={{ userSelect: "all", wordBreak: "break-all" }}>
        {value || "—"}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="compact-sm" variant="default" onClick={copy} disabled={!value} aria-label={`Copy the ${label}`} data-testid={`${testId}-copy`}>
            {copied ? "Copied ✓" : "Copy"}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
