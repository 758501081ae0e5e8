import { Button, Code, Group, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { chooseBackupToRestore } from "../dialogs";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";
import { ErrorAlert } from "./ErrorAlert";
import { RecoveryKeyInput } from "./RecoveryKeyInput";

type Props = {
  onRestored: () => void;
  onCancel?: () => void;
};

/** Pick a .idbk file, type the recovery key, restore. Used by the recovery and failure screens. */
export function RestoreBackupForm({ onRestored, onCancel }: Props) {
  const [path, setPath] = useState<string | null>(null);
  const [key, setKey] = useState("");
  const picker = useAction();
  const restore = useAction();

  async function pick() {
    const picked = await picker.run(chooseBackupToRestore);
    if (picked) {
      setPath(picked);
      restore.setError(null);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!path) return;
    if (!key.trim()) {
      restore.setError({ code: "form", message: "Enter the recovery key to open the backup." });
      return;
    }
    const done = await restore.run(async () => {
      await ipc.restoreBackup(path, key);
      return true;
    });
    if (done) onRestored();
  }

  return (
    <form onSubmit={submit} noValidate data-testid="restore-form">
      <Stack gap="md">
        <Text size="sm">
          A backup file ends in <Code>.idbk</Code>. Restoring replaces the records on this computer with
          the ones in the backup; anything entered after that backup was made is not in it.
        </Text>
        <Group gap="sm" wrap="nowrap">
          <Button variant="default" onClick={() => void pick()} loading={picker.busy} data-testid="restore-choose-file">
            {path ? "Choose another file…" : "Choose backup file…"}
          </Button>
          {path && (
            <Text size="sm" style={{ wordBreak: "break-all" }} data-testid="restore-path">
              {path}
            </Text>
          )}
        </Group>
        <ErrorAlert error={picker.error} />
        {path && (
          <>
            <RecoveryKeyInput value={key} onChange={setKey} autoFocus testId="restore-recovery-key" />
            <ErrorAlert error={restore.error} testId="restore-error" />
            <Group justify="flex-end">
              {onCancel && (
                <Button variant="subtle" color="gray" onClick={onCancel}>
                  Cancel
                </Button>
              )}
              <Button type="submit" loading={restore.busy} data-testid="restore-submit">
                Restore backup
              </Button>
            </Group>
          </>
        )}
        {!path && onCancel && (
          <Group justify="flex-end">
            <Button variant="subtle" color="gray" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
