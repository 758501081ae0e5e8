import { Button, Code, Group, List, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { SessionInfo } from "../../bindings/SessionInfo";
import type { TotpEnrollment } from "../../bindings/TotpEnrollment";
import { ErrorAlert } from "../../components/ErrorAlert";
import { QrCode } from "../../components/QrCode";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

type Props = { session: SessionInfo; onSessionChange: (session: SessionInfo) => void };

export function TwoStepSection({ session, onSessionChange }: Props) {
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const { run, busy, error, setError } = useAction();

  async function begin() {
    setNotice(null);
    const started = await run(ipc.totpBegin);
    if (started) setEnrollment(started);
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setError({ code: "form", message: "Enter the 6 digits your authenticator app shows for Intake Desk." });
      return;
    }
    const done = await run(async () => {
      await ipc.totpConfirm(code);
      return true;
    }, () => setCode(""));
    if (done) {
      setEnrollment(null);
      setCode("");
      setNotice("Two-step sign-in is on. From now on you will be asked for a code when you sign in.");
      onSessionChange({ ...session, totpEnabled: true });
    }
  }

  async function disable(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError({ code: "form", message: "Enter your password to turn two-step sign-in off." });
      return;
    }
    const done = await run(async () => {
      await ipc.totpDisable(password);
      return true;
    }, () => setPassword(""));
    if (done) {
      setPassword("");
      setNotice("Two-step sign-in is off. You will sign in with your password only.");
      onSessionChange({ ...session, totpEnabled: false });
    }
  }

  if (session.totpEnabled) {
    return (
      <form onSubmit={disable} noValidate>
        <Stack gap="md" maw={420}>
          <SuccessAlert message={notice} testId="totp-notice" />
          <Text size="sm" data-testid="totp-status">Two-step sign-in is <b>on</b>: signing in needs your password and a code from your phone.</Text>
          <PasswordInput
            label="Your password, to turn it off"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="totp-disable-password"
          />
          <ErrorAlert error={error} testId="totp-error" />
          <Group>
            <Button color="red" variant="light" type="submit" loading={busy} data-testid="totp-disable">
              Turn off two-step sign-in
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }

  if (!enrollment) {
    return (
      <Stack gap="md" maw={520} align="flex-start">
        <SuccessAlert message={notice} testId="totp-notice" />
        <Text size="sm" data-testid="totp-status">
          Two-step sign-in is <b>off</b>. Turn it on so that a stolen password alone cannot open the
          clinic's records. You need an authenticator app on your phone (e.g. Google Authenticator,
          Microsoft Authenticator, Aegis).
        </Text>
        <ErrorAlert error={error} testId="totp-error" />
        <Button onClick={() => void begin()} loading={busy} data-testid="totp-begin">
          Turn on two-step sign-in
        </Button>
      </Stack>
    );
  }

  return (
    <form onSubmit={confirm} noValidate>
      <Stack gap="md" maw={560}>
        <List type="ordered" size="sm" spacing={4}>
          <List.Item>Open your authenticator app and add an account.</List.Item>
          <List.Item>Scan this QR code, or type the key below by hand.</List.Item>
          <List.Item>Enter the 6-digit code the app shows.</List.Item>
        </List>
        <Group align="flex-start" gap="lg">
          <QrCode value={enrollment.otpauthUrl} />
          <Stack gap={4}>
            <Text size="sm" c="dimmed">Key (if you cannot scan):</Text>
            <Code block data-testid="totp-secret" style={{ wordBreak: "break-all", maxWidth: 280 }}>
              {enrollment.secret}
            </Code>
          </Stack>
        </Group>
        <TextInput
          label="6-digit code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          autoFocus
          value={code}
          onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ""))}
          maw={200}
          data-testid="totp-code"
        />
        <ErrorAlert error={error} testId="totp-error" />
        <Group>
          <Button type="submit" loading={busy} data-testid="totp-confirm">
            Confirm and turn on
          </Button>
          <Button variant="subtle" color="gray" onClick={() => { setEnrollment(null); setError(null); }} disabled={busy}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
