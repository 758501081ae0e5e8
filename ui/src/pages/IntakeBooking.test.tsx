import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Permission } from "../bindings/Permission";
import { appointment, at, CLINICIANS, NOW } from "../test/appointmentFixtures";
import { frontDeskIntake, intakeDetail } from "../test/fixtures";
import { emitDeskEvent, fail, frontDeskSession, mockBackend, renderUi } from "../test/utils";
import { IntakePage } from "./IntakePage";

const DOCTOR: Permission[] = ["view_queue", "view_demographics", "view_clinical", "review_intake", "manage_own_account"];

function renderIntake(permissions: readonly Permission[]) {
  return renderUi(<IntakePage id={42} permissions={permissions} onBack={vi.fn()} />);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

describe("booking from an intake", () => {
  it("the front desk books for the intake's patient without typing their number", async () => {
    let booked = false;
    const b = mockBackend({
      intake_get: () => frontDeskIntake(),
      appointments_clinicians: () => CLINICIANS,
      appointments_list: () =>
        booked ? [appointment(5, { conversationId: 7, startsAt: at(18, 11), clinicianName: "Dr Carla Dias" }), appointment(6, { conversationId: 99 })] : [],
      appointment_create: () => {
        booked = true;
        return appointment(5, { conversationId: 7, startsAt: at(18, 11), clinicianName: "Dr Carla Dias" });
      },
    });
    const { user } = renderIntake(frontDeskSession().permissions);
    await user.click(await screen.findByTestId("intake-book"));
    const form = await screen.findByTestId("appt-form");
    expect(within(form).getByTestId("appt-form-patient")).toHaveTextContent("Maria Silva");
    expect(within(form).getByTestId("appt-form-patient")).toHaveTextContent("+351910000001");
    expect(within(form).queryByTestId("appt-form-phone")).not.toBeInTheDocument();
    await waitFor(() => expect(within(form).getByTestId("appt-form-clinician")).toHaveTextContent("Dr Carla Dias"));
    await user.selectOptions(within(form).getByTestId("appt-form-clinician"), "4");
    await user.clear(within(form).getByTestId("appt-form-date"));
    await user.type(within(form).getByTestId("appt-form-date"), "2025-03-18");
    await user.type(within(form).getByTestId("appt-form-time"), "11:00");
    await user.click(within(form).getByTestId("appt-form-submit"));
    await waitFor(() =>
      expect(b.last("appointment_create")).toEqual({
        new: {
          patient: { kind: "intake", intakeId: 42 },
          clinicianId: 4,
          startsAt: at(18, 11),
          durationMin: 30,
          location: "",
          telehealthUrl: "",
          notes: "",
        },
      }),
    );
    expect(await screen.findByTestId("intake-booked")).toHaveTextContent("Booked:");
    expect(screen.getByTestId("intake-booked")).toHaveTextContent("Dr Carla Dias");
    await emitDeskEvent({ kind: "appointments_changed", appointmentId: 5 });
    const card = await screen.findByTestId("intake-appointments");
    expect(within(card).getByTestId("intake-appointment-5")).toHaveTextContent("Dr Carla Dias");
    // Another patient's appointment stays off this intake.
    expect(within(card).queryByTestId("intake-appointment-6")).not.toBeInTheDocument();
  });

  it("keeps the form open with the reason when booking is refused", async () => {
    mockBackend({
      intake_get: () => frontDeskIntake(),
      appointments_clinicians: () => [CLINICIANS[0]],
      appointments_list: () => [],
      appointment_create: fail("invalid.appointment_past", "Choose a time that has not passed yet."),
    });
    const { user } = renderIntake(frontDeskSession().permissions);
    await user.click(await screen.findByTestId("intake-book"));
    const form = await screen.findByTestId("appt-form");
    await user.type(within(form).getByTestId("appt-form-time"), "07:00");
    await user.click(within(form).getByTestId("appt-form-submit"));
    expect(await within(form).findByTestId("appt-form-error")).toHaveTextContent("Choose a time that has not passed yet.");
    expect(screen.queryByTestId("intake-booked")).not.toBeInTheDocument();
  });

  it("a doctor cannot book but sees the patient's coming appointments", async () => {
    const b = mockBackend({
      intake_get: () => intakeDetail(),
      appointments_list: () => [appointment(5, { conversationId: 7, telehealthUrl: "https://meet.example/x", location: "" })],
    });
    renderIntake(DOCTOR);
    const card = await screen.findByTestId("intake-appointments");
    expect(card).toHaveTextContent("video call");
    expect(screen.queryByTestId("intake-book")).not.toBeInTheDocument();
    expect(b.last("appointments_list")?.query).toMatchObject({ fromMs: NOW, includeCancelled: false });
  });
});
