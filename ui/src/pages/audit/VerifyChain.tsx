import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { VerifyReport } from "../../bindings/VerifyReport";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";

/** Checks that no audit row was removed or altered since it was written. */
export function VerifyChain() {
  const [report, setReport] = useState<VerifyReport | null>(null);
  const { run, busy, error } = useAction();

  async function verify() {
    setReport(null);
    const result = await run(ipc.auditVerify);
    if (result) setReport(result);
  }

  return (
    <Stack gap="sm">
      <Group>
        <Button variant="default" onClick={() => void verify()} loading={busy} data-testid="audit-verify">
          Verify chain
        </Button>
        <Text size="sm" c="dimmed">
          Checks that no entry was removed or changed since it was written.
        </Text>
      </Group>
      <ErrorAlert error={error} testId="audit-verify-error" />
      {report && report.firstBroken === null && (
        <Alert color="teal" variant="light" data-testid="audit-verify-result">
          Intact: {report.rowsChecked.toLocaleString()} rows checked.
        </Alert>
      )}
      {report?.firstBroken && (
        <Alert color="red" variant="light" title="The audit log has been tampered with or damaged" data-testid="audit-verify-result">
          <Text c="red.8" size="sm">
            First broken row: #{report.firstBroken.id} — {report.firstBroken.reason}
          </Text>
          <Text size="sm" mt={4}>
            {report.rowsChecked.toLocaleString()} rows checked. Keep this computer as it is and tell
            whoever looks after the clinic's records.
          </Text>
        </Alert>
      )}
    </Stack>
  );
}
