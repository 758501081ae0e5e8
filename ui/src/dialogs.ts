// Native file pickers for backup files (tauri-plugin-dialog). Both return null when the
// person cancels; a failure to open the picker becomes an ErrorBody like every command.
import { open, save } from "@tauri-apps/plugin-dialog";
import type { ErrorBody } from "./bindings/ErrorBody";
import { isErrorBody } from "./ipc";

const BACKUP_FILTER = { name: "Intake Desk backup", extensions: ["idbk"] };

export const DIALOG_ERROR: ErrorBody = {
  code: "dialog.failed",
  message: "The file window could not be opened. Try again; if it keeps happening, restart Intake Desk.",
};

function dialogError(raw: unknown): ErrorBody {
  return isErrorBody(raw) ? raw : DIALOG_ERROR;
}

export async function chooseBackupToRestore(): Promise<string | null> {
  try {
    const picked = await open({ multiple: false, directory: false, filters: [BACKUP_FILTER] });
    return typeof picked === "string" ? picked : null;
  } catch (raw) {
    throw dialogError(raw);
  }
}

/** "intake-desk-2025-03-14.idbk", using the local date. */
export function defaultBackupName(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `intake-desk-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.idbk`;
}

export async function chooseBackupDestination(): Promise<string | null> {
  try {
    const picked = await save({ defaultPath: defaultBackupName(), filters: [BACKUP_FILTER] });
    return picked ?? null;
  } catch (raw) {
    throw dialogError(raw);
  }
}
