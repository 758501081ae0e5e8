import { Alert, Button, Checkbox, CopyButton, Group, List, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ErrorBody } from "../../bindings/ErrorBody";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageLoader } from "../../components/PageLoader";
import { lastKeyGroup } from "../../format";

type Props = {
  recoveryKey: string | null;
  keyError: ErrorBody | null;
  onRetryKey: () => void;
  written: boolean;
  onWrittenChange: (written: boolean) => void;
  confirmation: string;
  onConfirmationChange: (value: string) => void;
  onBack: () => void;
  onNext: () => void;
};

/** Same rule as the backend: case, and O for 0 or I/L for 1, do not matter. */
export function normalizeGroup(text: string): string {
  return text.trim().toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
}

export function keyConfirmed(recoveryKey: string | null, written: boolean, confirmation: string): boolean {
  return (
    recoveryKey !== null &&
    written &&
    normalizeGroup(confirmation) === normalizeGroup(lastKeyGroup(recoveryKey))
  );
}

export function KeyStep(props: Props) {
  const { recoveryKey, written, confirmation } = props;
  const [formError, setFormError] = useState<string | null>(null);

  if (!recoveryKey) {
    return props.keyError ? (
      <Stack gap="md">
        <ErrorAlert error={props.keyError} testId="setup-key-error" />
        <Group justify="space-between">
          <Button variant="default" onClick={props.onBack}>Back</Button>
          <Button onClick={props.onRetryKey} data-testid="setup-key-retry">Try again</Button>
        </Group>
      </Stack>
    ) : (
      <PageLoader label="Making the recovery key…" />
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!written) {
      setFormError("Write the key down first, then tick “I have written it down”.");
    } else if (!keyConfirmed(recoveryKey, written, confirmation)) {
      setFormError("That is not the last group of the key. Look at the last 4 characters and type them again.");
    } else {
      setFormError(null);
      props.onNext();
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text>
          This is the clinic's <b>recovery key</b>. It is the only way to open the records on a new
          computer, or on this one if its keyring is lost or reset. Without it, nobody can open the
          records — not even the makers of Intake Desk.
        </Text>
        <Paper withBorder p="lg" bg="gray.0">
          <Text className="recovery-key" data-testid="recovery-key">
            {recoveryKey}
          </Text>
        </Paper>
        <Group gap="sm">
          <CopyButton value={recoveryKey}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy} data-testid="setup-copy-key">
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
          <Text size="sm" c="dimmed">
            To print it: paste it into a new document, print, then close the document without saving.
          </Text>
        </Group>
        <Alert color="yellow" variant="light" title="Keep it on paper, somewhere safe">
          <List size="sm" spacing={2}>
            <List.Item>Write it on paper (or print it) and keep it in a locked drawer or safe.</List.Item>
            <List.Item>Do not keep it in an email, a chat or a file on this computer.</List.Item>
            <List.Item>It is shown only this once.</List.Item>
          </List>
        </Alert>
        <Checkbox
          label="I have written it down and stored it safely"
          checked={written}
          onChange={(e) => props.onWrittenChange(e.currentTarget.checked)}
          data-testid="setup-key-written"
        />
        <TextInput
          label="Type the last group of the key"
          description="The 4 characters after the last dash, to check you have it."
          maw={360}
          maxLength={4}
          autoComplete="off"
          spellCheck={false}
          disabled={!written}
          value={confirmation}
          onChange={(e) => props.onConfirmationChange(e.currentTarget.value)}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", textTransform: "uppercase" } }}
          data-testid="setup-key-confirm"
        />
        <ErrorAlert
          error={formError ? { code: "form", message: formError } : props.keyError}
          testId="setup-key-form-error"
        />
        <Group justify="space-between">
          <Button variant="default" onClick={props.onBack} data-testid="setup-key-back">
            Back
          </Button>
          <Button type="submit" data-testid="setup-key-next">
            Continue
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
