import type { Role } from "./bindings/Role";

export const ROLE_LABELS: Record<Role, string> = {
  front_desk: "Front desk",
  doctor: "Doctor",
  admin: "Admin",
};

export const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: "front_desk", label: ROLE_LABELS.front_desk },
  { value: "doctor", label: ROLE_LABELS.doctor },
  { value: "admin", label: ROLE_LABELS.admin },
];

export function isRole(value: string | null): value is Role {
  return value === "front_desk" || value === "doctor" || value === "admin";
}

/** Local date and time, e.g. "14 Mar 2025, 09:41:07". */
export function formatDateTime(unixMs: number): string {
  return new Date(unixMs).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** "14:05" today, "14 Mar, 14:05" on another day: for short labels such as "Locked until". */
export function formatShortTime(unixMs: number, now: number = Date.now()): string {
  const date = new Date(unixMs);
  const time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === new Date(now).toDateString()) return time;
  return `${date.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The last dash-separated group of a recovery key ("…-7QXP" → "7QXP"). */
export function lastKeyGroup(key: string): string {
  const groups = key.trim().split("-");
  return groups[groups.length - 1] ?? "";
}

/** Rough client-side check of the password rules; the backend has the final word. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 10) return "Use at least 10 characters.";
  const user = username.trim().toLowerCase();
  if (user.length > 0 && password.toLowerCase().includes(user)) {
    return "The password must not contain the username.";
  }
  return null;
}

export const PASSWORD_RULES =
  "At least 10 characters, not a common password, and not containing the username.";
