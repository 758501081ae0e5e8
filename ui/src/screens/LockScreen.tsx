import { Anchor, Button, PasswordInput, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { SessionInfo } from "../bindings/SessionInfo";
import { CenteredCard } from "../components/CenteredCard";
import { ErrorAlert } from "../components/ErrorAlert";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";

type Props = {
  clinicName: string;
  session: SessionInfo;
  onUnlocked: (session: SessionInfo) => void;
  onSwitchUser: () => void;
};

/** Shown instead of everything else: nothing of the screen behind it stays in the page. */
export function LockScreen({ clinicName, session, onUnlocked, onSwitchUser }: Props) {
  const [password, setPassword] = useState("");
  const { run, busy, error, setError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError({ code: "form", message: "Enter your password to unlock." });
      return;
    }
    const info = await run(() => ipc.sessionUnlock(password), () => setPassword(""));
    if (info) onUnlocked(info);
  }

  return (
    <CenteredCard
      title={`Locked — ${session.displayName}`}
      titleTestId="lock-title"
      subtitle={`${clinicName} · The screen was locked to keep patient information private.`}
      testId="lock-screen"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <PasswordInput
            label={`Password for ${session.username}`}
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="unlock-password"
          />
          <ErrorAlert error={error} testId="unlock-error" />
          <Button type="submit" loading={busy} data-testid="unlock-submit">
            Unlock
          </Button>
          <Text size="sm" c="dimmed" ta="center">
            Not {session.displayName}?{" "}
            <Anchor component="button" type="button" size="sm" onClick={onSwitchUser} data-testid="lock-switch-user">
              Sign in as someone else
            </Anchor>
          </Text>
        </Stack>
      </form>
    </CenteredCard>
  );
}
