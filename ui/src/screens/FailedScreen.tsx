import { Alert, Button, Divider, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { StartupStatus } from "../bindings/StartupStatus";
import { CenteredCard } from "../components/CenteredCard";
import { ErrorAlert } from "../components/ErrorAlert";
import { RestoreBackupForm } from "../components/RestoreBackupForm";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";

/** Failures that a backup file (with the recovery key) can fix. */
export const RESTORABLE_CODES = ["store.missing", "key.info_missing", "store.damaged", "key.recovery_file"];

type Props = {
  error: ErrorBody;
  onStatus: (status: StartupStatus) => void;
  onRestored: (notice: string) => void;
};

export function FailedScreen({ error, onStatus, onRestored }: Props) {
  const [restoring, setRestoring] = useState(false);
  const retry = useAction();
  const canRestore = RESTORABLE_CODES.includes(error.code);

  async function tryAgain() {
    const status = await retry.run(ipc.startupRetry);
    if (status) onStatus(status);
  }

  return (
    <CenteredCard
      title="Intake Desk could not open the records"
      titleTestId="failed-title"
      width={560}
      testId="failed-screen"
    >
      <Alert color="red" variant="light" data-testid="failed-message">
        <Text size="md" fw={500}>
          {error.message}
        </Text>
      </Alert>
      <Text size="sm" c="dimmed">
        Nothing has been changed. When you have done what the message says, choose Try again.
      </Text>
      <ErrorAlert error={retry.error} testId="failed-retry-error" />
      <Group>
        <Button onClick={() => void tryAgain()} loading={retry.busy} autoFocus data-testid="failed-retry">
          Try again
        </Button>
        {canRestore && !restoring && (
          <Button variant="default" onClick={() => setRestoring(true)} data-testid="failed-restore">
            Restore from a backup file
          </Button>
        )}
      </Group>
      {canRestore && restoring && (
        <Stack gap="sm">
          <Divider />
          <Text fw={600}>Restore from a backup file</Text>
          <RestoreBackupForm
            onRestored={() => onRestored("The backup was restored. Sign in to continue.")}
            onCancel={() => setRestoring(false)}
          />
        </Stack>
      )}
    </CenteredCard>
  );
}
