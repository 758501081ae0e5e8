import { Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReadyMade } from "../../bindings/ReadyMade";
import type { TemplateLibrary } from "../../bindings/TemplateLibrary";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import { EVENT_LABELS } from "../appointments/words";
import { StatusBadge } from "./LibrarySection";

type Props = { library: TemplateLibrary; onLibrary: (library: TemplateLibrary) => void };

/** Texts written for Meta's utility category, submitted for approval in one click each. */
export function ReadyMadeSection({ library, onLibrary }: Props) {
  return (
    <Paper withBorder p="lg" data-testid="ready-made">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={4}>Ready-made templates</Title>
          <Text size="sm" c="dimmed">
            Meta usually reviews these within minutes to a day. Once approved, choose them under Message mapping.
          </Text>
        </Stack>
        {library.readyMade.map((r) => (
          <ReadyMadeRow key={`${r.event}|${r.language}`} readyMade={r} library={library} onLibrary={onLibrary} />
        ))}
      </Stack>
    </Paper>
  );
}

function ReadyMadeRow({ readyMade: r, library, onLibrary }: { readyMade: ReadyMade } & Props) {
  const { run, busy, error } = useAction();
  const inLibrary = library.templates.find((t) => t.name === r.name && t.language === r.language);

  async function submit() {
    const next = await run(() => ipc.templatesSubmit(r.event, r.language));
    if (next) onLibrary(next);
  }

  return (
    <Paper withBorder p="sm" bg="gray.0" data-testid={`ready-made-${r.event}-${r.language}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Text fw={600}>{EVENT_LABELS[r.event]}</Text>
              <Badge variant="outline" color="gray" size="sm">
                {r.language}
              </Badge>
              <Text size="xs" c="dimmed" style={{ fontFamily: "var(--mantine-font-family-monospace)" }}>
                {r.name}
              </Text>
            </Group>
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {r.body}
            </Text>
            {r.buttons.length > 0 && (
              <Group gap={6}>
                {r.buttons.map((b) => (
                  <Badge key={b} variant="default" style={{ textTransform: "none" }}>
                    {b}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
          {r.inLibrary || inLibrary ? (
            <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }} data-testid="ready-made-in-library">
              <Text size="sm" c="dimmed">
                In library
              </Text>
              {inLibrary && <StatusBadge template={inLibrary} />}
            </Stack>
          ) : (
            <Button
              size="xs"
              variant="light"
              onClick={() => void submit()}
              loading={busy}
              style={{ flexShrink: 0 }}
              data-testid={`ready-made-submit-${r.event}-${r.language}`}
            >
              Submit for approval
            </Button>
          )}
        </Group>
        <ErrorAlert error={error} title="Meta did not take it" testId="ready-made-error" />
      </Stack>
    </Paper>
  );
}
