import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Permission } from "../bindings/Permission";
import type { Role } from "../bindings/Role";
import { appointment, appointmentMessage, at, CLINICIANS, NOW } from "../test/appointmentFixtures";
import { adminSession, emitDeskEvent, fail, frontDeskSession, mockBackend, renderUi } from "../test/utils";
import { AppointmentsPage } from "./AppointmentsPage";

const DOCTOR: Permission[] = ["view_queue", "view_demographics", "view_clinical", "review_intake", "manage_own_account"];

function renderPage(role: Role = "front_desk", permissions: readonly Permission[] = frontDeskSession().permissions) {
  const onOpenIntake = vi.fn();
  return { onOpenIntake, ...renderUi(<AppointmentsPage role={role} permissions={permissions} onOpenIntake={onOpenIntake} />) };
}

const DAY = { fromMs: at(14, 0), toMs: at(15, 0), clinicianId: null, includeCancelled: true };

beforeEach(() => {
  // Only the date is fixed: timers stay real, so debounced events and user-event still run.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

describe("appointments page", () => {
  it("shows the front desk today's appointments with everything a glance needs", async () => {
    const b = mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => [
        appointment(2, { startsAt: at(14, 11), patientName: "João Reis", telehealthUrl: "https://meet.example/x", location: "", patientAnswer: "reschedule" }),
        appointment(1, { patientName: "Maria Silva", status: "confirmed", patientAnswer: "confirm", durationMin: 45 }),
        appointment(3, { startsAt: at(14, 15), patientName: "Rui Costa", status: "cancelled", remindersOff: true, clinicianName: "Dr Carla Dias" }),
      ],
    });
    renderPage();
    expect(screen.getByTestId("page-title-appointments")).toHaveTextContent("Appointments");
    const first = await screen.findByTestId("appt-row-1");
    expect(b.last("appointments_list")).toEqual({ query: DAY });
    // In time order, whatever order they came in.
    const rows = screen.getAllByTestId(/^appt-row-/).map((r) => r.getAttribute("data-testid"));
    expect(rows).toEqual(["appt-row-1", "appt-row-2", "appt-row-3"]);
    expect(first).toHaveTextContent("Maria Silva");
    expect(first).toHaveTextContent("45 min");
    expect(first).toHaveTextContent("with Dr Bruno Lima");
    expect(within(first).getByTestId("appt-location")).toHaveTextContent("Room 2");
    expect(within(first).getByTestId("appt-status")).toHaveTextContent("Confirmed by patient");
    expect(within(first).queryByTestId("appt-answer")).not.toBeInTheDocument();
    const second = screen.getByTestId("appt-row-2");
    expect(within(second).getByTestId("appt-telehealth")).toHaveTextContent("Video call");
    expect(within(second).getByTestId("appt-answer")).toHaveTextContent("Wants to reschedule");
    expect(within(second).getByTestId("appt-status")).toHaveTextContent("Booked");
    const third = screen.getByTestId("appt-row-3");
    expect(within(third).getByTestId("appt-status")).toHaveTextContent("Cancelled");
    expect(within(third).getByTestId("appt-reminders-off")).toHaveTextContent("Reminders off (patient replied STOP)");
    expect(screen.getByTestId("appt-count")).toHaveTextContent("2 booked");
    expect(screen.getByTestId("appt-range")).toHaveTextContent("14");
    expect(screen.getByTestId("appt-new")).toBeInTheDocument();
    expect(screen.getByTestId("appt-clinician-filter")).toBeInTheDocument();
    expect(screen.getByTestId("appt-today")).toBeDisabled();
  });

  it("a doctor sees 'Your appointments', no clinician filter and no booking", async () => {
    const b = mockBackend({ appointments_list: () => [appointment(1)] });
    renderPage("doctor", DOCTOR);
    expect(screen.getByTestId("page-title-appointments")).toHaveTextContent("Your appointments");
    expect(await screen.findByTestId("appt-row-1")).not.toHaveTextContent("with Dr Bruno Lima");
    expect(screen.queryByTestId("appt-clinician-filter")).not.toBeInTheDocument();
    expect(screen.queryByTestId("appt-new")).not.toBeInTheDocument();
    expect(b.named("appointments_clinicians")).toHaveLength(0);
  });

  it("moves by day and by week, and filters by clinician", async () => {
    const b = mockBackend({ appointments_clinicians: () => CLINICIANS, appointments_list: () => [] });
    const { user } = renderPage("admin", adminSession().permissions);
    expect(await screen.findByTestId("appt-empty")).toHaveTextContent("No appointments this day");
    await user.click(screen.getByTestId("appt-next"));
    await waitFor(() => expect(b.last("appointments_list")).toEqual({ query: { ...DAY, fromMs: at(15, 0), toMs: at(16, 0) } }));
    expect(screen.getByTestId("appt-today")).toBeEnabled();
    await user.click(screen.getByRole("radio", { name: "Week" }));
    // Monday 10 to Monday 17 March.
    await waitFor(() => expect(b.last("appointments_list")).toEqual({ query: { ...DAY, fromMs: at(10, 0), toMs: at(17, 0) } }));
    expect(screen.getByTestId("appt-empty")).toHaveTextContent("No appointments this week");
    await user.click(screen.getByTestId("appt-next"));
    await waitFor(() => expect(b.last("appointments_list")).toEqual({ query: { ...DAY, fromMs: at(17, 0), toMs: at(24, 0) } }));
    await user.click(screen.getByTestId("appt-today"));
    await waitFor(() => expect(b.last("appointments_list")).toEqual({ query: { ...DAY, fromMs: at(10, 0), toMs: at(17, 0) } }));
    await user.selectOptions(screen.getByTestId("appt-clinician-filter"), "Dr Carla Dias");
    await waitFor(() => expect(b.last("appointments_list")).toEqual({ query: { ...DAY, fromMs: at(10, 0), toMs: at(17, 0), clinicianId: 4 } }));
    await user.click(screen.getByTestId("appt-show-cancelled"));
    await waitFor(() => expect(b.last("appointments_list")?.query).toMatchObject({ includeCancelled: false }));
    fireEvent.change(screen.getByTestId("appt-date"), { target: { value: "2025-04-02" } });
    await waitFor(() => expect(b.last("appointments_list")?.query).toMatchObject({ fromMs: new Date(2025, 2, 31).getTime() }));
  });

  it("groups a week under a heading per day, a day under the page's own date", async () => {
    mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: (args) =>
        (args.query as { toMs: number }).toMs - (args.query as { fromMs: number }).fromMs > 86_400_000 * 2
          ? [appointment(1), appointment(2, { startsAt: at(12, 10) }), appointment(3, { startsAt: at(12, 9), status: "cancelled" })]
          : [appointment(1)],
    });
    const { user } = renderPage();
    expect(await screen.findByTestId("appt-row-1")).toBeInTheDocument();
    expect(screen.queryByTestId("appt-day")).toBeInTheDocument();
    expect(screen.getByTestId("appt-day").querySelector("h4")).toBeNull();
    await user.click(screen.getByRole("radio", { name: "Week" }));
    await waitFor(() => expect(screen.getAllByTestId("appt-day")).toHaveLength(2));
    const [wednesday, friday] = screen.getAllByTestId("appt-day");
    expect(wednesday).toHaveAttribute("data-day", String(at(12, 0)));
    expect(wednesday).toHaveTextContent("1 booked");
    expect(within(wednesday as HTMLElement).getAllByTestId(/^appt-row-/).map((r) => r.dataset.testid)).toEqual(["appt-row-3", "appt-row-2"]);
    expect(friday).toHaveAttribute("data-day", String(at(14, 0)));
    expect(screen.getByTestId("appt-count")).toHaveTextContent("2 booked");
  });

  it("books an appointment for a typed number, then shows it open on its day", async () => {
    const created = appointment(9, { patientName: "Ana Sousa", startsAt: at(17, 10, 15), durationMin: 20 });
    const b = mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => [],
      appointment_create: () => created,
      appointment_messages: () => [],
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("appt-new"));
    const modal = await screen.findByTestId("appt-form");
    await user.type(within(modal).getByTestId("appt-form-phone"), "+351 912 345 678");
    await user.type(within(modal).getByTestId("appt-form-name"), "Ana Sousa");
    await waitFor(() => expect(within(modal).getByTestId("appt-form-clinician")).toHaveTextContent("Dr Carla Dias"));
    await user.selectOptions(within(modal).getByTestId("appt-form-clinician"), "Dr Carla Dias");
    expect(within(modal).getByTestId("appt-form-date")).toHaveValue("2025-03-14");
    fireEvent.change(within(modal).getByTestId("appt-form-date"), { target: { value: "2025-03-17" } });
    fireEvent.change(within(modal).getByTestId("appt-form-time"), { target: { value: "10:15" } });
    await user.selectOptions(within(modal).getByTestId("appt-form-duration"), "20");
    await user.type(within(modal).getByTestId("appt-form-location"), " Room 4 ");
    await user.type(within(modal).getByTestId("appt-form-link"), "https://meet.example/abc");
    await user.type(within(modal).getByTestId("appt-form-notes"), "First visit");
    await user.click(within(modal).getByTestId("appt-form-submit"));
    await waitFor(() =>
      expect(b.last("appointment_create")).toEqual({
        new: {
          patient: { kind: "number", phone: "+351 912 345 678", name: "Ana Sousa" },
          clinicianId: 4,
          startsAt: at(17, 10, 15),
          durationMin: 20,
          location: "Room 4",
          telehealthUrl: "https://meet.example/abc",
          notes: "First visit",
        },
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("appt-form")).not.toBeInTheDocument());
    expect(await screen.findByTestId("appt-detail")).toHaveAttribute("data-appointment-id", "9");
    await waitFor(() => expect(b.last("appointments_list")?.query).toMatchObject({ fromMs: at(17, 0), toMs: at(18, 0) }));
  });

  it("keeps the form and shows why when booking is refused, and checks the obvious first", async () => {
    const b = mockBackend({
      appointments_clinicians: () => [CLINICIANS[0]],
      appointments_list: () => [],
      appointment_create: fail("invalid.appointment_overlap", "Dr Bruno Lima already has an appointment at 10:00."),
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("appt-new"));
    const modal = await screen.findByTestId("appt-form");
    await user.click(within(modal).getByTestId("appt-form-submit"));
    expect(await within(modal).findByTestId("appt-form-error")).toHaveTextContent("Enter the patient's WhatsApp number");
    await user.type(within(modal).getByTestId("appt-form-phone"), "+351912345678");
    await user.type(within(modal).getByTestId("appt-form-name"), "Ana");
    await user.click(within(modal).getByTestId("appt-form-submit"));
    expect(await within(modal).findByTestId("appt-form-error")).toHaveTextContent("Choose a date and a time.");
    expect(b.named("appointment_create")).toHaveLength(0);
    // One doctor: chosen without asking.
    await waitFor(() => expect(within(modal).getByTestId("appt-form-clinician")).toHaveValue("3"));
    fireEvent.change(within(modal).getByTestId("appt-form-time"), { target: { value: "10:00" } });
    await user.click(within(modal).getByTestId("appt-form-submit"));
    expect(await within(modal).findByTestId("appt-form-error")).toHaveTextContent("Dr Bruno Lima already has an appointment at 10:00.");
    expect(b.last("appointment_create")?.new).toMatchObject({ clinicianId: 3, startsAt: at(14, 10) });
    expect(within(modal).getByTestId("appt-form-phone")).toHaveValue("+351912345678");
    expect(within(modal).getByTestId("appt-form-time")).toHaveValue("10:00");
  });

  it("says when there is no doctor to book with", async () => {
    mockBackend({ appointments_clinicians: () => [], appointments_list: () => [] });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("appt-new"));
    expect(await screen.findByTestId("appt-form-no-clinicians")).toHaveTextContent("An admin adds them under Users");
  });

  it("opens an appointment with its messages and their ticks in words", async () => {
    const b = mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => [appointment(1, { patientName: "Maria Silva", notes: "Bring the X-ray." })],
      appointment_messages: () => [
        appointmentMessage(10, "appointment_confirmation", { dueAt: at(13, 8), state: "queued", via: "text", delivery: "read" }),
        appointmentMessage(11, "reminder_24h", { dueAt: at(13, 9, 30), state: "queued", via: "template", delivery: "delivered" }),
        appointmentMessage(12, "reminder_1h", { dueAt: at(14, 8, 30), state: "queued", via: "template", delivery: "failed", deliveryError: "WhatsApp could not deliver it: the number is not on WhatsApp." }),
        appointmentMessage(13, "reminder_15m", { dueAt: at(14, 9), state: "skipped", skipReason: "Off in the clinic's settings." }),
        appointmentMessage(9, "reminder_1h", { dueAt: at(13, 8), state: "skipped", skipReason: "The appointment moved." }),
      ],
    });
    const { user, onOpenIntake } = renderPage();
    await user.click(await screen.findByTestId("appt-row-1"));
    const detail = await screen.findByTestId("appt-detail");
    expect(within(detail).getByTestId("appt-detail-clinician")).toHaveTextContent("Dr Bruno Lima");
    expect(within(detail).getByTestId("appt-detail-phone")).toHaveTextContent("+351910000001");
    expect(detail).toHaveTextContent("Bring the X-ray.");
    expect(b.last("appointment_messages")).toEqual({ id: 1 });
    const confirmation = await within(detail).findByTestId("appt-message-appointment_confirmation");
    expect(confirmation).toHaveAttribute("data-delivery", "read");
    expect(confirmation).toHaveTextContent("Booking confirmation");
    expect(within(confirmation).getByTestId("delivery-read")).toHaveTextContent("Read");
    const day = within(detail).getByTestId("appt-message-reminder_24h");
    expect(day).toHaveAttribute("data-delivery", "delivered");
    expect(day).toHaveTextContent("Reminder 24 h before");
    expect(day).toHaveTextContent("as an approved template");
    const hour = within(detail).getByTestId("appt-message-reminder_1h");
    expect(hour).toHaveAttribute("data-message-id", "12");
    expect(hour).toHaveAttribute("data-delivery", "failed");
    expect(within(hour).getByTestId("appt-message-error")).toHaveTextContent("the number is not on WhatsApp");
    const earlier = within(detail).getByTestId("appt-message-reminder_1h-earlier");
    expect(within(earlier).getByTestId("appt-message-skip-reason")).toHaveTextContent("The appointment moved.");
    expect(earlier).toHaveTextContent("Not sent");
    expect(within(detail).getByTestId("appt-message-reminder_15m")).toHaveAttribute("data-delivery", "skipped");
    await user.click(within(detail).getByTestId("appt-open-intake"));
    expect(onOpenIntake).toHaveBeenCalledWith(42);
  });

  it("ticks move live as Meta reports them, and the list follows new answers", async () => {
    let delivery = "sent";
    let answer: "reschedule" | null = null;
    const b = mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => [appointment(1, { patientAnswer: answer })],
      appointment_messages: () => [appointmentMessage(11, "reminder_1h", { state: "queued", via: "template", delivery })],
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("appt-row-1"));
    expect(await screen.findByTestId("appt-message-reminder_1h")).toHaveAttribute("data-delivery", "sent");
    delivery = "read";
    await emitDeskEvent({ kind: "delivery_changed" });
    await waitFor(() => expect(screen.getByTestId("appt-message-reminder_1h")).toHaveAttribute("data-delivery", "read"));
    const lists = b.named("appointments_list").length;
    answer = "reschedule";
    await emitDeskEvent({ kind: "conversation_changed", conversationId: 7 });
    await waitFor(() => expect(b.named("appointments_list").length).toBeGreaterThan(lists));
    await waitFor(() => expect(within(screen.getByTestId("appt-detail")).getByTestId("appt-answer")).toHaveTextContent("Wants to reschedule"));
    expect(screen.getByTestId("appt-wants-reschedule")).toHaveTextContent("move the appointment with Reschedule");
    const before = b.named("appointments_list").length;
    await emitDeskEvent({ kind: "appointments_changed", appointmentId: 5 });
    await waitFor(() => expect(b.named("appointments_list").length).toBeGreaterThan(before));
  });

  it("reschedules, edits the place and cancels with a reason", async () => {
    const original = appointment(1, { patientName: "Maria Silva" });
    const b = mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => [original],
      appointment_messages: () => [],
      appointment_reschedule: () => ({ ...original, startsAt: at(14, 16), durationMin: 60, clinicianId: 4, clinicianName: "Dr Carla Dias" }),
      appointment_update_details: () => ({ ...original, location: "Room 5" }),
      appointment_cancel: () => ({ ...original, status: "cancelled", cancelledAt: NOW, cancelReason: "Patient is ill" }),
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("appt-row-1"));
    await user.click(await screen.findByTestId("appt-reschedule"));
    expect(screen.getByTestId("appt-reschedule-time")).toHaveValue("09:30");
    fireEvent.change(screen.getByTestId("appt-reschedule-time"), { target: { value: "16:00" } });
    await user.selectOptions(screen.getByTestId("appt-reschedule-duration"), "60");
    await waitFor(() => expect(screen.getByTestId("appt-reschedule-clinician")).toHaveTextContent("Dr Carla Dias"));
    await user.selectOptions(screen.getByTestId("appt-reschedule-clinician"), "4");
    await user.click(screen.getByTestId("appt-reschedule-submit"));
    await waitFor(() =>
      expect(b.last("appointment_reschedule")).toEqual({ id: 1, reschedule: { startsAt: at(14, 16), durationMin: 60, clinicianId: 4 } }),
    );
    expect(await screen.findByTestId("appt-saved")).toHaveTextContent("Moved.");
    expect(screen.getByTestId("appt-detail-clinician")).toHaveTextContent("Dr Carla Dias");

    await user.click(screen.getByTestId("appt-edit-details"));
    await user.clear(screen.getByTestId("appt-details-location"));
    await user.type(screen.getByTestId("appt-details-location"), "Room 5");
    await user.click(screen.getByTestId("appt-details-submit"));
    await waitFor(() =>
      expect(b.last("appointment_update_details")).toEqual({ id: 1, details: { location: "Room 5", telehealthUrl: "", notes: "" } }),
    );

    await user.click(await screen.findByTestId("appt-cancel"));
    await user.type(await screen.findByTestId("appt-cancel-reason"), "Patient is ill");
    await user.click(screen.getByTestId("appt-cancel-confirm"));
    await waitFor(() => expect(b.last("appointment_cancel")).toEqual({ id: 1, cancel: { reason: "Patient is ill" } }));
    expect(await screen.findByTestId("appt-detail-cancelled")).toHaveTextContent("Patient is ill");
    // A cancelled appointment cannot be changed any more.
    expect(screen.queryByTestId("appt-reschedule")).not.toBeInTheDocument();
    expect(screen.queryByTestId("appt-cancel")).not.toBeInTheDocument();
  });

  it("shows a refused change next to its form", async () => {
    mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => [appointment(1)],
      appointment_messages: () => [],
      appointment_cancel: fail("invalid.appointment_cancelled", "This appointment was cancelled. Book a new one instead."),
      appointment_update_details: fail("invalid.telehealth_url", "The video call link must start with https://."),
    });
    const { user } = renderPage();
    await user.click(await screen.findByTestId("appt-row-1"));
    await user.click(await screen.findByTestId("appt-edit-details"));
    await user.type(screen.getByTestId("appt-details-link"), "http://x");
    await user.click(screen.getByTestId("appt-details-submit"));
    expect(await screen.findByTestId("appt-details-error")).toHaveTextContent("must start with https://");
    expect(screen.getByTestId("appt-details-link")).toHaveValue("http://x");
    await user.click(screen.getByRole("button", { name: "Back" }));
    await user.click(screen.getByTestId("appt-cancel"));
    await user.click(await screen.findByTestId("appt-cancel-confirm"));
    expect(await screen.findByTestId("appt-cancel-error")).toHaveTextContent("Book a new one instead.");
  });

  it("doctors read an appointment but cannot change it", async () => {
    mockBackend({ appointments_list: () => [appointment(1)], appointment_messages: () => [] });
    const { user } = renderPage("doctor", DOCTOR);
    await user.click(await screen.findByTestId("appt-row-1"));
    expect(await screen.findByTestId("appt-messages-empty")).toBeInTheDocument();
    expect(screen.queryByTestId("appt-reschedule")).not.toBeInTheDocument();
    expect(screen.queryByTestId("appt-cancel")).not.toBeInTheDocument();
    expect(screen.queryByTestId("appt-edit-details")).not.toBeInTheDocument();
  });

  it("says so when the list cannot be loaded, and tries again", async () => {
    let fails = true;
    mockBackend({
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () => {
        if (fails) throw { code: "internal", message: "Something went wrong." };
        return [appointment(1)];
      },
    });
    const { user } = renderPage();
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("Something went wrong.");
    fails = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("appt-row-1")).toBeInTheDocument();
  });
});
