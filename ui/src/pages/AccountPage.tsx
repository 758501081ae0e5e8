import { Paper, Stack, Title } from "@mantine/core";
import type { SessionInfo } from "../bindings/SessionInfo";
import { PageHeader } from "../components/PageHeader";
import { ROLE_LABELS } from "../format";
import { ChangePasswordForm } from "./account/ChangePasswordForm";
import { TwoStepSection } from "./account/TwoStepSection";

type Props = { session: SessionInfo; onSessionChange: (session: SessionInfo) => void };

export function AccountPage({ session, onSessionChange }: Props) {
  return (
    <Stack gap="lg" maw={720}>
      <PageHeader
        page="account"
        title="My account"
        description={`${session.displayName} · ${session.username} · ${ROLE_LABELS[session.role]}`}
      />
      <Paper withBorder p="lg">
        <Stack gap="md">
          <Title order={4}>Change password</Title>
          <ChangePasswordForm username={session.username} />
        </Stack>
      </Paper>
      <Paper withBorder p="lg">
        <Stack gap="md">
          <Title order={4}>Two-step sign-in</Title>
          <TwoStepSection session={session} onSessionChange={onSessionChange} />
        </Stack>
      </Paper>
    </Stack>
  );
}
