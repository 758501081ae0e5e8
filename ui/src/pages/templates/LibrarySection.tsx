import { Badge, Paper, Stack, Table, Text, Title } from "@mantine/core";
import type { TemplateLibrary } from "../../bindings/TemplateLibrary";
import type { WaTemplate } from "../../bindings/WaTemplate";
import { EmptyState } from "../../components/EmptyState";
import { formatWhen } from "../../format";
import { TEMPLATE_STATUS_COLORS, TEMPLATE_STATUS_LABELS } from "../appointments/words";

/** The clinic's templates as Meta last reported them. */
export function LibrarySection({ library }: { library: TemplateLibrary }) {
  return (
    <Paper withBorder p="lg" data-testid="template-library">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={4}>Template library</Title>
          <Text size="sm" c="dimmed" data-testid="template-synced">
            {library.syncedAt === null
              ? "Not refreshed from Meta yet. Refresh from Meta to see the templates of the clinic's WhatsApp account."
              : `Refreshed from Meta ${formatWhen(library.syncedAt)}. Meta's decisions arrive on their own while the app is connected.`}
          </Text>
        </Stack>
        {library.templates.length === 0 ? (
          <EmptyState title="No templates yet" testId="template-library-empty">
            Submit the ready-made templates below, or create your own in Meta's WhatsApp Manager, then refresh.
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Language</Table.Th>
                  <Table.Th>Category</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {library.templates.map((t) => (
                  <TemplateRow key={`${t.name}|${t.language}`} template={t} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

function TemplateRow({ template: t }: { template: WaTemplate }) {
  return (
    <Table.Tr data-testid={`template-row-${t.name}-${t.language}`} data-status={t.status}>
      <Table.Td>
        <Text size="sm" fw={600} style={{ fontFamily: "var(--mantine-font-family-monospace)" }}>
          {t.name}
        </Text>
        <Text size="xs" c="dimmed" lineClamp={2} title={t.body}>
          {t.body}
        </Text>
      </Table.Td>
      <Table.Td>{t.language}</Table.Td>
      <Table.Td>
        <Text size="sm" tt="capitalize">
          {t.category.toLowerCase()}
        </Text>
      </Table.Td>
      <Table.Td>
        <StatusBadge template={t} />
        {t.reason && t.status !== "approved" && (
          <Text size="xs" c="dimmed" mt={4} data-testid="template-reason">
            Meta's reason: {t.reason}
          </Text>
        )}
        {t.unsupported && (
          <Text size="xs" c="orange.8" mt={4} data-testid="template-unsupported">
            {t.unsupported}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: "nowrap" }}>
          {formatWhen(t.updatedAt)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function StatusBadge({ template: t }: { template: WaTemplate }) {
  return (
    <Badge color={TEMPLATE_STATUS_COLORS[t.status]} variant="light" title={`Meta: ${t.metaStatus}`} data-testid="template-status" data-status={t.status}>
      {TEMPLATE_STATUS_LABELS[t.status]}
    </Badge>
  );
}
