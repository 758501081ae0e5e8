import { Button, Group, Modal, Select, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { Role } from "../../bindings/Role";
import type { StaffSummary } from "../../bindings/StaffSummary";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ROLE_LABELS, ROLE_OPTIONS, isRole } from "../../format";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

type Props = { user: StaffSummary | null; onClose: () => void; onDone: (message: string) => void };

export function ChangeRoleModal({ user, onClose, onDone }: Props) {
  return (
    <Modal opened={user !== null} onClose={onClose} title="Change role" centered data-testid="change-role-modal">
      {user && <ChangeRoleForm user={user} onCancel={onClose} onDone={onDone} />}
    </Modal>
  );
}

function ChangeRoleForm({ user, onCancel, onDone }: { user: StaffSummary; onCancel: () => void; onDone: (m: string) => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const { run, busy, error } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (role === user.role) {
      onCancel();
      return;
    }
    const done = await run(async () => {
      await ipc.usersSetRole(user.id, role);
      return true;
    });
    if (done) onDone(`${user.displayName} is now ${ROLE_LABELS[role]}. It applies from their next action.`);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          What may <b>{user.displayName}</b> ({user.username}) do?
        </Text>
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={role}
          onChange={(value) => isRole(value) && setRole(value)}
          allowDeselect={false}
          data-autofocus
          data-testid="change-role-select"
        />
        <ErrorAlert error={error} testId="change-role-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} data-testid="change-role-submit">
            Save role
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
