import { Alert, Box, Button, Group, Paper, Stack, TextInput } from "@mantine/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { TryChoice } from "../bindings/TryChoice";
import type { TryInput } from "../bindings/TryInput";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { useAction } from "../hooks/useAction";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import { TryBubble } from "./trybot/TryBubble";

/** A practice chat with the real bot and form; nothing is stored or sent. */
export function TryBotPage() {
  const { state, retry, setState } = useLoad(ipc.trybotStart);
  const [text, setText] = useState("");
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const count = state.status === "ready" ? state.data.messages.length : 0;

  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);

  async function send(value: TryInput) {
    const next = await action.run(() => ipc.trybotSend(value));
    if (next) {
      setState({ status: "ready", data: next });
      if (value.type === "text") setText("");
      input.current?.focus();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() === "") return;
    void send({ type: "text", text });
  }

  async function reset() {
    const next = await action.run(ipc.trybotReset);
    if (next) {
      setState({ status: "ready", data: next });
      setText("");
      input.current?.focus();
    }
  }

  const choose = (choice: TryChoice) => void send({ type: "choice", id: choice.id, title: choice.title });

  return (
    <Stack gap="lg" maw={720}>
      <PageHeader
        page="trybot"
        title="Try the bot"
        description="See what patients see on WhatsApp, and walk through the intake form yourself."
        actions={
          <Button variant="default" style={{ flexShrink: 0 }} onClick={() => void reset()} disabled={action.busy || state.status === "loading"} data-testid="trybot-reset">
            Start again
          </Button>
        }
      />
      <Alert variant="light" color="blue" data-testid="trybot-banner">
        Practice only: nothing here is stored or sent, and it never mixes with real patients.
      </Alert>
      {state.status === "loading" && <PageLoader label="Starting a practice chat…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {state.status === "ready" && (
        <Paper withBorder p={0} bg="#efeae2" data-testid="trybot-chat">
          <Box ref={scroller} mah="55vh" p="md" style={{ overflowY: "auto" }}>
            <Stack gap="sm" role="log" aria-label="Practice chat">
              {state.data.messages.map((m, i) => (
                <TryBubble
                  key={i}
                  message={m}
                  active={!state.data.finished && !action.busy && i === state.data.messages.length - 1}
                  onChoose={choose}
                />
              ))}
            </Stack>
          </Box>
          <Box p="sm" bg="gray.0" style={{ borderTop: "1px solid var(--mantine-color-gray-3)" }}>
            {state.data.finished ? (
              <Alert variant="light" color="teal" title="Finished" data-testid="trybot-finished">
                That is the whole intake. Nothing was stored and no one was sent anything. Press Start again to try once more.
              </Alert>
            ) : (
              <form onSubmit={submit} noValidate>
                <Group gap="xs" wrap="nowrap">
                  <TextInput
                    ref={input}
                    aria-label="Type as the patient"
                    placeholder="Type a message as the patient"
                    autoFocus
                    value={text}
                    onChange={(e) => setText(e.currentTarget.value)}
                    style={{ flex: 1 }}
                    data-testid="trybot-input"
                  />
                  <Button type="submit" loading={action.busy} disabled={text.trim() === ""} data-testid="trybot-send">
                    Send
                  </Button>
                </Group>
              </form>
            )}
          </Box>
        </Paper>
      )}
      <ErrorAlert error={action.error} testId="trybot-error" />
    </Stack>
  );
}
