import { ActionIcon, Button, Group, Loader, NativeSelect, SegmentedControl, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Appointment } from "../bindings/Appointment";
import type { Permission } from "../bindings/Permission";
import type { Role } from "../bindings/Role";
import { EmptyState } from "../components/EmptyState";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { useLoad } from "../hooks/useLoad";
import * as ipc from "../ipc";
import { AppointmentDrawer } from "./appointments/AppointmentDrawer";
import { AppointmentList, bookedCount } from "./appointments/AppointmentList";
import { addDays, formatRange, isoDayOf, rangeOf, startOfDay, type View } from "./appointments/dates";
import { NewAppointmentModal } from "./appointments/NewAppointmentModal";
import { useAppointments } from "./appointments/useAppointments";

type Props = {
  role: Role;
  permissions: readonly Permission[];
  onOpenIntake?: (intakeId: number) => void;
};

/** The day or week of appointments: front desk books and changes them, doctors read their own. */
export function AppointmentsPage({ role, permissions, onOpenIntake }: Props) {
  const canManage = permissions.includes("manage_appointments");
  // Core gives doctors their own appointments whatever is asked; the page says so.
  const ownOnly = role === "doctor";
  const [view, setView] = useState<View>("day");
  const [anchor, setAnchor] = useState(() => startOfDay(Date.now()));
  const [clinicianId, setClinicianId] = useState("");
  const [showCancelled, setShowCancelled] = useState(true);
  const [selected, setSelected] = useState<Appointment | null>(null);
  const [creating, setCreating] = useState(false);

  const { from, to } = rangeOf(view, anchor);
  const query = useMemo(
    () => ({ fromMs: from, toMs: to, clinicianId: ownOnly || !clinicianId ? null : Number(clinicianId), includeCancelled: showCancelled }),
    [from, to, ownOnly, clinicianId, showCancelled],
  );
  const { data, error, refreshing, retry } = useAppointments(query);
  const clinicians = useLoad(useCallback(() => (ownOnly ? Promise.resolve([]) : ipc.appointmentsClinicians()), [ownOnly]));
  const doctors = clinicians.state.status === "ready" ? clinicians.state.data : [];

  // The open appointment follows the list's newest copy (a patient's answer, new ticks).
  useEffect(() => {
    if (!data) return;
    setSelected((current) => (current ? data.find((a) => a.id === current.id) ?? current : current));
  }, [data]);

  const step = view === "day" ? 1 : 7;
  const today = startOfDay(Date.now());
  const showsToday = today >= from && today < to;

  return (
    <Stack gap="lg">
      <PageHeader
        page="appointments"
        title={ownOnly ? "Your appointments" : "Appointments"}
        description={
          ownOnly
            ? "The appointments booked with you. The front desk books and moves them."
            : "Book, move and cancel appointments. Patients get their reminders on WhatsApp."
        }
        actions={
          canManage && (
            <Button onClick={() => setCreating(true)} style={{ flexShrink: 0 }} data-testid="appt-new">
              New appointment
            </Button>
          )
        }
      />
      <Group gap="md" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Show"
          value={view}
          onChange={(v) => setView(v as View)}
          data={[
            { value: "day", label: "Day" },
            { value: "week", label: "Week" },
          ]}
          data-testid="appt-view"
        />
        <Group gap={4}>
          <ActionIcon variant="default" size="lg" onClick={() => setAnchor((a) => addDays(a, -step))} aria-label={view === "day" ? "Previous day" : "Previous week"} data-testid="appt-prev">
            ‹
          </ActionIcon>
          <Button variant="default" onClick={() => setAnchor(today)} disabled={showsToday} data-testid="appt-today">
            Today
          </Button>
          <ActionIcon variant="default" size="lg" onClick={() => setAnchor((a) => addDays(a, step))} aria-label={view === "day" ? "Next day" : "Next week"} data-testid="appt-next">
            ›
          </ActionIcon>
        </Group>
        <TextInput
          type="date"
          aria-label="Go to date"
          value={isoDayOf(anchor)}
          onChange={(e) => {
            const [y, m, d] = e.currentTarget.value.split("-").map(Number);
            if (y && m && d) setAnchor(new Date(y, m - 1, d).getTime());
          }}
          w={170}
          data-testid="appt-date"
        />
        {!ownOnly && (
          <NativeSelect
            aria-label="Clinician"
            value={clinicianId}
            onChange={(e) => setClinicianId(e.currentTarget.value)}
            data={[{ value: "", label: "All clinicians" }, ...doctors.map((c) => ({ value: String(c.id), label: c.displayName }))]}
            w={220}
            data-testid="appt-clinician-filter"
          />
        )}
        <Switch
          label="Show cancelled"
          checked={showCancelled}
          onChange={(e) => setShowCancelled(e.currentTarget.checked)}
          mb={8}
          data-testid="appt-show-cancelled"
        />
      </Group>
      <Group gap="xs">
        <Text fw={600} size="lg" data-testid="appt-range">
          {formatRange(view, from, to)}
          {data && data.length > 0 && (
            <Text span c="dimmed" size="sm" fw={400} data-testid="appt-count">
              {" "}
              · {bookedCount(data)}
            </Text>
          )}
        </Text>
        {refreshing && data && <Loader size="xs" color="gray" aria-label="Refreshing" />}
      </Group>

      {!data && !error && <PageLoader label="Loading appointments…" />}
      {!data && error && <LoadFailed error={error} onRetry={retry} />}
      {data && error && <ErrorAlert error={error} title="The list could not be refreshed" testId="appt-refresh-error" />}
      {data && data.length === 0 && (
        <EmptyState title={view === "day" ? "No appointments this day" : "No appointments this week"} testId="appt-empty">
          {canManage ? "Use New appointment, or Book appointment on a patient's intake." : "Appointments booked with you appear here."}
        </EmptyState>
      )}
      {data && data.length > 0 && <AppointmentList appointments={data} showClinician={!ownOnly} dayHeadings={view === "week"} onOpen={setSelected} />}

      <AppointmentDrawer
        appointment={selected}
        canManage={canManage}
        onClose={() => setSelected(null)}
        onChanged={setSelected}
        onOpenIntake={onOpenIntake}
      />
      <NewAppointmentModal
        opened={creating}
        day={anchor >= today ? isoDayOf(anchor) : undefined}
        onClose={() => setCreating(false)}
        onCreated={(a) => {
          setCreating(false);
          // Show the day it was booked on, with it open.
          setAnchor(startOfDay(a.startsAt));
          setSelected(a);
        }}
      />
    </Stack>
  );
}
