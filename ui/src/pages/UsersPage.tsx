import { Button, Stack, Table } from "@mantine/core";
import { useState } from "react";
import type { StaffSummary } from "../bindings/StaffSummary";
import { ConfirmModal } from "../components/ConfirmModal";
import { EmptyState } from "../components/EmptyState";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { SuccessAlert } from "../components/SuccessAlert";
import { useAction } from "../hooks/useAction";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import { ChangeRoleModal } from "./users/ChangeRoleModal";
import { CreateUserModal } from "./users/CreateUserModal";
import { ResetPasswordModal } from "./users/ResetPasswordModal";
import { UserRow, type UserAction } from "./users/UserRow";

type Pending = { action: UserAction; user: StaffSummary } | null;

export function UsersPage({ currentUsername }: { currentUsername: string }) {
  const { state, reload, retry } = useLoad(ipc.usersList);
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const direct = useAction(); // enable and unlock: no dialog, errors above the table
  const confirm = useAction(); // disable and reset two-step: errors in the dialog

  function finished(message: string) {
    setPending(null);
    setCreating(false);
    setNotice(message);
    void reload();
  }

  async function onAction(action: UserAction, user: StaffSummary) {
    setNotice(null);
    direct.setError(null);
    confirm.setError(null);
    if (action === "enable" || action === "unlock") {
      const done = await direct.run(async () => {
        if (action === "enable") await ipc.usersSetActive(user.id, true);
        else await ipc.usersUnlock(user.id);
        return true;
      });
      if (done) {
        finished(action === "enable" ? `${user.displayName} can sign in again.` : `${user.displayName} can try signing in again now.`);
      }
      return;
    }
    setPending({ action, user });
  }

  async function confirmPending() {
    if (!pending) return;
    const { action, user } = pending;
    const done = await confirm.run(async () => {
      if (action === "disable") await ipc.usersSetActive(user.id, false);
      else await ipc.usersResetTotp(user.id);
      return true;
    });
    if (done) {
      finished(
        action === "disable"
          ? `${user.displayName} can no longer sign in. Their past work stays in the records.`
          : `Two-step sign-in is off for ${user.displayName}. They can turn it on again under My account.`,
      );
    }
  }

  const now = Date.now();
  const confirming = pending && (pending.action === "disable" || pending.action === "reset_totp") ? pending : null;

  return (
    <Stack gap="lg">
      <PageHeader
        page="users"
        title="Users"
        description="Everyone who can sign in to Intake Desk at this clinic."
        actions={
          <Button onClick={() => setCreating(true)} data-testid="users-create">
            Add user
          </Button>
        }
      />
      <SuccessAlert message={notice} onClose={() => setNotice(null)} testId="users-notice" />
      <ErrorAlert error={direct.error} testId="users-error" />
      {state.status === "loading" && <PageLoader label="Loading users…" />}
      {state.status === "error" && <LoadFailed error={state.error} onRetry={retry} />}
      {state.status === "ready" && state.data.length === 0 && (
        <EmptyState title="No users yet">Add a user for each person who works at the desk.</EmptyState>
      )}
      {state.status === "ready" && state.data.length > 0 && (
        <Table striped highlightOnHover verticalSpacing="sm" data-testid="users-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Username</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Two-step</Table.Th>
              <Table.Th w={110} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {state.data.map((user) => (
              <UserRow key={user.id} user={user} isMe={user.username === currentUsername} now={now} onAction={(a, u) => void onAction(a, u)} />
            ))}
          </Table.Tbody>
        </Table>
      )}

      <CreateUserModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(user) => finished(`${user.displayName} was added as ${user.username}. Give them their password in person.`)}
      />
      <ResetPasswordModal user={pending?.action === "reset_password" ? pending.user : null} onClose={() => setPending(null)} onDone={finished} />
      <ChangeRoleModal user={pending?.action === "role" ? pending.user : null} onClose={() => setPending(null)} onDone={finished} />
      <ConfirmModal
        opened={confirming !== null}
        title={confirming?.action === "disable" ? "Disable account" : "Reset two-step sign-in"}
        confirmLabel={confirming?.action === "disable" ? "Disable account" : "Reset two-step sign-in"}
        danger={confirming?.action === "disable"}
        busy={confirm.busy}
        error={confirm.error}
        onConfirm={() => void confirmPending()}
        onClose={() => setPending(null)}
        testId="users-confirm"
      >
        {confirming?.action === "disable"
          ? `${confirming.user.displayName} will not be able to sign in until an admin enables the account again. Their past work stays in the records.`
          : `${confirming?.user.displayName ?? ""} will sign in with just their password until they set up two-step sign-in again. Do this when they lost their phone.`}
      </ConfirmModal>
    </Stack>
  );
}
