import { Stack } from "@mantine/core";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import { ClinicSettingsForm } from "./settings/ClinicSettingsForm";
import { WhatsAppCard } from "./settings/WhatsAppCard";

type Props = { onClinicNameChange: (name: string) => void };

export function SettingsPage({ onClinicNameChange }: Props) {
  const { state, retry } = useLoad(ipc.settingsGet);
  return (
    <Stack gap="lg" maw={680}>
      <PageHeader page="settings" title="Settings" description="Settings for everyone at this clinic." />
      {state.status === "loading" && <PageLoader label="Loading settings…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {state.status === "ready" && <ClinicSettingsForm initial={state.data} onSaved={onClinicNameChange} />}
      <WhatsAppCard />
    </Stack>
  );
}
