import { Button, Group, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { StaffSummary } from "../../bindings/StaffSummary";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PASSWORD_RULES, passwordProblem } from "../../format";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

type Props = { user: StaffSummary | null; onClose: () => void; onDone: (message: string) => void };

export function ResetPasswordModal({ user, onClose, onDone }: Props) {
  return (
    <Modal opened={user !== null} onClose={onClose} title="Reset password" centered data-testid="reset-password-modal">
      {user && <ResetPasswordForm user={user} onCancel={onClose} onDone={onDone} />}
    </Modal>
  );
}

function ResetPasswordForm({ user, onCancel, onDone }: { user: StaffSummary; onCancel: () => void; onDone: (m: string) => void }) {
  const [password, setPassword] = useState("");
  const { run, busy, error, setError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = passwordProblem(password, user.username);
    if (problem) {
      setError({ code: "form", message: problem });
      return;
    }
    const done = await run(async () => {
      await ipc.usersResetPassword(user.id, password);
      return true;
    });
    if (done) onDone(`${user.displayName}'s password was reset. Give them the new password in person.`);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          Choose a new password for <b>{user.displayName}</b> ({user.username}). They can change it
          under My account after signing in.
        </Text>
        <PasswordInput
          label="New password"
          description={PASSWORD_RULES}
          autoComplete="new-password"
          data-autofocus
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-testid="reset-password-input"
        />
        <ErrorAlert error={error} testId="reset-password-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} data-testid="reset-password-submit">
            Reset password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
