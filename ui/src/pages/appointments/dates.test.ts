import { describe, expect, it } from "vitest";
import { addDays, combine, hhmmOf, isoDayOf, rangeOf, startOfWeek } from "./dates";
import { deliveryOf } from "./words";

describe("appointment dates", () => {
  it("turns the date and time fields into a local moment, refusing what is not one", () => {
    expect(combine("2025-03-14", "09:30")).toBe(new Date(2025, 2, 14, 9, 30).getTime());
    expect(combine("2025-03-14", "9:05")).toBe(new Date(2025, 2, 14, 9, 5).getTime());
    for (const [day, time] of [
      ["", "09:30"],
      ["2025-03-14", ""],
      ["2025-02-31", "09:00"],
      ["2025-13-01", "09:00"],
      ["2025-03-14", "24:00"],
      ["2025-03-14", "09:60"],
      ["14/03/2025", "09:00"],
      ["2025-03-14", "9am"],
      ["2025-03-14'; DROP", "09:00"],
    ]) {
      expect(combine(day as string, time as string), `${day} ${time}`).toBeNull();
    }
  });

  it("round-trips through the fields", () => {
    const ms = new Date(2025, 10, 2, 7, 45).getTime();
    expect(combine(isoDayOf(ms), hhmmOf(ms))).toBe(ms);
  });

  it("starts weeks on Monday and days at local midnight, across a clock change", () => {
    const sunday = new Date(2025, 2, 16, 22, 0).getTime();
    expect(startOfWeek(sunday)).toBe(new Date(2025, 2, 10).getTime());
    expect(startOfWeek(new Date(2025, 2, 10, 0, 0).getTime())).toBe(new Date(2025, 2, 10).getTime());
    expect(rangeOf("week", sunday)).toEqual({ from: new Date(2025, 2, 10).getTime(), to: new Date(2025, 2, 17).getTime() });
    // The last Sunday of March moves European clocks; a day is still midnight to midnight.
    const { from, to } = rangeOf("day", new Date(2025, 2, 30, 12).getTime());
    expect(new Date(to).getHours()).toBe(0);
    expect(new Date(from).getDate()).toBe(30);
    expect(new Date(addDays(from, 1)).getDate()).toBe(31);
  });
});

describe("appointment words", () => {
  it("maps the outbox's words to ticks and nothing else", () => {
    expect(deliveryOf("waiting")).toBe("queued");
    expect(deliveryOf("read")).toBe("read");
    expect(deliveryOf("needs_staff")).toBe("needs_staff");
    expect(deliveryOf("<img>")).toBeNull();
    expect(deliveryOf(null)).toBeNull();
  });
});
