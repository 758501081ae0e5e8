import { Anchor, Button, Group, Radio, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { TunnelMode } from "../../bindings/TunnelMode";
import type { TunnelSettings } from "../../bindings/TunnelSettings";
import type { TunnelState } from "../../bindings/TunnelState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";
import { KEEP, SecretField, secretToSend, type SecretEdit } from "../settings/SecretField";
import { TunnelStateView } from "./TunnelStateView";

type Props = {
  /** The live tunnel state from the connection health (null while it loads). */
  tunnel: TunnelState | null;
  /** After a save: the page refetches the health. */
  onSaved: () => void;
  /** No app secret yet, so nothing listens on this PC and the tunnel waits for step 2. */
  waitingForServer?: boolean;
};

/** Step 1: how WhatsApp reaches this computer. */
export function TunnelStep({ tunnel, onSaved, waitingForServer = false }: Props) {
  const { state, retry, setState } = useLoad(ipc.tunnelGet);
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        WhatsApp delivers patients' messages to a public HTTPS address. ngrok gives this computer one without
        touching the clinic's router.
      </Text>
      {state.status === "loading" && <PageLoader label="Loading the public address…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {state.status === "ready" && (
        <TunnelForm
          current={state.data}
          onSaved={(data) => {
            setState({ status: "ready", data });
            onSaved();
          }}
        />
      )}
      {tunnel && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Right now
          </Text>
          <TunnelStateView tunnel={tunnel} testId="tunnel-state" />
          {waitingForServer && tunnel.state === "off" && (
            <Text size="sm" c="dimmed" data-testid="tunnel-waits-for-secret">
              The address opens once the app secret is saved in the next step: until then nothing on this
              computer listens for WhatsApp, so there is nothing to open it to.
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function TunnelForm({ current, onSaved }: { current: TunnelSettings; onSaved: (s: TunnelSettings) => void }) {
  const [mode, setMode] = useState<TunnelMode>(current.config.mode);
  const [domain, setDomain] = useState(current.config.domain ?? "");
  const [publicUrl, setPublicUrl] = useState(current.config.publicUrl ?? "");
  const [authtoken, setAuthtoken] = useState<SecretEdit>(KEEP);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const token = secretToSend(authtoken);
    if (mode === "ngrok" && (token === "" || (token === null && !current.authtokenSaved))) {
      save.setError({ code: "form", message: "Paste the ngrok authtoken: ngrok does not open an address without it." });
      return;
    }
    const url = publicUrl.trim();
    if (mode === "own_url" && !/^https:\/\/[^\s/]+/i.test(url)) {
      save.setError({ code: "form", message: "Enter the address with https://, e.g. https://intake.clinic.example." });
      return;
    }
    const result = await save.run(() =>
      ipc.tunnelUpdate({
        config: {
          mode,
          domain: mode === "ngrok" && domain.trim() !== "" ? domain.trim() : null,
          publicUrl: mode === "own_url" ? url : null,
        },
        authtoken: token,
      }),
    );
    if (result) {
      setAuthtoken(KEEP);
      setSaved(mode === "off" ? "Saved: no public address for now." : "Public address saved.");
      onSaved(result);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Radio.Group
          label="Public address"
          value={mode}
          onChange={(value) => {
            setMode(value as TunnelMode);
            save.setError(null);
          }}
        >
          <Stack gap="xs" mt="xs">
            <Radio value="ngrok" label="Use ngrok (recommended)" data-testid="tunnel-mode-ngrok" />
            <Radio value="own_url" label="I have my own HTTPS address" data-testid="tunnel-mode-own_url" />
            <Radio value="off" label="Not now" data-testid="tunnel-mode-off" />
          </Stack>
        </Radio.Group>
        {mode === "ngrok" && (
          <>
            <SecretField
              label="ngrok authtoken"
              description={
                <>
                  Sign in at{" "}
                  <Anchor href="https://dashboard.ngrok.com/get-started/your-authtoken" target="_blank" rel="noreferrer" size="xs">
                    dashboard.ngrok.com → Your Authtoken
                  </Anchor>{" "}
                  and copy it here.
                </>
              }
              saved={current.authtokenSaved}
              edit={authtoken}
              onChange={setAuthtoken}
              testId="tunnel-authtoken"
            />
            <TextInput
              label="Static domain (optional)"
              description="ngrok's free static domain, e.g. clinic.ngrok-free.app. Without one the address changes each time, and Meta must be told again."
              placeholder="clinic.ngrok-free.app"
              value={domain}
              onChange={(e) => setDomain(e.currentTarget.value)}
              data-testid="tunnel-domain"
            />
          </>
        )}
        {mode === "own_url" && (
          <TextInput
            label="Public HTTPS address"
            description="An address that forwards to this computer's webhook, e.g. https://intake.clinic.example."
            placeholder="https://"
            value={publicUrl}
            onChange={(e) => setPublicUrl(e.currentTarget.value)}
            data-testid="tunnel-public-url"
          />
        )}
        <ErrorAlert error={save.error} testId="tunnel-error" />
        <SuccessAlert message={saved} testId="tunnel-saved" />
        <Group justify="flex-end">
          <Button type="submit" loading={save.busy} data-testid="tunnel-save">
            Save public address
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
