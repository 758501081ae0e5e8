import { Button, Group, Stack, Table, Text } from "@mantine/core";
import type { ErrorBody } from "../../bindings/ErrorBody";
import { ErrorAlert } from "../../components/ErrorAlert";

type Props = {
  clinicName: string;
  displayName: string;
  username: string;
  busy: boolean;
  error: ErrorBody | null;
  onBack: () => void;
  onFinish: () => void;
};

export function FinishStep({ clinicName, displayName, username, busy, error, onBack, onFinish }: Props) {
  return (
    <Stack gap="md">
      <Text>Check the details, then finish. You can change the clinic name later in Settings.</Text>
      <Table variant="vertical" withTableBorder>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={180}>Clinic</Table.Th>
            <Table.Td data-testid="setup-summary-clinic">{clinicName.trim()}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Admin</Table.Th>
            <Table.Td>
              {displayName.trim()} ({username.trim()})
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Recovery key</Table.Th>
            <Table.Td>Written down and checked</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <ErrorAlert error={error} testId="setup-finish-error" />
      <Group justify="space-between">
        <Button variant="default" onClick={onBack} disabled={busy} data-testid="setup-finish-back">
          Back
        </Button>
        <Button onClick={onFinish} loading={busy} autoFocus data-testid="setup-finish">
          Finish set-up
        </Button>
      </Group>
    </Stack>
  );
}
