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

/** "Today 09:41", "14 Mar, 09:41", or "14 Mar 2024, 09:41" for another year: for lists. */
export function formatWhen(unixMs: number, now: number = Date.now()): string {
  const date = new Date(unixMs);
  const today = new Date(now);
  const time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === today.toDateString()) return `Today ${time}`;
  const sameYear = date.getFullYear() === today.getFullYear();
  const day = date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: sameYear ? undefined : "numeric" });
  return `${day}, ${time}`;
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

/** "1,234": counts in the page's number format. */
export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** "just now", "3 min ago", "2 h ago", "4 days ago": how long ago, for a quick glance. */
export function formatAgo(unixMs: number, now: number = Date.now()): string {
  const minutes = Math.floor((now - unixMs) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/** "3 h 12 min", "12 min", "less than a minute": a duration that is still to come. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "Mon 3 Mar" from "2025-03-03" (a local calendar day, not a moment). */
export function formatDay(isoDay: string, withWeekday = true): string {
  const [y, m, d] = isoDay.split("-").map((part) => Number.parseInt(part, 10));
  if (!y || !m || !d) return isoDay;
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    weekday: withWeekday ? "short" : undefined,
    day: "numeric",
    month: "short",
  });
}

/** Local midnight at the start of a "YYYY-MM-DD" day, in unix ms; null for an empty field. */
export function localDayStart(isoDay: string): number | null {
  const [y, m, d] = isoDay.split("-").map((part) => Number.parseInt(part, 10));
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d).getTime();
}

/** Local midnight at the start of the day after a "YYYY-MM-DD" day (an exclusive end). */
export function localDayEnd(isoDay: string): number | null {
  const [y, m, d] = isoDay.split("-").map((part) => Number.parseInt(part, 10));
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d + 1).getTime();
}

/** This PC's local date as "YYYY-MM-DD" (what a date field holds). */
export function localIsoDay(unixMs: number = Date.now()): string {
  const d = new Date(unixMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
