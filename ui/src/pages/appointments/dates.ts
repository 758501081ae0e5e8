// Calendar arithmetic in this PC's local time (what the clinic reads on the wall clock).
// Days are added through Date's own fields, so a daylight-saving change keeps midnight at
// midnight.

export type View = "day" | "week";

export function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function addDays(ms: number, days: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days, d.getHours(), d.getMinutes()).getTime();
}

/** Monday of the week holding `ms`, at midnight. */
export function startOfWeek(ms: number): number {
  const day = startOfDay(ms);
  const weekday = (new Date(day).getDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

export function rangeOf(view: View, anchor: number): { from: number; to: number } {
  const from = view === "day" ? startOfDay(anchor) : startOfWeek(anchor);
  return { from, to: addDays(from, view === "day" ? 1 : 7) };
}

/** "YYYY-MM-DD" and "HH:MM" (what date and time fields hold) → unix ms, or null if incomplete. */
export function combine(isoDay: string, hhmm: string): number | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay.trim());
  const time = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!day || !time) return null;
  const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const [hh, mm] = [Number(time[1]), Number(time[2])];
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59) return null;
  const date = new Date(y, m - 1, d, hh, mm);
  // 31 February rolls over into March: refuse it rather than book another day.
  if (date.getMonth() !== m - 1 || date.getDate() !== d) return null;
  return date.getTime();
}

const pad = (n: number) => String(n).padStart(2, "0");

export function isoDayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function hhmmOf(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "09:30" in the PC's own clock style. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** "Monday 17 March". */
export function formatLongDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });
}

/** "Mon 17 Mar, 09:30". */
export function formatDayTime(ms: number): string {
  const day = new Date(ms).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
  return `${day}, ${formatTime(ms)}`;
}

/** The heading over the list: "Monday 17 March" or "17 – 23 March 2025". */
export function formatRange(view: View, from: number, to: number): string {
  if (view === "day") {
    return new Date(from).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }
  const last = addDays(to, -1);
  // The locale's own way of writing a span ("17–23 March 2025", "March 17 – 23, 2025").
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric" }).formatRange(from, last);
}
