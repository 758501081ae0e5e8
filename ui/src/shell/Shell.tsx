import { AppShell, NavLink, ScrollArea, Stack, Text } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import type { SessionInfo } from "../bindings/SessionInfo";
import { AccountPage } from "../pages/AccountPage";
import { AuditPage } from "../pages/AuditPage";
import { BackupPage } from "../pages/BackupPage";
import { QueuePage } from "../pages/QueuePage";
import { SettingsPage } from "../pages/SettingsPage";
import { UsersPage } from "../pages/UsersPage";
import { ShellHeader } from "./ShellHeader";
import { canSee, firstPage, visiblePages, type PageId } from "./pages";

type Props = {
  clinicName: string;
  session: SessionInfo;
  page: PageId;
  onNavigate: (page: PageId) => void;
  onLock: () => void;
  onSignOut: () => void;
  onSessionChange: (session: SessionInfo) => void;
  onClinicNameChange: (name: string) => void;
};

export function Shell(props: Props) {
  const { session, onNavigate, onLock } = props;
  const pages = visiblePages(session.permissions);
  const page = canSee(props.page, session.permissions) ? props.page : firstPage(session.permissions);
  // Ctrl+L locks from anywhere, typing in a field included.
  useHotkeys([["mod+L", onLock]], []);

  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 230, breakpoint: "xs" }} padding="lg">
      <AppShell.Header>
        <ShellHeader clinicName={props.clinicName} session={session} onLock={onLock} onSignOut={props.onSignOut} />
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        <ScrollArea>
          <Stack gap={2}>
            {pages.map((p, index) => (
              <div key={p.id}>
                {p.adminSection && !pages[index - 1]?.adminSection && (
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600} px="sm" pt="md" pb={4}>
                    Administration
                  </Text>
                )}
                <NavLink
                  component="button"
                  type="button"
                  label={p.label}
                  active={p.id === page}
                  aria-current={p.id === page ? "page" : undefined}
                  onClick={() => onNavigate(p.id)}
                  data-testid={`nav-${p.id}`}
                />
              </div>
            ))}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <PageContent {...props} page={page} hasPages={pages.length > 0} />
      </AppShell.Main>
    </AppShell>
  );
}

function PageContent(props: Props & { hasPages: boolean }) {
  if (!props.hasPages) {
    return (
      <Text c="dimmed" data-testid="no-pages">
        Your account has no pages to show yet. Ask an admin to check your role.
      </Text>
    );
  }
  switch (props.page) {
    case "queue":
      return <QueuePage />;
    case "users":
      return <UsersPage currentUsername={props.session.username} />;
    case "settings":
      return <SettingsPage onClinicNameChange={props.onClinicNameChange} />;
    case "audit":
      return <AuditPage />;
    case "backup":
      return <BackupPage />;
    case "account":
      return <AccountPage session={props.session} onSessionChange={props.onSessionChange} />;
  }
}
