import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useRef, useState, type FormEvent } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { LoginHint } from "../AuthGate";
import { CenteredCard } from "../components/CenteredCard";
import { ErrorAlert } from "../components/ErrorAlert";
import { SuccessAlert } from "../components/SuccessAlert";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";

type Props = {
  clinicName: string;
  hint: LoginHint;
  onSignedIn: (session: SessionInfo) => void;
};

const TOTP_PROMPT = "Enter the 6-digit code from your authenticator app.";

export function LoginScreen({ clinicName, hint, onSignedIn }: Props) {
  const [username, setUsername] = useState(hint.username ?? "");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [step, setStep] = useState<"credentials" | "totp">("credentials");
  const [notice, setNotice] = useState(hint.notice ?? null);
  const [prompt, setPrompt] = useState(TOTP_PROMPT);
  const { run, busy, error, setError } = useAction();
  const passwordRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  function onLoginError(e: ErrorBody) {
    switch (e.code) {
      case "auth.totp_required":
        // Not a failure: the account has two-step sign-in. Ask for the code.
        setPrompt(e.message);
        setError(null);
        setStep("totp");
        setCode("");
        break;
      case "auth.totp_invalid":
      case "auth.totp_replayed":
        setCode("");
        codeRef.current?.focus();
        break;
      case "auth.invalid_credentials":
        setStep("credentials");
        setPassword("");
        window.setTimeout(() => passwordRef.current?.focus(), 0);
        break;
      default:
        setStep("credentials");
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    if (step === "credentials" && (!username.trim() || !password)) {
      setError({ code: "form", message: "Enter your username and password." });
      return;
    }
    if (step === "totp" && !/^\d{6}$/.test(code.trim())) {
      setError({ code: "form", message: "Enter the 6 digits shown in your authenticator app." });
      codeRef.current?.focus();
      return;
    }
    const totp = step === "totp" ? code.trim() : null;
    const session = await run(() => ipc.login(username.trim(), password, totp), onLoginError);
    if (session) onSignedIn(session);
  }

  function switchAccount() {
    setStep("credentials");
    setCode("");
    setPassword("");
    setError(null);
  }

  return (
    <CenteredCard title={clinicName} titleTestId="login-title" subtitle="Sign in to Intake Desk" testId="login-screen">
      <SuccessAlert message={notice} testId="login-notice" />
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {step === "credentials" ? (
            <>
              <TextInput
                label="Username"
                autoComplete="username"
                autoFocus={!hint.username}
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                data-testid="login-username"
              />
              <PasswordInput
                ref={passwordRef}
                label="Password"
                autoComplete="current-password"
                autoFocus={Boolean(hint.username)}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                data-testid="login-password"
              />
            </>
          ) : (
            <Stack gap="xs">
              <Text fw={500}>Two-step sign-in for {username.trim()}</Text>
              <TextInput
                ref={codeRef}
                label="6-digit code"
                description={prompt}
                autoFocus
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                placeholder="123456"
                value={code}
                onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ""))}
                styles={{ input: { letterSpacing: "0.3em", fontSize: "1.2rem" } }}
                data-testid="login-totp"
              />
              <Anchor component="button" type="button" size="sm" onClick={switchAccount}>
                Sign in with a different account
              </Anchor>
            </Stack>
          )}
          <ErrorAlert error={error} testId="login-error" />
          <Button type="submit" loading={busy} data-testid="login-submit">
            {step === "credentials" ? "Sign in" : "Verify and sign in"}
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}
