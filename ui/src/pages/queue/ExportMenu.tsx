import { Button, Menu, Stack, Text } from "@mantine/core";
import type { ExportFormat } from "../../bindings/ExportFormat";
import type { ExportScope } from "../../bindings/ExportScope";
import { formatCount } from "../../format";

/** The menu's formats, in this order, with a hint for who each is for. */
export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string; hint: string }[] = [
  { format: "xlsx", label: "Excel (.xlsx)", hint: "For Excel" },
  { format: "csv", label: "CSV (.csv)", hint: "For other spreadsheets and scripts" },
  { format: "fhir", label: "FHIR R4 bundle (.json)", hint: "For health-record systems" },
];

export const DEMOGRAPHICS_NOTE = "Front desk exports hold patient details only, no clinical answers.";

type Props = {
  scope: ExportScope;
  formats: readonly ExportFormat[];
  /** Intakes matching the filters; null while the list is (re)loading. */
  total: number | null;
  filtered: boolean;
  /** Choosing a file or exporting: one export at a time. */
  busy: boolean;
  onExport: (format: ExportFormat) => void;
};

/** What an export of the current view will hold, in words. */
export function exportSummary(total: number | null, filtered: boolean): string {
  if (total === null) {
    return filtered ? "Exports every intake matching the current filters." : "Exports every intake in the queue.";
  }
  if (total === 0) {
    return filtered
      ? "No intakes match the current filters: the file will have the column headings only."
      : "There are no intakes yet: the file will have the column headings only.";
  }
  const n = formatCount(total);
  if (filtered) return `Exports the ${n} ${total === 1 ? "intake" : "intakes"} matching the current filters.`;
  return total === 1 ? "Exports the 1 intake in the queue." : `Exports all ${n} intakes in the queue.`;
}

/** The queue's Export button: a menu of file formats for the intakes the filters show. */
export function ExportMenu({ scope, formats, total, filtered, busy, onExport }: Props) {
  const offered = EXPORT_FORMATS.filter((f) => formats.includes(f.format));
  if (offered.length === 0) return null;
  const summary = exportSummary(total, filtered);
  const note = scope === "demographics" ? DEMOGRAPHICS_NOTE : null;
  return (
    <Menu position="bottom-end" width={330} withinPortal disabled={busy}>
      <Menu.Target>
        <Button
          variant="default"
          loading={busy}
          disabled={busy}
          rightSection={<span aria-hidden>▾</span>}
          aria-description={note ? `${summary} ${note}` : summary}
          data-testid="export-button"
        >
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Stack gap={4} px="sm" py={6} maw={330}>
          <Text size="sm" data-testid="export-summary">
            {summary}
          </Text>
          {note && (
            <Text size="xs" c="dimmed" data-testid="export-scope-note">
              {note}
            </Text>
          )}
        </Stack>
        <Menu.Divider />
        {offered.map(({ format, label, hint }) => (
          <Menu.Item key={format} onClick={() => onExport(format)} data-testid={`export-format-${format}`}>
            <Text span display="block" size="sm" fw={500}>
              {label}
            </Text>
            <Text span display="block" size="xs" c="dimmed">
              {hint}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
