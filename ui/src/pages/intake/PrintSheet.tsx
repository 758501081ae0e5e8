import { useEffect } from "react";
import { createPortal } from "react-dom";
import type { IntakeDetail } from "../../bindings/IntakeDetail";
import { formatDateTime } from "../../format";
import { STATUS_LABELS } from "../../labels";
import { formatConsentTime } from "./ConsentCard";

type Props = { intake: IntakeDetail; clinicName: string; printedBy: string; onDone: () => void };

/**
 * One intake laid out for paper (A4 or Letter: the page size is the printer's). It is put
 * straight under <body>, the app is hidden while printing (see global.css), and the print
 * window opens at once.
 */
export function PrintSheet({ intake, clinicName, printedBy, onDone }: Props) {
  useEffect(() => {
    document.body.classList.add("printing");
    window.addEventListener("afterprint", onDone);
    // Let the sheet reach the page first.
    const timer = window.setTimeout(() => window.print(), 0);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener("afterprint", onDone);
      document.body.classList.remove("printing");
    };
  }, [onDone]);

  return createPortal(
    <article className="print-sheet" aria-hidden data-testid="print-sheet">
      <header>
        <div className="print-clinic">{clinicName}</div>
        <h1>{intake.patientName}</h1>
        <div>
          {intake.patientPhone} · Submitted {formatDateTime(intake.submittedAt)} · Status: {STATUS_LABELS[intake.status]}
          {intake.statusBy && intake.statusAt !== null && ` (${intake.statusBy}, ${formatDateTime(intake.statusAt)})`}
        </div>
      </header>
      {intake.sections.map((section) => (
        <section key={`${section.kind}-${section.title}`}>
          <h2>{section.title}</h2>
          <table>
            <tbody>
              {section.answers.map((a) => (
                <tr key={a.linkId}>
                  <th>{a.label}</th>
                  <td>{a.skipped ? "Skipped" : a.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {intake.clinicalHidden && <p className="print-note">Clinical answers are shown to doctors and admins; they are not on this page.</p>}
      {intake.attachments.length > 0 && (
        <section>
          <h2>Photos and files</h2>
          <ul>
            {intake.attachments.map((a) => (
              <li key={a.mediaId}>{a.label} (kept in Intake Desk)</li>
            ))}
          </ul>
        </section>
      )}
      {intake.consent && (
        <section>
          <h2>Consent</h2>
          <p>
            {intake.consent.granted ? "Agreed" : "Did not agree"} on {formatConsentTime(intake.consent.at)}, consent text version{" "}
            {intake.consent.consentVersion} ({intake.consent.lang}), SHA-256 {intake.consent.textSha256.slice(0, 16)}…
          </p>
        </section>
      )}
      {intake.notes.length > 0 && (
        <section>
          <h2>Doctor notes</h2>
          {intake.notes.map((n) => (
            <div key={n.id} className="print-noteitem">
              <div className="print-meta">
                {n.author}, {formatDateTime(n.at)}
              </div>
              <div>{n.text}</div>
            </div>
          ))}
        </section>
      )}
      <footer>
        Intake #{intake.id} · form {intake.formVersion} · language {intake.lang} · printed {formatDateTime(Date.now())} by {printedBy}
      </footer>
    </article>,
    document.body,
  );
}
