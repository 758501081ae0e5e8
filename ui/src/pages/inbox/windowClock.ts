import { formatDuration } from "../../format";

/**
 * The 24-hour window as the desk should read it. `skewMs` is the server's clock minus this
 * PC's when the view arrived, so a PC clock that is off does not move the deadline.
 */
export type WindowState = { open: boolean; soon: boolean; label: string };

export function windowState(closesAt: number | null, skewMs: number, clientNow: number): WindowState {
  if (closesAt === null) return { open: false, soon: false, label: "The patient has not written yet, so WhatsApp only allows approved templates." };
  const left = closesAt - (clientNow + skewMs);
  if (left <= 0) {
    return { open: false, soon: false, label: "The 24-hour window has closed. WhatsApp only allows approved templates now." };
  }
  return { open: true, soon: left < 60 * 60_000, label: `Window closes in ${formatDuration(left)}` };
}
