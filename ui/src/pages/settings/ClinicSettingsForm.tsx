import { Button, Checkbox, Group, NumberInput, Paper, Radio, SegmentedControl, Select, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ClinicSettings } from "../../bindings/ClinicSettings";
import type { DateOrder } from "../../bindings/DateOrder";
import type { FrontDeskExport } from "../../bindings/FrontDeskExport";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

type Props = { initial: ClinicSettings; onSaved: (name: string) => void };

const toInt = (v: number | string) => (typeof v === "number" ? v : Number.parseInt(v, 10));
const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** Clinic-wide settings. The first bot language is the one patients get first. */
export function ClinicSettingsForm({ initial, onSaved }: Props) {
  const [s, setS] = useState(initial);
  const [idle, setIdle] = useState<number | string>(initial.idleLockMinutes);
  const [timeout, setTimeoutHours] = useState<number | string>(initial.intakeTimeoutHours);
  const [backlog, setBacklog] = useState<number | string>(initial.backlogMinutes);
  const [saved, setSaved] = useState<string | null>(null);
  const { run, busy, error, setError } = useAction();
  const set = (patch: Partial<ClinicSettings>) => setS((current) => ({ ...current, ...patch }));

  const available = s.availableLanguages;
  const nameOf = (code: string) => available.find((l) => l.code === code)?.name ?? code;
  const defaultLanguage = s.languages[0] ?? null;

  function setDefault(code: string | null) {
    if (!code) return;
    set({ languages: [code, ...s.languages.filter((c) => c !== code)] });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const next: ClinicSettings = {
      ...s,
      clinicName: s.clinicName.trim(),
      idleLockMinutes: toInt(idle),
      intakeTimeoutHours: toInt(timeout),
      backlogMinutes: toInt(backlog),
      reopenTemplate: s.reopenTemplate.trim(),
      reopenTemplateLanguage: s.reopenTemplateLanguage.trim(),
    };
    const problem =
      (!next.clinicName && "Enter the clinic's name.") ||
      (!inRange(next.idleLockMinutes, 1, 120) && "Choose a screen lock time from 1 to 120 minutes.") ||
      (next.languages.length === 0 && "Tick at least one language for the bot.") ||
      (!inRange(next.intakeTimeoutHours, 1, 168) && "Choose an intake time limit from 1 to 168 hours.") ||
      (!inRange(next.backlogMinutes, 5, 1440) && "Choose a backlog time from 5 to 1,440 minutes.") ||
      (next.reopenTemplate !== "" && next.reopenTemplateLanguage === "" && "Enter the template's language code, e.g. en or pt_BR.") ||
      null;
    if (problem) {
      setError({ code: "form", message: problem });
      return;
    }
    const result = await run(() => ipc.settingsUpdate(next));
    if (result) {
      setS(result);
      setIdle(result.idleLockMinutes);
      setTimeoutHours(result.intakeTimeoutHours);
      setBacklog(result.backlogMinutes);
      setSaved("Settings saved.");
      onSaved(result.clinicName);
    }
  }

  const number = (props: { label: string; description: string; min: number; max: number; value: number | string; onChange: (v: number | string) => void; testId: string }) => (
    <NumberInput
      label={props.label}
      description={props.description}
      min={props.min}
      max={props.max}
      step={1}
      allowDecimal={false}
      allowNegative={false}
      clampBehavior="blur"
      value={props.value}
      onChange={props.onChange}
      styles={{ wrapper: { maxWidth: 200 } }}
      data-testid={props.testId}
    />
  );

  return (
    <Paper withBorder p="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="lg">
          <Title order={4}>Clinic</Title>
          <TextInput
            label="Clinic name"
            description="Shown at the top of every screen and on the sign-in screen."
            autoFocus
            value={s.clinicName}
            onChange={(e) => set({ clinicName: e.currentTarget.value })}
            data-testid="settings-clinic-name"
          />
          {number({
            label: "Screen lock (minutes)",
            description: "Lock the screen after this many minutes without use, from 1 to 120. The person's password unlocks it.",
            min: 1,
            max: 120,
            value: idle,
            onChange: setIdle,
            testId: "settings-idle-minutes",
          })}
          <Switch
            label="Notifications may show the patient's first name"
            description="Off: notifications only say that an intake arrived. Turn off if others can see this screen."
            checked={s.notifyWithFirstName}
            onChange={(e) => set({ notifyWithFirstName: e.currentTarget.checked })}
            data-testid="settings-notify-first-name"
          />

          <Title order={4}>Exports</Title>
          <Stack gap={6}>
            <div>
              <Text size="sm" fw={500} id="settings-front-desk-export-label">
                What the front desk may export
              </Text>
              <Text size="xs" c="dimmed" id="settings-front-desk-export-description">
                From the intake queue's Export button. Admins and doctors always export whole intakes.
              </Text>
            </div>
            <SegmentedControl
              aria-labelledby="settings-front-desk-export-label"
              aria-describedby="settings-front-desk-export-description"
              value={s.frontDeskExport}
              onChange={(v) => set({ frontDeskExport: v as FrontDeskExport })}
              data={[
                { value: "demographics", label: "Patient details only (no clinical answers)" },
                { value: "nothing", label: "Nothing" },
              ]}
              style={{ alignSelf: "flex-start" }}
              data-testid="settings-front-desk-export"
            />
          </Stack>

          <Title order={4}>The bot</Title>
          <Checkbox.Group
            label="Languages the bot offers"
            description="Patients choose one at the start. Tick at least one; the default is asked in first."
            value={s.languages}
            onChange={(languages) => set({ languages })}
            data-testid="settings-languages"
          >
            <Group gap="md" mt={6}>
              {available.map((l) => (
                <Checkbox
                  key={l.code}
                  value={l.code}
                  label={l.name}
                  data-testid={`settings-language-${l.code}`}
                />
              ))}
            </Group>
          </Checkbox.Group>
          <Select
            label="Default language"
            description="Used first, before the patient picks one."
            data={s.languages.map((code) => ({ value: code, label: nameOf(code) }))}
            value={defaultLanguage}
            onChange={setDefault}
            allowDeselect={false}
            w={260}
            data-testid="settings-default-language"
          />
          <Radio.Group
            label="Dates typed as numbers"
            description="How the bot reads a date of birth such as 03/04/1987."
            value={s.dateOrder}
            onChange={(v) => set({ dateOrder: v as DateOrder })}
          >
            <Stack gap={6} mt={6}>
              <Radio value="dayFirst" label="Day first: 31/12/1980" data-testid="settings-date-order-dayFirst" />
              <Radio value="monthFirst" label="Month first: 12/31/1980" data-testid="settings-date-order-monthFirst" />
            </Stack>
          </Radio.Group>
          {number({
            label: "Unfinished intake time limit (hours)",
            description: "An intake with no message from the patient for this long is closed as abandoned. 1 to 168.",
            min: 1,
            max: 168,
            value: timeout,
            onChange: setTimeoutHours,
            testId: "settings-intake-timeout",
          })}
          {number({
            label: "Backlog after being offline (minutes)",
            description: "When this computer comes back online, messages older than this get one reply, not one each. 5 to 1,440.",
            min: 5,
            max: 1440,
            value: backlog,
            onChange: setBacklog,
            testId: "settings-backlog-minutes",
          })}
          <Group align="flex-start" gap="md" grow>
            <TextInput
              label="Template to reopen a conversation"
              description="The approved WhatsApp template sent once the 24-hour window has closed. Empty: none."
              value={s.reopenTemplate}
              onChange={(e) => set({ reopenTemplate: e.currentTarget.value })}
              data-testid="settings-reopen-template"
            />
            <TextInput
              label="Template language"
              description="As approved in Meta, e.g. en or pt_BR."
              value={s.reopenTemplateLanguage}
              onChange={(e) => set({ reopenTemplateLanguage: e.currentTarget.value })}
              data-testid="settings-reopen-language"
            />
          </Group>
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
