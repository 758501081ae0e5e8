import { Alert, Paper, Stack, Table, Text, Title } from "@mantine/core";
import type { AnswerSection } from "../../bindings/AnswerSection";

/** Demographic first, then clinical (when this role may read it). */
export function AnswerSections({ sections, clinicalHidden }: { sections: AnswerSection[]; clinicalHidden: boolean }) {
  return (
    <Stack gap="md">
      {sections.map((section) => (
        <Paper key={`${section.kind}-${section.title}`} withBorder p="md" data-testid={`section-${section.kind}`}>
          <Stack gap="xs">
            <Title order={4}>{section.title}</Title>
            {section.answers.length === 0 ? (
              <Text size="sm" c="dimmed">
                No answers in this part.
              </Text>
            ) : (
              <Table verticalSpacing={6} layout="fixed">
                <Table.Tbody>
                  {section.answers.map((a) => (
                    <Table.Tr key={a.linkId} data-testid={`answer-${a.linkId}`}>
                      <Table.Th w="38%" fw={500} c="dimmed" title={a.question} style={{ verticalAlign: "top" }}>
                        {a.label}
                      </Table.Th>
                      <Table.Td style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                        {a.skipped ? (
                          <Text component="span" size="sm" c="dimmed" fs="italic">
                            Skipped
                          </Text>
                        ) : (
                          a.value
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Paper>
      ))}
      {clinicalHidden && (
        <Alert variant="light" color="gray" data-testid="clinical-hidden">
          Clinical answers are shown to doctors and admins.
        </Alert>
      )}
    </Stack>
  );
}
