import { Alert, Button, Group, List, Stack, Text, TextInput, ThemeIcon } from "@mantine/core";
import { useCallback, useState, type FormEvent } from "react";
import type { ErrorBody } from "../../bindings/ErrorBody";
import type { TestMessage } from "../../bindings/TestMessage";
import type { TestState } from "../../bindings/TestState";
import type { TestStatus } from "../../bindings/TestStatus";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatShortTime } from "../../format";
import { useAction } from "../../hooks/useAction";
import { useDeskEvents } from "../../hooks/useDeskEvents";
import * as ipc from "../../ipc";

const STEPS: { state: Exclude<TestState, "failed">; label: string }[] = [
  { state: "accepted", label: "Accepted by Meta" },
  { state: "sent", label: "Sent" },
  { state: "delivered", label: "Delivered to the phone" },
  { state: "read", label: "Read" },
];
const RANK: Record<TestState, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

/** "+34 600 111 222" → "+34600111222"; null when it is not an international number. */
export function normalisePhone(text: string): string | null {
  const compact = text.replace(/[\s().-]/g, "");
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : null;
}

/** Step 4: a real message to a phone at hand, with its ticks as Meta reports them. */
export function TestMessageStep() {
  const [to, setTo] = useState("");
  const [message, setMessage] = useState<TestMessage | null>(null);
  const [status, setStatus] = useState<TestStatus | null>(null);
  const [statusError, setStatusError] = useState<ErrorBody | null>(null);
  const send = useAction();

  const refresh = useCallback(async (wamid: string) => {
    try {
      const s = await ipc.setupTestStatus(wamid);
      if (s.wamid === wamid) setStatus(s);
      setStatusError(null);
    } catch (raw) {
      setStatusError(ipc.toErrorBody(raw));
    }
  }, []);

  useDeskEvents(["delivery_changed"], () => {
    if (message) void refresh(message.wamid);
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const number = normalisePhone(to);
    if (!number) {
      send.setError({ code: "form", message: "Enter the number in international format, with + and the country code, e.g. +34 600 111 222." });
      return;
    }
    setMessage(null);
    setStatus(null);
    setStatusError(null);
    const sent = await send.run(() => ipc.setupTestSend(number));
    if (sent) {
      setMessage(sent);
      void refresh(sent.wamid);
    }
  }

  const state: TestState | null = status?.state ?? (message ? "accepted" : null);

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Send a message from the clinic's number to a phone you have at hand. It shows here as Meta reports it: accepted,
        sent, delivered, read.
      </Text>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end">
          <TextInput
            label="Send a test message to"
            description="International format, e.g. +34 600 111 222"
            placeholder="+34 600 111 222"
            inputMode="tel"
            autoComplete="off"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="setup-test-to"
            style={{ flex: 1 }}
          />
          <Button type="submit" loading={send.busy} data-testid="setup-test-send">
            Send test message
          </Button>
        </Group>
      </form>
      <ErrorAlert error={send.error} testId="setup-test-error" />
      {message && state && (
        <Stack gap="xs" data-testid="setup-test-status" data-state={state}>
          <Text size="sm">
            Test message to <b>{message.to}</b>
          </Text>
          {state === "failed" ? (
            <Alert color="red" variant="light" title="The test message did not arrive" role="alert" data-testid="setup-test-failed">
              {status?.problem?.message ?? "Meta could not deliver it."}
            </Alert>
          ) : (
            <List spacing={4} size="sm" center>
              {STEPS.map((step) => {
                const done = RANK[state] >= RANK[step.state];
                const at = status?.steps.find((s) => s.state === step.state)?.at;
                return (
                  <List.Item
                    key={step.state}
                    data-testid={`setup-test-step-${step.state}`}
                    data-done={done}
                    icon={
                      <ThemeIcon size={18} radius="xl" color={done ? "teal" : "gray"} variant={done ? "filled" : "light"} aria-hidden>
                        {done ? "✓" : "·"}
                      </ThemeIcon>
                    }
                  >
                    <Text size="sm" c={done ? undefined : "dimmed"}>
                      {step.label}
                      {done ? "" : " (not yet)"}
                      {at !== undefined ? ` · ${formatShortTime(at)}` : ""}
                    </Text>
                  </List.Item>
                );
              })}
            </List>
          )}
          <ErrorAlert error={statusError} testId="setup-test-status-error" />
        </Stack>
      )}
    </Stack>
  );
}
