import { Accordion, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { Appointment } from "../../bindings/Appointment";
import type { TemplateEvent } from "../../bindings/TemplateEvent";
import type { TemplateMapping } from "../../bindings/TemplateMapping";
import type { WaTemplate } from "../../bindings/WaTemplate";
import { EVENT_DESCRIPTIONS, EVENT_LABELS, EVENT_ORDER, TEMPLATE_STATUS_COLORS, TEMPLATE_STATUS_LABELS } from "../appointments/words";
import { MappingEditor } from "./MappingEditor";
import { PreviewPanel } from "./PreviewPanel";

type Props = {
  mappings: TemplateMapping[];
  templates: WaTemplate[];
  appointments: Appointment[];
  onMappings: (mappings: TemplateMapping[]) => void;
};

/** Each message the clinic sends first, the template it goes with, and a preview. */
export function MappingSection({ mappings, templates, appointments, onMappings }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Paper withBorder p="lg" data-testid="mapping">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={4}>Message mapping</Title>
          <Text size="sm" c="dimmed">
            Outside the 24-hour window WhatsApp only delivers approved templates. Choose one for each message; inside the
            window the same words go as a normal message.
          </Text>
        </Stack>
        <Accordion value={open} onChange={setOpen} variant="separated" chevronPosition="right" transitionDuration={0}>
          {EVENT_ORDER.map((event) => {
            const mapping = mappings.find((m) => m.event === event);
            return (
              <Accordion.Item key={event} value={event} data-testid={`mapping-${event}`}>
                <Accordion.Control data-testid={`mapping-open-${event}`}>
                  <Summary event={event} mapping={mapping} templates={templates} />
                </Accordion.Control>
                <Accordion.Panel>
                  {/* Mounted only while open: each opening starts from what is saved. */}
                  {open === event && (
                    <Stack gap="md">
                      <Text size="sm" c="dimmed">
                        {EVENT_DESCRIPTIONS[event]}
                      </Text>
                      <MappingEditor event={event} mapping={mapping} templates={templates} onSaved={onMappings} />
                      <PreviewPanel event={event} appointments={appointments} />
                    </Stack>
                  )}
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>
      </Stack>
    </Paper>
  );
}

function Summary({ event, mapping, templates }: { event: TemplateEvent; mapping: TemplateMapping | undefined; templates: WaTemplate[] }) {
  const template = mapping && templates.find((t) => t.name === mapping.templateName && t.language === mapping.language);
  return (
    <Group justify="space-between" wrap="nowrap" pr="sm">
      <Text fw={600}>{EVENT_LABELS[event]}</Text>
      <Group gap="xs" wrap="nowrap" data-testid="mapping-summary">
        {mapping ? (
          <>
            <Text size="sm" c="dimmed" style={{ fontFamily: "var(--mantine-font-family-monospace)" }}>
              {mapping.templateName} ({mapping.language})
            </Text>
            {template ? (
              <Badge color={TEMPLATE_STATUS_COLORS[template.status]} variant="light">
                {TEMPLATE_STATUS_LABELS[template.status]}
              </Badge>
            ) : (
              <Badge color="red" variant="light">
                Not in library
              </Badge>
            )}
          </>
        ) : (
          <Badge color="orange" variant="light">
            No template
          </Badge>
        )}
      </Group>
    </Group>
  );
}
