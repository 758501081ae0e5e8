// First guesses when an admin picks a template, so the common case is one click on Save.
// They are only suggestions: every one shows in a select the admin can change.
import type { ButtonAction } from "../../bindings/ButtonAction";
import type { ParamSource } from "../../bindings/ParamSource";

// Most specific first: "clinic_name" and "doctor_name" are not the patient's name.
const PARAM_HINTS: readonly [RegExp, ParamSource][] = [
  [/clinic|cl[ií]nica|practice/i, "clinic_name"],
  [/doctor|clinician|^dr\b|m[eé]dico|professional/i, "clinician"],
  [/link|url|video|enlace/i, "link"],
  [/location|place|room|address|lugar|sala|direcci/i, "location"],
  [/date|day|fecha|d[ií]a/i, "date"],
  [/time|hour|hora/i, "time"],
  [/first|name|patient|nombre/i, "first_name"],
];

/** Positional templates ({{1}}, {{2}}…): the usual order of a greeting, then when and with whom. */
const POSITIONAL: readonly ParamSource[] = ["first_name", "clinic_name", "date", "time", "clinician", "location"];

export function guessSource(param: string): ParamSource | null {
  for (const [pattern, source] of PARAM_HINTS) if (pattern.test(param)) return source;
  const n = Number.parseInt(param, 10);
  if (String(n) === param && n >= 1) return POSITIONAL[n - 1] ?? null;
  return null;
}

export function guessAction(buttonText: string): ButtonAction {
  const t = buttonText.toLowerCase();
  if (/confirm|^yes|^s[ií]$|\bok\b/.test(t)) return "confirm";
  if (/reschedul|reprogram|cambiar|another|other time|move/.test(t)) return "reschedule";
  if (/cancel/.test(t)) return "cancel";
  return "none";
}
