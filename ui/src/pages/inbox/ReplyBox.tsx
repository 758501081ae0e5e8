import { Button, Group, Stack, Text, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ErrorBody } from "../../bindings/ErrorBody";
import { ErrorAlert } from "../../components/ErrorAlert";

/** WhatsApp's limit for one text message. */
export const REPLY_MAX = 4096;

type Props = {
  windowOpen: boolean;
  closedText: string;
  takenOver: boolean;
  busy: boolean;
  error: ErrorBody | null;
  /** Resolves true once sent; the text is kept otherwise, so nothing typed is lost. */
  onSend: (text: string) => Promise<boolean>;
};

export function ReplyBox({ windowOpen, closedText, takenOver, busy, error, onSend }: Props) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const length = text.length;
  const tooLong = length > REPLY_MAX;

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!windowOpen || busy) return;
    if (text.trim() === "") {
      setProblem("Write a message first.");
      return;
    }
    if (tooLong) {
      setProblem(`WhatsApp allows up to ${REPLY_MAX.toLocaleString()} characters in one message. Shorten it or send it in two parts.`);
      return;
    }
    setProblem(null);
    if (await onSend(text)) setText("");
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="inbox-reply-form">
      <Stack gap="xs">
        {!windowOpen && (
          <Text size="sm" c="orange.9" data-testid="inbox-window-closed">
            {closedText}
          </Text>
        )}
        <Textarea
          label="Reply to the patient"
          description={
            takenOver
              ? "Ctrl+Enter sends."
              : "Sending takes the conversation over: the bot stays quiet until you give it back. Ctrl+Enter sends."
          }
          autosize
          minRows={3}
          maxRows={8}
          disabled={!windowOpen}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setProblem(null);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
          error={problem}
          data-testid="inbox-reply"
        />
        <ErrorAlert error={error} testId="inbox-reply-error" />
        <Group justify="space-between">
          <Text size="xs" c={tooLong ? "red.8" : "dimmed"} data-testid="inbox-reply-count">
            {length.toLocaleString()} / {REPLY_MAX.toLocaleString()}
          </Text>
          <Button type="submit" loading={busy} disabled={!windowOpen || tooLong} data-testid="inbox-reply-send">
            {takenOver ? "Send" : "Take over and send"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
