import { Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useCallback } from "react";
import type { ConversationView } from "../../bindings/ConversationView";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadFailed } from "../../components/LoadFailed";
import { PageLoader } from "../../components/PageLoader";
import { Transcript } from "../../components/Transcript";
import { useAction } from "../../hooks/useAction";
import { useDeskEvents } from "../../hooks/useDeskEvents";
import { useLoad } from "../../hooks/useLoad";
import { useNow } from "../../hooks/useNow";
import * as ipc from "../../ipc";
import { ReplyBox } from "./ReplyBox";
import { windowState } from "./windowClock";

type Props = {
  conversationId: number;
  onOpenIntake: (intakeId: number) => void;
  /** After take over, give back or a reply: the list's reasons change. */
  onChanged: () => void;
};

type Loaded = { view: ConversationView; skew: number };

const withSkew = (view: ConversationView): Loaded => ({ view, skew: view.now - Date.now() });

/** One patient's conversation: the transcript, who holds it, and the reply box. */
export function ConversationPanel({ conversationId, onOpenIntake, onChanged }: Props) {
  const { state, reload, retry, setState } = useLoad(
    useCallback(async () => withSkew(await ipc.conversationGet(conversationId)), [conversationId]),
  );
  const hand = useAction(); // take over, give back
  const reply = useAction();
  const now = useNow(15_000);

  useDeskEvents(
    (e) => (e.kind === "conversation_changed" && e.conversationId === conversationId) || e.kind === "delivery_changed",
    () => void reload(),
  );

  const show = (view: ConversationView) => {
    setState({ status: "ready", data: withSkew(view) });
    onChanged();
  };

  async function takeOver() {
    const view = await hand.run(() => ipc.conversationTakeOver(conversationId));
    if (view) show(view);
  }

  async function giveBack() {
    const view = await hand.run(() => ipc.conversationGiveBack(conversationId));
    if (view) show(view);
  }

  async function send(text: string, takenOver: boolean): Promise<boolean> {
    const view = await reply.run(async () => {
      if (!takenOver) show(await ipc.conversationTakeOver(conversationId));
      return ipc.conversationReply({ conversationId, text });
    });
    if (!view) return false;
    show(view);
    return true;
  }

  if (state.status === "loading") return <PageLoader label="Loading the conversation…" />;
  if (state.status === "error") return <LoadFailed error={state.error} onRetry={retry} />;

  const { view, skew } = state.data;
  const win = windowState(view.windowClosesAt, skew, now);

  return (
    <Paper withBorder p="md" data-testid="conversation">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={2}>
            <Title order={3} data-testid="conversation-name">
              {view.patientName ?? view.patientPhone}
            </Title>
            {view.patientName && <Text c="dimmed">{view.patientPhone}</Text>}
            <Group gap="xs">
              {view.takenOver ? (
                <Badge color="blue" variant="light" data-testid="conversation-holder">
                  Held by {view.heldBy ?? "staff"}: the bot is quiet
                </Badge>
              ) : (
                <Badge color="gray" variant="light" data-testid="conversation-holder">
                  The bot is answering
                </Badge>
              )}
              {view.askedForStaff && (
                <Badge color="orange" variant="light">
                  Asked to talk to staff
                </Badge>
              )}
            </Group>
          </Stack>
          <Group gap="xs">
            {view.latestIntakeId !== null && (
              <Button variant="default" onClick={() => onOpenIntake(view.latestIntakeId as number)} data-testid="inbox-open-intake">
                Open intake
              </Button>
            )}
            {view.takenOver ? (
              <Button variant="default" onClick={() => void giveBack()} loading={hand.busy} data-testid="inbox-give-back">
                Give back to the bot
              </Button>
            ) : (
              <Button onClick={() => void takeOver()} loading={hand.busy} data-testid="inbox-take-over">
                Take over
              </Button>
            )}
          </Group>
        </Group>
        <ErrorAlert error={hand.error} testId="inbox-action-error" />
        <Transcript messages={view.messages} maxHeight="45vh" />
        {win.open && (
          <Text size="sm" fw={500} c={win.soon ? "orange.9" : "dimmed"} data-testid="inbox-window">
            {win.label}
          </Text>
        )}
        <ReplyBox
          key={conversationId}
          windowOpen={win.open}
          closedText={win.label}
          takenOver={view.takenOver}
          busy={reply.busy}
          error={reply.error}
          onSend={(text) => send(text, view.takenOver)}
        />
      </Stack>
    </Paper>
  );
}
