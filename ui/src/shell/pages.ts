import type { Permission } from "../bindings/Permission";

export type PageId =
  | "dashboard"
  | "queue"
  | "appointments"
  | "inbox"
  | "trybot"
  | "users"
  | "settings"
  | "connect"
  | "templates"
  | "audit"
  | "backup"
  | "account";

/**
 * Where the person is. `intakeId` opens that intake over the page it was opened from (Back
 * returns there); `conversationId` is the inbox's open conversation.
 */
export type Route = { page: PageId; intakeId?: number; conversationId?: number };

type PageDef = { id: PageId; label: string; permission: Permission; adminSection: boolean };

/** The navbar, in order. Each entry is shown only to people with its permission. */
export const PAGES: readonly PageDef[] = [
  { id: "dashboard", label: "Dashboard", permission: "view_queue", adminSection: false },
  { id: "queue", label: "Intake queue", permission: "view_queue", adminSection: false },
  { id: "appointments", label: "Appointments", permission: "view_queue", adminSection: false },
  { id: "inbox", label: "Inbox", permission: "handle_conversations", adminSection: false },
  { id: "trybot", label: "Try the bot", permission: "view_queue", adminSection: false },
  { id: "users", label: "Users", permission: "manage_users", adminSection: true },
  { id: "settings", label: "Settings", permission: "manage_settings", adminSection: true },
  { id: "connect", label: "Connect WhatsApp", permission: "manage_settings", adminSection: true },
  { id: "templates", label: "Reminders & templates", permission: "manage_settings", adminSection: true },
  { id: "audit", label: "Audit log", permission: "view_audit", adminSection: true },
  { id: "backup", label: "Backup", permission: "manage_backups", adminSection: true },
  { id: "account", label: "My account", permission: "manage_own_account", adminSection: false },
];

export function visiblePages(permissions: readonly Permission[]): PageDef[] {
  return PAGES.filter((p) => permissions.includes(p.permission));
}

export function canSee(page: PageId, permissions: readonly Permission[]): boolean {
  return visiblePages(permissions).some((p) => p.id === page);
}

export function firstPage(permissions: readonly Permission[]): PageId {
  return visiblePages(permissions)[0]?.id ?? "dashboard";
}
