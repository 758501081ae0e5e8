import { Alert, Anchor, Button, Divider, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import { CenteredCard } from "../components/CenteredCard";
import { ErrorAlert } from "../components/ErrorAlert";
import { RecoveryKeyInput } from "../components/RecoveryKeyInput";
import { RestoreBackupForm } from "../components/RestoreBackupForm";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";

type Props = {
  reason: ErrorBody;
  onDone: (notice: string) => void;
};

export function RecoveryScreen({ reason, onDone }: Props) {
  const [key, setKey] = useState("");
  const [restoring, setRestoring] = useState(false);
  const { run, busy, error, setError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!key.trim()) {
      setError({ code: "form", message: "Enter the recovery key from the paper you stored at set-up." });
      return;
    }
    const done = await run(async () => {
      await ipc.recoverWithKey(key);
      return true;
    });
    if (done) onDone("The records are open again. Sign in to continue.");
  }

  return (
    <CenteredCard
      title="Unlock the clinic's records"
      titleTestId="recovery-title"
      subtitle="Intake Desk needs the recovery key to open the records on this computer."
      width={560}
      testId="recovery-screen"
    >
      <Alert color="yellow" variant="light" data-testid="recovery-reason">
        {reason.message}
      </Alert>
      {restoring ? (
        <Stack gap="sm">
          <Text fw={600}>Restore from a backup file</Text>
          <RestoreBackupForm
            onRestored={() => onDone("The backup was restored. Sign in to continue.")}
            onCancel={() => setRestoring(false)}
          />
        </Stack>
      ) : (
        <>
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <RecoveryKeyInput value={key} onChange={setKey} autoFocus testId="recovery-key-input" />
              <ErrorAlert error={error} testId="recovery-error" />
              <Button type="submit" loading={busy} data-testid="recovery-submit">
                Unlock with recovery key
              </Button>
            </Stack>
          </form>
          <Divider />
          <Text size="sm" c="dimmed">
            No recovery key, or the records on this computer are damaged?{" "}
            <Anchor component="button" type="button" size="sm" onClick={() => setRestoring(true)} data-testid="recovery-restore-instead">
              Restore from a backup file instead
            </Anchor>
          </Text>
        </>
      )}
    </CenteredCard>
  );
}
