import { Badge, Button, Group, PasswordInput, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** What to do with a write-only secret on save. */
export type SecretEdit = { mode: "keep" } | { mode: "replace"; text: string } | { mode: "remove" };

export const KEEP: SecretEdit = { mode: "keep" };

/**
 * The value to send: null keeps what is saved, "" removes it, text replaces it. A "replace"
 * left empty keeps the saved one (there is nothing to replace it with).
 */
export function secretToSend(edit: SecretEdit): string | null {
  if (edit.mode === "remove") return "";
  if (edit.mode === "replace" && edit.text.trim() !== "") return edit.text.trim();
  return null;
}

type Props = {
  label: string;
  description: ReactNode;
  saved: boolean;
  edit: SecretEdit;
  onChange: (edit: SecretEdit) => void;
  testId: string;
};

/** A secret is never shown back: only whether one is saved, and a field to replace it. */
export function SecretField({ label, description, saved, edit, onChange, testId }: Props) {
  const typing = !saved || edit.mode === "replace";
  return (
    <Stack gap={4}>
      {typing ? (
        <PasswordInput
          label={label}
          description={description}
          placeholder={saved ? "Paste the new one" : "Paste it here"}
          autoComplete="off"
          spellCheck={false}
          value={edit.mode === "replace" ? edit.text : ""}
          onChange={(e) => onChange({ mode: "replace", text: e.currentTarget.value })}
          data-testid={testId}
        />
      ) : (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {label}
          </Text>
          <Text size="xs" c="dimmed">
            {description}
          </Text>
        </Stack>
      )}
      {saved && (
        <Group gap="xs">
          {edit.mode === "keep" && (
            <>
              <Badge color="teal" variant="light" data-testid={`${testId}-saved`}>
                Saved ✓
              </Badge>
              <Button size="compact-sm" variant="default" onClick={() => onChange({ mode: "replace", text: "" })} data-testid={`${testId}-replace`}>
                Replace
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => onChange({ mode: "remove" })} data-testid={`${testId}-remove`}>
                Remove
              </Button>
            </>
          )}
          {edit.mode === "replace" && (
            <Button size="compact-sm" variant="subtle" color="gray" onClick={() => onChange(KEEP)}>
              Keep the saved one
            </Button>
          )}
          {edit.mode === "remove" && (
            <>
              <Text size="sm" c="red.8" data-testid={`${testId}-removing`}>
                Will be removed when you save.
              </Text>
              <Button size="compact-sm" variant="subtle" color="gray" onClick={() => onChange(KEEP)}>
                Undo
              </Button>
            </>
          )}
        </Group>
      )}
    </Stack>
  );
}
