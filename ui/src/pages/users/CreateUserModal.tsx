import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { Role } from "../../bindings/Role";
import type { StaffSummary } from "../../bindings/StaffSummary";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PASSWORD_RULES, ROLE_OPTIONS, isRole, passwordProblem } from "../../format";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

type Props = {
  opened: boolean;
  onClose: () => void;
  onCreated: (user: StaffSummary) => void;
};

export function CreateUserModal({ opened, onClose, onCreated }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Add a user" centered size="md" data-testid="create-user-modal">
      {/* Mounted only while open, so every opening starts with an empty form. */}
      {opened && <CreateUserForm onCancel={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function CreateUserForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (u: StaffSummary) => void }) {
  const [displayName, setDisplayName] = useState("");
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("front_desk");
  const [password, setPassword] = useState("");
  const { run, busy, error, setError } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = !displayName.trim()
      ? "Enter the person's name."
      : !username.trim()
        ? "Choose a username for them to sign in with."
        : passwordProblem(password, username);
    if (problem) {
      setError({ code: "form", message: problem });
      return;
    }
    const user = await run(() =>
      ipc.usersCreate({ displayName: displayName.trim(), username: username.trim(), role, password }),
    );
    if (user) onCreated(user);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          placeholder="e.g. Maria Silva"
          data-autofocus
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          data-testid="create-user-display-name"
        />
        <TextInput
          label="Username"
          description="3 to 32 letters, digits, dots, dashes or underscores."
          autoComplete="off"
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
          data-testid="create-user-username"
        />
        <Select
          label="Role"
          description="Front desk handles patients and appointments; doctors review intakes; admins manage the clinic."
          data={ROLE_OPTIONS}
          value={role}
          onChange={(value) => isRole(value) && setRole(value)}
          allowDeselect={false}
          data-testid="create-user-role"
        />
        <PasswordInput
          label="First password"
          description={`${PASSWORD_RULES} Give it to them in person; they can change it under My account.`}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-testid="create-user-password"
        />
        <ErrorAlert error={error} testId="create-user-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} data-testid="create-user-submit">
            Add user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
