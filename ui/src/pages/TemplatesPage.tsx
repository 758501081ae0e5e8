import { Button, Group, Stack } from "@mantine/core";
import { useMemo, useState } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { SuccessAlert } from "../components/SuccessAlert";
import { useAction } from "../hooks/useAction";
import { useDeskEvents } from "../hooks/useDeskEvents";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import type { Route } from "../shell/pages";
import { addDays, startOfDay } from "./appointments/dates";
import { useAppointments } from "./appointments/useAppointments";
import { LibrarySection } from "./templates/LibrarySection";
import { MappingSection } from "./templates/MappingSection";
import { ReadyMadeSection } from "./templates/ReadyMadeSection";
import { ReminderSettingsCard } from "./templates/ReminderSettingsCard";

/** How far ahead the preview's appointment list looks. */
const PREVIEW_DAYS = 30;

type Props = { onNavigate?: (route: Route) => void };

/** Which messages patients get and the WhatsApp templates they go with (admin). */
export function TemplatesPage({ onNavigate }: Props) {
  const library = useLoad(ipc.templatesLibrary);
  const mappings = useLoad(ipc.templateMappings);
  const sync = useAction();
  const [synced, setSynced] = useState<string | null>(null);
  // Meta's decisions arrive by webhook; another window may have synced or mapped.
  useDeskEvents(["templates_changed"], () => {
    void library.reload();
    void mappings.reload();
  });
  const [from] = useState(() => startOfDay(Date.now()));
  const upcomingQuery = useMemo(() => ({ fromMs: from, toMs: addDays(from, PREVIEW_DAYS), clinicianId: null, includeCancelled: false }), [from]);
  const upcoming = useAppointments(upcomingQuery);

  async function refresh() {
    setSynced(null);
    const next = await sync.run(ipc.templatesSync);
    if (next) {
      library.setState({ status: "ready", data: next });
      setSynced(`Refreshed: ${next.templates.length} ${next.templates.length === 1 ? "template" : "templates"} in the library.`);
    }
  }

  return (
    <Stack gap="lg" maw={960}>
      <PageHeader
        page="templates"
        title="Reminders & templates"
        description="The WhatsApp messages patients get about their appointments, and the templates Meta approved for them."
        actions={
          <Button variant="default" onClick={() => void refresh()} loading={sync.busy} style={{ flexShrink: 0 }} data-testid="templates-sync">
            Refresh from Meta
          </Button>
        }
      />
      <SyncError error={sync.error} onNavigate={onNavigate} />
      <SuccessAlert message={synced} onClose={() => setSynced(null)} testId="templates-synced" />
      <ReminderSettingsCard />
      {library.state.status === "loading" && <PageLoader label="Loading the templates…" />}
      {library.state.status === "error" && <LoadFailed error={library.state.error} onRetry={library.retry} />}
      {library.state.status === "ready" && (
        <>
          <LibrarySection library={library.state.data} />
          <ReadyMadeSection library={library.state.data} onLibrary={(data) => library.setState({ status: "ready", data })} />
          {mappings.state.status === "error" && <LoadFailed error={mappings.state.error} onRetry={mappings.retry} />}
          {mappings.state.status === "ready" && (
            <MappingSection
              mappings={mappings.state.data}
              templates={library.state.data.templates}
              appointments={upcoming.data ?? []}
              onMappings={(data) => mappings.setState({ status: "ready", data })}
            />
          )}
        </>
      )}
    </Stack>
  );
}

/** Meta's refusal in words; a token or id problem points at the page that fixes it. */
function SyncError({ error, onNavigate }: { error: ErrorBody | null; onNavigate?: (route: Route) => void }) {
  if (!error) return null;
  const setup = /^setup\.(token_|permission_|wrong_)/.test(error.code);
  return (
    <Stack gap="xs" data-testid="templates-sync-problem">
      <ErrorAlert error={error} title="The templates could not be refreshed" testId="templates-sync-error" />
      {setup && onNavigate && (
        <Group>
          <Button size="xs" variant="light" onClick={() => onNavigate({ page: "connect" })} data-testid="templates-open-connect">
            Open Connect WhatsApp
          </Button>
        </Group>
      )}
    </Stack>
  );
}
