import { Paper, Stack, Text, Title } from "@mantine/core";
import type { IntakeNote } from "../../bindings/IntakeNote";
import { formatDateTime } from "../../format";

export function NotesList({ notes }: { notes: IntakeNote[] }) {
  return (
    <Paper withBorder p="md" data-testid="intake-notes">
      <Stack gap="sm">
        <Title order={5}>Doctor notes</Title>
        {notes.length === 0 && (
          <Text size="sm" c="dimmed">
            No notes yet.
          </Text>
        )}
        {notes.map((note) => (
          <Stack key={note.id} gap={2} data-testid="intake-note">
            <Text size="xs" c="dimmed">
              {note.author} · {formatDateTime(note.at)}
            </Text>
            <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              {note.text}
            </Text>
          </Stack>
        ))}
      </Stack>
    </Paper>
  );
}
