import { Button, Group, Modal, Progress, Stack, Text } from "@mantine/core";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatCount } from "../../format";
import type { ExportState, RunningExport } from "./useExportJob";

type Props = { state: ExportState; onCancel: () => void };

/**
 * A running export: the file, how far it got, and Cancel. It stays open until the export ends
 * (only Cancel closes it early), so the person cannot start a second one or lose track of it.
 */
export function ExportProgressModal({ state, onCancel }: Props) {
  const running = state.phase === "running" ? state : null;
  return (
    <Modal
      opened={running !== null}
      onClose={() => undefined}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      centered
      title="Exporting intakes"
    >
      {running && <ProgressBody running={running} onCancel={onCancel} />}
    </Modal>
  );
}

function ProgressBody({ running, onCancel }: { running: RunningExport; onCancel: () => void }) {
  const { job, done, total, cancelling, cancelError } = running;
  // Before the count, or for an empty export, a full (moving) bar rather than an empty one.
  const percent = total === null || total === 0 ? 100 : Math.min(100, (done / total) * 100);
  const counted = total === null ? "Getting the intakes ready…" : `${formatCount(done)} of ${formatCount(total)} intakes`;
  return (
    <Stack gap="md" data-testid="export-progress" data-done={done} data-total={total ?? ""}>
      <Stack gap={2}>
        <Text size="sm">
          Saving{" "}
          <Text span fw={600} data-testid="export-progress-file">
            {job.fileName}
          </Text>
        </Text>
        {job.folder && (
          <Text size="xs" c="dimmed" style={{ wordBreak: "break-all" }}>
            in {job.folder}
          </Text>
        )}
      </Stack>
      <Progress.Root
        size="lg"
        role="progressbar"
        aria-label="Export progress"
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total === null ? undefined : done}
        aria-valuetext={total === null ? undefined : counted}
      >
        <Progress.Section value={percent} withAria={false} animated={total === null || cancelling} />
      </Progress.Root>
      <Text size="sm" style={{ fontVariantNumeric: "tabular-nums" }} data-testid="export-progress-count">
        {cancelling ? "Cancelling…" : counted}
      </Text>
      <ErrorAlert error={cancelError} testId="export-cancel-error" />
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} loading={cancelling} data-autofocus data-testid="export-cancel">
          Cancel export
        </Button>
      </Group>
    </Stack>
  );
}
