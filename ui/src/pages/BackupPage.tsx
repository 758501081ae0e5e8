import { Alert, Button, Code, Paper, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { BackupInfo } from "../bindings/BackupInfo";
import { ErrorAlert } from "../components/ErrorAlert";
import { PageHeader } from "../components/PageHeader";
import { chooseBackupDestination } from "../dialogs";
import { formatBytes } from "../format";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";

export function BackupPage() {
  const [done, setDone] = useState<BackupInfo | null>(null);
  const { run, busy, error } = useAction();

  async function backUp() {
    setDone(null);
    const info = await run(async () => {
      const path = await chooseBackupDestination();
      return path === null ? null : ipc.backupCreate(path);
    });
    if (info) setDone(info);
  }

  return (
    <Stack gap="lg" maw={640}>
      <PageHeader
        page="backup"
        title="Backup"
        description="Save an encrypted copy of all the clinic's records to a file, e.g. on a USB stick."
      />
      <Paper withBorder p="lg">
        <Stack gap="md" align="flex-start">
          <Text size="sm">
            Make a backup at least once a week and keep it away from this computer. The file is
            encrypted: it can only be opened with the clinic's recovery key.
          </Text>
          <Button onClick={() => void backUp()} loading={busy} autoFocus data-testid="backup-create">
            Choose where to save…
          </Button>
          <ErrorAlert error={error} testId="backup-error" />
        </Stack>
      </Paper>
      {done && (
        <Alert color="teal" variant="light" title="Backup saved" data-testid="backup-result">
          <Stack gap={6}>
            <Text size="sm">
              Saved to <Code data-testid="backup-path">{done.path}</Code> ({formatBytes(done.bytes)}).
            </Text>
            <Text size="sm">
              To restore it you will need the recovery key that was written down when Intake Desk was
              set up. Keep the two apart: the file on the USB stick, the key on paper.
            </Text>
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
