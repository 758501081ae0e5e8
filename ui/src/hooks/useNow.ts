import { useEffect, useState } from "react";

/**
 * The current time, for labels such as "3 min ago" or a countdown: read at every render,
 * and the component renders again at least every `everyMs`. This never fetches anything.
 */
export function useNow(everyMs: number = 30_000): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return Date.now();
}
