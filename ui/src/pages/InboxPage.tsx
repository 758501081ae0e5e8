import { Grid, Stack } from "@mantine/core";
import { useEffect } from "react";
import { EmptyState } from "../components/EmptyState";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { useDeskEvents } from "../hooks/useDeskEvents";
import { useLoad } from "../hooks/useLoad";
import { useNow } from "../hooks/useNow";
import * as ipc from "../ipc";
import { ConversationPanel } from "./inbox/ConversationPanel";
import { InboxList } from "./inbox/InboxList";

type Props = {
  conversationId: number | null;
  onSelect: (conversationId: number | null) => void;
  onOpenIntake: (intakeId: number) => void;
};

/** Patients who need a person: they asked for staff, staff hold them, or a reply is stuck. */
export function InboxPage({ conversationId, onSelect, onOpenIntake }: Props) {
  const { state, reload, retry } = useLoad(ipc.inboxList);
  const now = useNow(30_000);
  useDeskEvents(["staff_requested", "conversation_changed", "delivery_changed", "inbound_messages"], () => void reload());

  const items = state.status === "ready" ? state.data : null;
  const first = items?.[0]?.conversationId;
  // Open the longest wait straight away: one click fewer at a busy desk.
  useEffect(() => {
    if (conversationId === null && first !== undefined) onSelect(first);
  }, [conversationId, first, onSelect]);

  return (
    <Stack gap="lg">
      <PageHeader page="inbox" title="Inbox" description="Patients who need a person. Take over to talk to them yourself; give back when done." />
      {state.status === "loading" && <PageLoader label="Loading the inbox…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {items !== null && items.length === 0 && conversationId === null && (
        <EmptyState title="Nobody is waiting for staff" testId="inbox-empty">
          Patients who tap 'Talk to staff' appear here.
        </EmptyState>
      )}
      {items !== null && (items.length > 0 || conversationId !== null) && (
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 4 }}>
            {items.length === 0 ? (
              <EmptyState title="Nobody else is waiting" testId="inbox-empty">
                Patients who tap 'Talk to staff' appear here.
              </EmptyState>
            ) : (
              <InboxList items={items} selected={conversationId} now={now} onSelect={onSelect} />
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            {conversationId !== null && (
              <ConversationPanel
                key={conversationId}
                conversationId={conversationId}
                onOpenIntake={onOpenIntake}
                onChanged={() => void reload()}
              />
            )}
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
