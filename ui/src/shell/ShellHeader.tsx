import { Badge, Button, Group, Kbd, Stack, Text, Title, Tooltip } from "@mantine/core";
import type { SessionInfo } from "../bindings/SessionInfo";
import { ROLE_LABELS } from "../format";

type Props = {
  clinicName: string;
  session: SessionInfo;
  onLock: () => void;
  onSignOut: () => void;
};

export function ShellHeader({ clinicName, session, onLock, onSignOut }: Props) {
  return (
    <Group h="100%" px="lg" justify="space-between" wrap="nowrap">
      <Stack gap={0}>
        <Title order={4} data-testid="shell-clinic">
          {clinicName}
        </Title>
        <Text size="xs" c="dimmed">
          Intake Desk
        </Text>
      </Stack>
      <Group gap="md" wrap="nowrap">
        <Stack gap={0} align="flex-end">
          <Text fw={600} data-testid="shell-user">
            {session.displayName}
          </Text>
          <Text size="xs" c="dimmed" data-testid="shell-username">
            {session.username}
          </Text>
        </Stack>
        <Badge variant="light" size="lg" data-testid="shell-role">
          {ROLE_LABELS[session.role]}
        </Badge>
        <Tooltip label={<span>Lock the screen (<Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">L</Kbd>)</span>}>
          <Button variant="default" onClick={onLock} data-testid="shell-lock">
            Lock
          </Button>
        </Tooltip>
        <Button variant="default" onClick={onSignOut} data-testid="shell-signout">
          Sign out
        </Button>
      </Group>
    </Group>
  );
}
