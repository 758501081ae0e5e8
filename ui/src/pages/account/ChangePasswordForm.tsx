import { Button, Group, PasswordInput, Stack } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { PASSWORD_RULES, passwordProblem } from "../../format";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

export function ChangePasswordForm({ username }: { username: string }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const { run, busy, error, setError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const problem = !current
      ? "Enter your current password."
      : passwordProblem(next, username) ?? (next !== confirm ? "The two new passwords are not the same. Type them again." : null);
    if (problem) {
      setError({ code: "form", message: problem });
      return;
    }
    const done = await run(async () => {
      await ipc.changePassword(current, next);
      return true;
    });
    if (done) {
      setCurrent("");
      setNext("");
      setConfirm("");
      setSaved("Your password was changed. Use the new one from now on.");
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md" maw={420}>
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          autoFocus
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          data-testid="account-current-password"
        />
        <PasswordInput
          label="New password"
          description={PASSWORD_RULES}
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          data-testid="account-new-password"
        />
        <PasswordInput
          label="Type the new password again"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          data-testid="account-confirm-password"
        />
        <ErrorAlert error={error} testId="account-password-error" />
        <SuccessAlert message={saved} testId="account-password-saved" />
        <Group>
          <Button type="submit" loading={busy} data-testid="account-change-password">
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
