import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import type { ExportStarted } from "../../bindings/ExportStarted";
import type { ExportSummary } from "../../bindings/ExportSummary";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import { formatBytes, formatCount } from "../../format";
import type { ExportState } from "./useExportJob";

export const EXPORT_CANCELLED_TEXT = "Export cancelled. No file was written.";

type Props = { state: ExportState; onDismiss: () => void };

/** How the last export ended: saved (with Open and Show in folder), failed, or cancelled. */
export function ExportResult({ state, onDismiss }: Props) {
  switch (state.phase) {
    case "done":
      return <ExportDone job={state.job} summary={state.summary} onDismiss={onDismiss} />;
    case "failed":
      return (
        <Alert
          color="red"
          variant="light"
          title="The export did not finish"
          role="alert"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={onDismiss}
          data-testid="export-error"
        >
          {state.error.message}
        </Alert>
      );
    case "cancelled":
      return (
        <Alert color="gray" variant="light" role="status" withCloseButton closeButtonLabel="Dismiss" onClose={onDismiss} data-testid="export-cancelled">
          {EXPORT_CANCELLED_TEXT}
        </Alert>
      );
    default:
      return null;
  }
}

type DoneProps = { job: ExportStarted; summary: ExportSummary; onDismiss: () => void };

function ExportDone({ job, summary, onDismiss }: DoneProps) {
  const { run, busy, error } = useAction();
  const rows = formatCount(summary.rows);
  return (
    <Alert
      color="teal"
      variant="light"
      role="status"
      title="Export saved"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
      data-testid="export-done"
      data-rows={summary.rows}
      data-file={summary.fileName}
    >
      <Stack gap="xs">
        <div>
          {summary.rows === 0 ? (
            <Text size="sm">
              Saved <b>{summary.fileName}</b>. The file has the column headings only: no intakes matched the filters.
            </Text>
          ) : (
            <Text size="sm">
              Saved {rows} {summary.rows === 1 ? "intake" : "intakes"} to <b>{summary.fileName}</b> ({formatBytes(summary.bytes)}).
            </Text>
          )}
          {job.folder && (
            <Text size="xs" c="dimmed" style={{ wordBreak: "break-all" }} data-testid="export-folder">
              In {job.folder}
            </Text>
          )}
          {summary.scope === "demographics" && (
            <Text size="xs" c="dimmed">
              Patient details only, no clinical answers.
            </Text>
          )}
        </div>
        <Group gap="xs">
          <Button size="xs" onClick={() => void run(() => ipc.exportOpen(job.jobId))} disabled={busy} data-testid="export-open">
            Open
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => void run(() => ipc.exportReveal(job.jobId))}
            disabled={busy}
            data-testid="export-reveal"
          >
            Show in folder
          </Button>
        </Group>
        <ErrorAlert error={error} testId="export-open-error" />
      </Stack>
    </Alert>
  );
}
