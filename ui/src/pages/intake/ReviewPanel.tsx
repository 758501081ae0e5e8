import { Button, Group, Paper, Radio, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { IntakeDetail } from "../../bindings/IntakeDetail";
import type { IntakeStatus } from "../../bindings/IntakeStatus";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { formatShortTime } from "../../format";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import { STATUS_LABELS } from "../../labels";

export const NOTE_MAX = 4000;

const CHOICES: { value: IntakeStatus; label: string; hint: string }[] = [
  { value: "reviewed", label: "Reviewed", hint: "Read; nothing more to do." },
  { value: "needs_follow_up", label: "Needs follow-up", hint: "Someone needs to act on it." },
  { value: "new", label: "Back to New", hint: "Not reviewed after all." },
];

type Props = { intake: IntakeDetail; onSaved: (intake: IntakeDetail) => void };

/** A doctor's review: a status and, if wanted, a note. */
export function ReviewPanel({ intake, onSaved }: Props) {
  const [status, setStatus] = useState<IntakeStatus>(intake.status === "new" ? "reviewed" : intake.status);
  const [note, setNote] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const { run, busy, error, setError } = useAction();
  const unchanged = status === intake.status && note.trim() === "";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    if (note.length > NOTE_MAX) {
      setError({ code: "form", message: `Keep the note under ${NOTE_MAX.toLocaleString()} characters.` });
      return;
    }
    if (unchanged) {
      setError({ code: "form", message: "Choose a different status or write a note." });
      return;
    }
    const result = await run(() => ipc.intakeReview(intake.id, { status, note: note.trim() || null }));
    if (result) {
      setNote("");
      const who = result.statusBy ? ` by ${result.statusBy}` : "";
      const when = result.statusAt !== null ? ` at ${formatShortTime(result.statusAt)}` : "";
      setSaved(`Saved: ${STATUS_LABELS[result.status]}${who}${when}.`);
      onSaved(result);
    }
  }

  return (
    <Paper withBorder p="md" className="no-print" data-testid="review-panel">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={5}>Review</Title>
          <Radio.Group value={status} onChange={(v) => setStatus(v as IntakeStatus)} label="Status">
            <Stack gap={6} mt={4}>
              {CHOICES.map((c) => (
                <Radio
                  key={c.value}
                  value={c.value}
                  label={c.label}
                  description={c.hint}
                  data-testid={`review-status-${c.value}`}
                />
              ))}
            </Stack>
          </Radio.Group>
          <Textarea
            label="Note (optional)"
            description="Kept with the intake, with your name and the time. Ctrl+Enter saves."
            autosize
            minRows={3}
            maxRows={10}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            error={note.length > NOTE_MAX ? `${note.length.toLocaleString()} of ${NOTE_MAX.toLocaleString()} characters` : undefined}
            data-testid="review-note"
          />
          <ErrorAlert error={error} testId="review-error" />
          <SuccessAlert message={saved} testId="review-saved" />
          <Group justify="space-between" align="center">
            <Text size="xs" c="dimmed">
              Now: {STATUS_LABELS[intake.status]}
            </Text>
            <Button type="submit" loading={busy} disabled={unchanged} data-testid="review-save">
              Save review
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
