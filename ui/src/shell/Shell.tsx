import { AppShell, Badge, Divider, NavLink, ScrollArea, Stack, Text } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { useState } from "react";
import type { SessionInfo } from "../bindings/SessionInfo";
import { AccountPage } from "../pages/AccountPage";
import { AppointmentsPage } from "../pages/AppointmentsPage";
import { AuditPage } from "../pages/AuditPage";
import { BackupPage } from "../pages/BackupPage";
import { ConnectPage } from "../pages/ConnectPage";
import { DashboardPage } from "../pages/DashboardPage";
import { InboxPage } from "../pages/InboxPage";
import { IntakePage } from "../pages/IntakePage";
import { QueuePage } from "../pages/QueuePage";
import { DEFAULT_QUEUE_FILTERS, type QueueFilters } from "../pages/queue/queueFilters";
import { SettingsPage } from "../pages/SettingsPage";
import { TemplatesPage } from "../pages/TemplatesPage";
import { TryBotPage } from "../pages/TryBotPage";
import { UsersPage } from "../pages/UsersPage";
import { ShellHeader } from "./ShellHeader";
import { useInboxCount } from "./useInboxCount";
import { canSee, firstPage, visiblePages, type Route } from "./pages";

type Props = {
  clinicName: string;
  session: SessionInfo;
  route: Route;
  onNavigate: (route: Route) => void;
  onLock: () => void;
  onSignOut: () => void;
  onSessionChange: (session: SessionInfo) => void;
  onClinicNameChange: (name: string) => void;
};

export function Shell(props: Props) {
  const { session, onNavigate, onLock } = props;
  const pages = visiblePages(session.permissions);
  const route: Route = canSee(props.route.page, session.permissions)
    ? props.route
    : { page: firstPage(session.permissions) };
  // Kept here, not in the queue page, so Back from an intake finds the same page and filters.
  const [queueFilters, setQueueFilters] = useState<QueueFilters>(DEFAULT_QUEUE_FILTERS);
  const inboxCount = useInboxCount(canSee("inbox", session.permissions));
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
            {pages.map((p, index) => {
              const previous = pages[index - 1];
              return (
                <div key={p.id}>
                  {p.adminSection && !previous?.adminSection && (
                    <Text size="xs" c="dimmed" tt="uppercase" fw={600} px="sm" pt="md" pb={4}>
                      Administration
                    </Text>
                  )}
                  {!p.adminSection && previous?.adminSection && <Divider my="sm" />}
                  <NavLink
                    component="button"
                    type="button"
                    label={p.label}
                    active={p.id === route.page}
                    aria-current={p.id === route.page ? "page" : undefined}
                    onClick={() => onNavigate({ page: p.id })}
                    rightSection={
                      p.id === "inbox" && inboxCount > 0 ? (
                        <Badge size="sm" color="orange" circle={inboxCount < 10} aria-label={`${inboxCount} waiting`} data-testid="nav-inbox-count">
                          {inboxCount}
                        </Badge>
                      ) : undefined
                    }
                    data-testid={`nav-${p.id}`}
                  />
                </div>
              );
            })}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <PageContent
          {...props}
          route={route}
          hasPages={pages.length > 0}
          queueFilters={queueFilters}
          onQueueFilters={setQueueFilters}
        />
      </AppShell.Main>
    </AppShell>
  );
}

type ContentProps = Props & {
  hasPages: boolean;
  queueFilters: QueueFilters;
  onQueueFilters: (filters: QueueFilters) => void;
};

function PageContent(props: ContentProps) {
  const { route, onNavigate, session } = props;
  if (!props.hasPages) {
    return (
      <Text c="dimmed" data-testid="no-pages">
        Your account has no pages to show yet. Ask an admin to check your role.
      </Text>
    );
  }
  const openIntake = (intakeId: number) => onNavigate({ ...route, intakeId });
  if (route.intakeId !== undefined && session.permissions.includes("view_queue")) {
    return (
      <IntakePage
        key={route.intakeId}
        id={route.intakeId}
        permissions={session.permissions}
        clinicName={props.clinicName}
        printedBy={session.displayName}
        onBack={() => onNavigate({ ...route, intakeId: undefined })}
      />
    );
  }
  switch (route.page) {
    case "dashboard":
      return (
        <DashboardPage
          permissions={session.permissions}
          onNavigate={onNavigate}
          onOpenQueue={(filters) => {
            props.onQueueFilters({ ...DEFAULT_QUEUE_FILTERS, ...filters });
            onNavigate({ page: "queue" });
          }}
        />
      );
    case "queue":
      return <QueuePage filters={props.queueFilters} onFiltersChange={props.onQueueFilters} onOpen={openIntake} />;
    case "appointments":
      return <AppointmentsPage role={session.role} permissions={session.permissions} onOpenIntake={openIntake} />;
    case "inbox":
      return (
        <InboxPage
          conversationId={route.conversationId ?? null}
          onSelect={(conversationId) => onNavigate({ page: "inbox", conversationId: conversationId ?? undefined })}
          onOpenIntake={openIntake}
        />
      );
    case "trybot":
      return <TryBotPage />;
    case "users":
      return <UsersPage currentUsername={session.username} />;
    case "settings":
      return <SettingsPage onClinicNameChange={props.onClinicNameChange} />;
    case "connect":
      return <ConnectPage />;
    case "templates":
      return <TemplatesPage onNavigate={onNavigate} />;
    case "audit":
      return <AuditPage />;
    case "backup":
      return <BackupPage />;
    case "account":
      return <AccountPage session={session} onSessionChange={props.onSessionChange} />;
  }
}
