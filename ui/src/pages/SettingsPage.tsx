import { Button, Group, NumberInput, Paper, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ClinicSettings } from "../bindings/ClinicSettings";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { SuccessAlert } from "../components/SuccessAlert";
import { useAction } from "../hooks/useAction";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";

type Props = { onClinicNameChange: (name: string) => void };

export function SettingsPage({ onClinicNameChange }: Props) {
  const { state, retry } = useLoad(ipc.settingsGet);
  return (
    <Stack gap="lg" maw={560}>
      <PageHeader page="settings" title="Settings" description="Settings for everyone at this clinic." />
      {state.status === "loading" && <PageLoader label="Loading settings…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {state.status === "ready" && <SettingsForm initial={state.data} onSaved={onClinicNameChange} />}
    </Stack>
  );
}

function SettingsForm({ initial, onSaved }: { initial: ClinicSettings; onSaved: (name: string) => void }) {
  const [clinicName, setClinicName] = useState(initial.clinicName);
  const [minutes, setMinutes] = useState<number | string>(initial.idleLockMinutes);
  const [saved, setSaved] = useState<string | null>(null);
  const { run, busy, error, setError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const idle = typeof minutes === "number" ? minutes : Number.parseInt(minutes, 10);
    if (!clinicName.trim()) {
      setError({ code: "form", message: "Enter the clinic's name." });
      return;
    }
    if (!Number.isInteger(idle) || idle < 1 || idle > 120) {
      setError({ code: "form", message: "Choose a screen lock time from 1 to 120 minutes." });
      return;
    }
    const result = await run(() => ipc.settingsUpdate({ clinicName: clinicName.trim(), idleLockMinutes: idle }));
    if (result) {
      setClinicName(result.clinicName);
      setMinutes(result.idleLockMinutes);
      setSaved("Settings saved.");
      onSaved(result.clinicName);
    }
  }

  return (
    <Paper withBorder p="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Clinic name"
            description="Shown at the top of every screen and on the sign-in screen."
            autoFocus
            value={clinicName}
            onChange={(e) => setClinicName(e.currentTarget.value)}
            data-testid="settings-clinic-name"
          />
          <NumberInput
            label="Screen lock (minutes)"
            description="Lock the screen after this many minutes without use, from 1 to 120. The person's password unlocks it."
            min={1}
            max={120}
            step={1}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="strict"
            value={minutes}
            onChange={setMinutes}
            styles={{ input: { maxWidth: 160 } }}
            data-testid="settings-idle-minutes"
          />
          <ErrorAlert error={error} testId="settings-error" />
          <SuccessAlert message={saved} testId="settings-saved" />
          <Group justify="flex-end">
            <Button type="submit" loading={busy} data-testid="settings-save">
              Save settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
