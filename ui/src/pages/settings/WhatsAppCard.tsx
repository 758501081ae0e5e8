import { Button, Code, CopyButton, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { WhatsAppSettings } from "../../bindings/WhatsAppSettings";
import { ConfirmModal } from "../../components/ConfirmModal";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";
import { KEEP, SecretField, secretToSend, type SecretEdit } from "./SecretField";

/** The WhatsApp Cloud API connection. Secrets are write-only. */
export function WhatsAppCard() {
  const { state, retry, setState } = useLoad(ipc.whatsappGet);
  return (
    <Paper withBorder p="lg" data-testid="wa-card">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={4}>WhatsApp connection</Title>
          <Text size="sm" c="dimmed">
            From the clinic's app in Meta for Developers (WhatsApp → API Setup). Saved secrets are never shown again.
          </Text>
        </Stack>
        {state.status === "loading" && <PageLoader label="Loading the WhatsApp connection…" />}
        {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
        {state.status === "ready" && (
          <WhatsAppForm current={state.data} onSaved={(data) => setState({ status: "ready", data })} />
        )}
      </Stack>
    </Paper>
  );
}

function WhatsAppForm({ current, onSaved }: { current: WhatsAppSettings; onSaved: (s: WhatsAppSettings) => void }) {
  const [phoneId, setPhoneId] = useState(current.phoneNumberId);
  const [wabaId, setWabaId] = useState(current.businessAccountId);
  const [appSecret, setAppSecret] = useState<SecretEdit>(KEEP);
  const [accessToken, setAccessToken] = useState<SecretEdit>(KEEP);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmRenew, setConfirmRenew] = useState(false);
  const save = useAction();
  const renew = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const idProblem = [phoneId, wabaId].some((v) => v.trim() !== "" && !/^\d+$/.test(v.trim()));
    if (idProblem) {
      save.setError({ code: "form", message: "The phone number ID and the WhatsApp Business Account ID are numbers only." });
      return;
    }
    const result = await save.run(() =>
      ipc.whatsappUpdate({
        phoneNumberId: phoneId.trim(),
        businessAccountId: wabaId.trim(),
        appSecret: secretToSend(appSecret),
        accessToken: secretToSend(accessToken),
      }),
    );
    if (result) {
      setAppSecret(KEEP);
      setAccessToken(KEEP);
      setPhoneId(result.phoneNumberId);
      setWabaId(result.businessAccountId);
      setSaved("WhatsApp connection saved.");
      onSaved(result);
    }
  }

  async function renewToken() {
    const result = await renew.run(ipc.whatsappRenewVerifyToken);
    if (result) {
      setConfirmRenew(false);
      setSaved("New verify token made. Paste it into Meta's webhook settings.");
      onSaved(result);
    }
  }

  return (
    <>
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Phone number ID"
          description="A long number under API Setup, not the phone number itself."
          inputMode="numeric"
          value={phoneId}
          onChange={(e) => setPhoneId(e.currentTarget.value)}
          data-testid="wa-phone-number-id"
        />
        <TextInput
          label="WhatsApp Business Account ID"
          inputMode="numeric"
          value={wabaId}
          onChange={(e) => setWabaId(e.currentTarget.value)}
          data-testid="wa-business-account-id"
        />
        <SecretField
          label="App secret"
          description="App settings → Basic → App secret. Used to check that messages really come from WhatsApp."
          saved={current.appSecretSaved}
          edit={appSecret}
          onChange={setAppSecret}
          testId="wa-app-secret"
        />
        <SecretField
          label="Access token"
          description="The temporary token on Meta's API Setup page stops working after 24 hours, and the bot's replies stop with it. Create a permanent token of a system user instead (Meta Business Settings → System users), with the whatsapp_business_messaging and whatsapp_business_management permissions."
          saved={current.accessTokenSaved}
          edit={accessToken}
          onChange={setAccessToken}
          testId="wa-access-token"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Verify token
          </Text>
          <Text size="xs" c="dimmed">
            Made by Intake Desk. Paste it into Meta's webhook settings together with the callback URL.
          </Text>
          <Group gap="xs">
            <Code data-testid="wa-verify-token" style={{ userSelect: "all" }}>
              {current.verifyToken || "—"}
            </Code>
            <CopyButton value={current.verifyToken}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="default" onClick={copy} disabled={!current.verifyToken} data-testid="wa-verify-copy">
                  {copied ? "Copied ✓" : "Copy"}
                </Button>
              )}
            </CopyButton>
            <Button size="compact-sm" variant="subtle" onClick={() => setConfirmRenew(true)} data-testid="wa-verify-renew">
              Generate a new one
            </Button>
          </Group>
        </Stack>
        <ErrorAlert error={save.error} testId="wa-error" />
        <SuccessAlert message={saved} testId="wa-saved" />
        <Group justify="flex-end">
          <Button type="submit" loading={save.busy} data-testid="wa-save">
            Save WhatsApp connection
          </Button>
        </Group>
      </Stack>
    </form>
      <ConfirmModal
        opened={confirmRenew}
        title="Generate a new verify token"
        confirmLabel="Generate"
        busy={renew.busy}
        error={renew.error}
        onConfirm={() => void renewToken()}
        onClose={() => setConfirmRenew(false)}
        testId="wa-renew-confirm"
      >
        The old token stops working. Paste the new one into Meta's webhook settings, or WhatsApp cannot verify the webhook again.
      </ConfirmModal>
    </>
  );
}
