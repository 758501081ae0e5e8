import { Badge, Button, Group, Menu, Table, Text } from "@mantine/core";
import type { StaffSummary } from "../../bindings/StaffSummary";
import { ROLE_LABELS, formatDateTime, formatShortTime } from "../../format";

export type UserAction = "reset_password" | "role" | "disable" | "enable" | "unlock" | "reset_totp";

type Props = {
  user: StaffSummary;
  isMe: boolean;
  now: number;
  onAction: (action: UserAction, user: StaffSummary) => void;
};

function StatusBadge({ user, now }: { user: StaffSummary; now: number }) {
  if (!user.active) return <Badge color="gray" variant="light">Disabled</Badge>;
  if (user.lockedUntil !== null && user.lockedUntil > now) {
    return (
      <Badge color="orange" variant="light" title={`Too many wrong passwords. Locked until ${formatDateTime(user.lockedUntil)}.`}>
        Locked until {formatShortTime(user.lockedUntil, now)}
      </Badge>
    );
  }
  return <Badge color="teal" variant="light">Active</Badge>;
}

export function UserRow({ user, isMe, now, onAction }: Props) {
  const act = (action: UserAction) => () => onAction(action, user);
  return (
    <Table.Tr data-testid={`user-row-${user.username}`}>
      <Table.Td>
        <Group gap={6}>
          <Text size="sm" fw={500}>{user.displayName}</Text>
          {isMe && <Badge size="xs" variant="outline">You</Badge>}
        </Group>
      </Table.Td>
      <Table.Td>{user.username}</Table.Td>
      <Table.Td>{ROLE_LABELS[user.role]}</Table.Td>
      <Table.Td><StatusBadge user={user} now={now} /></Table.Td>
      <Table.Td>{user.totpEnabled ? "On" : "Off"}</Table.Td>
      <Table.Td>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="default" aria-label={`Actions for ${user.displayName}`} data-testid={`user-actions-${user.username}`}>
              Actions
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={act("reset_password")} data-testid="user-action-reset-password">Reset password…</Menu.Item>
            <Menu.Item onClick={act("role")} data-testid="user-action-role">Change role…</Menu.Item>
            {user.lockedUntil !== null && (
              <Menu.Item onClick={act("unlock")} data-testid="user-action-unlock">Unlock sign-in</Menu.Item>
            )}
            {user.totpEnabled && (
              <Menu.Item onClick={act("reset_totp")} data-testid="user-action-reset-totp">Reset two-step sign-in…</Menu.Item>
            )}
            <Menu.Divider />
            {user.active ? (
              <Menu.Item color="red" onClick={act("disable")} data-testid="user-action-disable">Disable account…</Menu.Item>
            ) : (
              <Menu.Item onClick={act("enable")} data-testid="user-action-enable">Enable account</Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}
