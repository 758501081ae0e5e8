import { Stack } from "@mantine/core";
import { EmptyState } from "../components/EmptyState";
import { PageHeader } from "../components/PageHeader";

export function QueuePage() {
  return (
    <Stack gap="lg">
      <PageHeader page="queue" title="Intake queue" description="New patient intakes, oldest first." />
      <EmptyState title="No intakes yet" testId="queue-empty">
        Intakes will appear here when patients message the clinic on WhatsApp.
      </EmptyState>
    </Stack>
  );
}
