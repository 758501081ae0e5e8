import { Button, Group, Paper, SimpleGrid, Stack, Switch, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { ReminderSettings } from "../../bindings/ReminderSettings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import { useLoad } from "../../hooks/useLoad";
import * as ipc from "../../ipc";

const SWITCHES: readonly { key: keyof ReminderSettings; label: string; description: string }[] = [
  { key: "confirmation", label: "Booking confirmation", description: "As soon as an appointment is booked." },
  { key: "reminder24h", label: "Reminder 24 h before", description: "With Confirm, Reschedule and Cancel buttons." },
  { key: "reminder1h", label: "Reminder 1 h before", description: "With the same buttons." },
  { key: "reminder15m", label: "Reminder 15 min before", description: "Dropped if it would arrive after the start." },
  { key: "cancellation", label: "Cancellation notice", description: "When the clinic cancels an appointment." },
  { key: "reschedule", label: "New time notice", description: "When an appointment moves to another time." },
];

/** Which WhatsApp messages patients get about their appointments (admin). */
export function ReminderSettingsCard() {
  const { state, retry, setState } = useLoad(ipc.reminderSettingsGet);
  return (
    <Paper withBorder p="lg" data-testid="reminder-settings">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={4}>Which messages patients get</Title>
          <Text size="sm" c="dimmed">
            Patients who reply STOP get none of these until they reply START.
          </Text>
        </Stack>
        {state.status === "loading" && <PageLoader label="Loading…" />}
        {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
        {state.status === "ready" && (
          <SettingsForm initial={state.data} onSaved={(data) => setState({ status: "ready", data })} />
        )}
      </Stack>
    </Paper>
  );
}

function SettingsForm({ initial, onSaved }: { initial: ReminderSettings; onSaved: (s: ReminderSettings) => void }) {
  const [settings, setSettings] = useState(initial);
  const [saved, setSaved] = useState(false);
  const { run, busy, error } = useAction();
  const changed = SWITCHES.some(({ key }) => settings[key] !== initial[key]);

  async function save() {
    setSaved(false);
    const result = await run(() => ipc.reminderSettingsUpdate(settings));
    if (result) {
      setSaved(true);
      onSaved(result);
    }
  }

  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {SWITCHES.map(({ key, label, description }) => (
          <Switch
            key={key}
            label={label}
            description={description}
            checked={settings[key]}
            onChange={(e) => {
              const checked = e.currentTarget.checked;
              setSaved(false);
              setSettings((s) => ({ ...s, [key]: checked }));
            }}
            data-testid={`reminder-setting-${key}`}
          />
        ))}
      </SimpleGrid>
      <ErrorAlert error={error} testId="reminder-settings-error" />
      <SuccessAlert message={saved && !changed ? "Saved." : null} testId="reminder-settings-saved" />
      <Group>
        <Button onClick={() => void save()} loading={busy} disabled={!changed} data-testid="reminder-settings-save">
          Save
        </Button>
      </Group>
    </Stack>
  );
}
