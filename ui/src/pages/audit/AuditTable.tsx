import { Table, Text } from "@mantine/core";
import type { AuditEntry } from "../../bindings/AuditEntry";
import { formatDateTime } from "../../format";

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Table striped verticalSpacing="xs" data-testid="audit-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={210}>Time</Table.Th>
          <Table.Th>Who</Table.Th>
          <Table.Th>Action</Table.Th>
          <Table.Th>Subject</Table.Th>
          <Table.Th>Details</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((e) => (
          <Table.Tr key={e.id} data-testid="audit-row">
            <Table.Td>
              <Text size="sm" style={{ whiteSpace: "nowrap" }} title={`Entry #${e.id}`}>
                {formatDateTime(e.at)}
              </Text>
            </Table.Td>
            <Table.Td>{e.actor}</Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace">{e.action}</Text>
            </Table.Td>
            <Table.Td>{e.subject}</Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed" style={{ wordBreak: "break-word" }}>{e.details}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
