import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Permission } from "../bindings/Permission";
import { frontDeskIntake, intakeDetail } from "../test/fixtures";
import { adminSession, emitDeskEvent, fail, frontDeskSession, mockBackend, renderUi } from "../test/utils";
import { IntakePage } from "./IntakePage";

const DOCTOR: Permission[] = ["view_queue", "view_demographics", "view_clinical", "review_intake", "manage_own_account"];

function renderDetail(permissions: readonly Permission[] = DOCTOR, onBack = vi.fn()) {
  return { onBack, ...renderUi(<IntakePage id={42} permissions={permissions} onBack={onBack} clinicName="Sunrise Clinic" printedBy="Dr. Gomes" />) };
}

describe("intake detail", () => {
  it("for the front desk: demographics only, a calm note instead of clinical answers, no review", async () => {
    const b = mockBackend({ intake_get: () => frontDeskIntake() });
    renderDetail(frontDeskSession().permissions);
    expect(await screen.findByTestId("intake-name")).toHaveTextContent("Maria Silva");
    expect(b.last("intake_get")).toEqual({ id: 42 });
    expect(screen.getByTestId("answer-dob")).toHaveTextContent("1984-03-02");
    expect(screen.getByTestId("clinical-hidden")).toHaveTextContent("Clinical answers are shown to doctors and admins.");
    expect(screen.queryByTestId("section-clinical")).not.toBeInTheDocument();
    expect(screen.queryByTestId("intake-transcript")).not.toBeInTheDocument();
    expect(screen.queryByTestId("intake-notes")).not.toBeInTheDocument();
    expect(screen.queryByTestId("review-panel")).not.toBeInTheDocument();
    expect(screen.getByTestId("consent")).toHaveTextContent("Agreed");
  });

  it("for a doctor: clinical answers, transcript with ticks in words, notes and consent", async () => {
    mockBackend({ intake_get: () => intakeDetail() });
    renderDetail();
    const clinical = await screen.findByTestId("section-clinical");
    expect(within(clinical).getByTestId("answer-allergies")).toHaveTextContent("Penicillin");
    expect(within(clinical).getByTestId("answer-meds")).toHaveTextContent("Skipped");
    expect(screen.queryByTestId("clinical-hidden")).not.toBeInTheDocument();
    expect(screen.getByTestId("intake-transcript")).toHaveTextContent("Welcome!");
    expect(screen.getByTestId("delivery-read")).toHaveTextContent("Read");
    expect(screen.getByTestId("intake-note")).toHaveTextContent("Check the penicillin allergy.");
    expect(screen.getByTestId("consent")).toHaveTextContent("9f86d081884c…");
    expect(screen.getByTestId("consent")).not.toHaveTextContent("9f86d081884c7d659a2f");
    expect(screen.getByTestId("intake-status")).toHaveTextContent("New");
  });

  it("a review sends the status and note, then shows who and when", async () => {
    const b = mockBackend({
      intake_get: () => intakeDetail(),
      intake_review: () =>
        intakeDetail({ status: "needs_follow_up", statusBy: "Dr. Gomes", statusAt: Date.now(), notes: [...intakeDetail().notes, { id: 2, author: "Dr. Gomes", at: Date.now(), text: "Call her back." }] }),
    });
    const { user } = renderDetail();
    await user.click(await screen.findByTestId("review-status-needs_follow_up"));
    await user.type(screen.getByTestId("review-note"), "  Call her back.  ");
    await user.click(screen.getByTestId("review-save"));
    expect(await screen.findByTestId("review-saved")).toHaveTextContent("Saved: Needs follow-up by Dr. Gomes at");
    expect(b.last("intake_review")).toEqual({ id: 42, review: { status: "needs_follow_up", note: "Call her back." } });
    expect(screen.getByTestId("intake-status")).toHaveTextContent("Needs follow-up");
    expect(screen.getByTestId("intake-status")).toHaveTextContent("Dr. Gomes");
    expect(screen.getAllByTestId("intake-note")).toHaveLength(2);
    expect(screen.getByTestId("review-note")).toHaveValue("");
  });

  it("a review can send the status without a note, and go back to New", async () => {
    const b = mockBackend({
      intake_get: () => intakeDetail({ status: "reviewed", statusBy: "Dr. Gomes", statusAt: Date.now() }),
      intake_review: () => intakeDetail(),
    });
    const { user } = renderDetail();
    expect(await screen.findByTestId("review-save")).toBeDisabled();
    await user.click(screen.getByTestId("review-status-new"));
    await user.click(screen.getByTestId("review-save"));
    await waitFor(() => expect(b.last("intake_review")).toEqual({ id: 42, review: { status: "new", note: null } }));
  });

  it("shows the backend's reason when the review fails", async () => {
    mockBackend({
      intake_get: () => intakeDetail(),
      intake_review: fail("auth.forbidden", "Your role cannot review intakes."),
    });
    const { user } = renderDetail();
    await user.click(await screen.findByTestId("review-save"));
    expect(await screen.findByTestId("review-error")).toHaveTextContent("Your role cannot review intakes.");
  });

  it("Back and Esc go back; Esc in the note only leaves the field", async () => {
    mockBackend({ intake_get: () => intakeDetail() });
    const { user, onBack } = renderDetail();
    await user.click(await screen.findByTestId("review-note"));
    await user.keyboard("{Escape}");
    expect(onBack).not.toHaveBeenCalled();
    await user.keyboard("{Escape}");
    expect(onBack).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId("intake-back"));
    expect(onBack).toHaveBeenCalledTimes(2);
  });

  it("Print lays the intake out on its own sheet and opens the print window", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => undefined);
    mockBackend({ intake_get: () => intakeDetail() });
    const { user } = renderDetail();
    await user.click(await screen.findByTestId("intake-print"));
    const sheet = await screen.findByTestId("print-sheet", {}, { timeout: 2000 });
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    expect(sheet.parentElement).toBe(document.body);
    expect(document.body).toHaveClass("printing");
    expect(sheet).toHaveTextContent("Sunrise Clinic");
    expect(sheet).toHaveTextContent("Maria Silva");
    expect(sheet).toHaveTextContent("Penicillin");
    expect(sheet).toHaveTextContent("printed");
    fireEvent(window, new Event("afterprint"));
    await waitFor(() => expect(screen.queryByTestId("print-sheet")).not.toBeInTheDocument());
    expect(document.body).not.toHaveClass("printing");
  });

  it("loads photos through intake_media and explains pending and failed ones", async () => {
    const b = mockBackend({
      intake_get: () =>
        intakeDetail({
          attachments: [
            { mediaId: "m1", linkId: "photo", label: "Insurance card", mime: "image/jpeg", state: "fetched", size: 2048, problem: null },
            { mediaId: "m2", linkId: "photo2", label: "Referral", mime: "image/jpeg", state: "pending", size: null, problem: null },
            { mediaId: "m3", linkId: "photo3", label: "Rash", mime: "image/jpeg", state: "failed", size: null, problem: "WhatsApp no longer has this photo. Ask the patient to send it again." },
          ],
        }),
      intake_media: () => ({ mime: "image/jpeg", base64: "AAAA" }),
    });
    renderDetail();
    const img = await screen.findByTestId("attachment-photo");
    expect(img).toHaveAttribute("src", "data:image/jpeg;base64,AAAA");
    expect(img).toHaveAttribute("alt", "Insurance card");
    expect(b.last("intake_media")).toEqual({ intakeId: 42, mediaId: "m1" });
    expect(b.named("intake_media")).toHaveLength(1);
    expect(screen.getByTestId("attachment-m2")).toHaveTextContent("Still coming from WhatsApp");
    expect(screen.getByTestId("attachment-m3")).toHaveTextContent("Ask the patient to send it again.");
  });

  it("says why it could not load, and refetches when this intake changes elsewhere", async () => {
    let calls = 0;
    mockBackend({
      intake_get: () => {
        calls += 1;
        if (calls === 1) fail("queue.not_found", "This intake no longer exists.")({});
        return calls === 2 ? intakeDetail() : intakeDetail({ status: "reviewed", statusBy: "Dr. Gomes", statusAt: Date.now() });
      },
    });
    const { user } = renderDetail(adminSession().permissions);
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("This intake no longer exists.");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("intake-status")).toHaveTextContent("New");
    await emitDeskEvent({ kind: "intake_updated", intakeId: 41 });
    await new Promise((r) => setTimeout(r, 350));
    expect(calls).toBe(2);
    await emitDeskEvent({ kind: "intake_updated", intakeId: 42 });
    await waitFor(() => expect(screen.getByTestId("intake-status")).toHaveTextContent("Reviewed"));
  });
});
