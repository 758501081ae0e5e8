import { Badge, Code, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { ConsentEvidence } from "../../bindings/ConsentEvidence";
import { formatDateTime } from "../../format";

/** When and to what the patient agreed, so the clinic can show it later. */
export function ConsentCard({ consent }: { consent: ConsentEvidence | null }) {
  return (
    <Paper withBorder p="md" data-testid="consent">
      <Stack gap="xs">
        <Title order={5}>Consent</Title>
        {consent === null ? (
          <Text size="sm" c="dimmed">
            No consent answer is recorded for this intake.
          </Text>
        ) : (
          <SimpleGrid cols={2} spacing={6} verticalSpacing={4}>
            <Text size="sm" c="dimmed">
              Answer
            </Text>
            <div>
              <Badge color={consent.granted ? "teal" : "red"} variant="light" data-testid="consent-granted">
                {consent.granted ? "Agreed" : "Did not agree"}
              </Badge>
            </div>
            <Text size="sm" c="dimmed">
              When
            </Text>
            <Text size="sm">{formatConsentTime(consent.at)}</Text>
            <Text size="sm" c="dimmed">
              Consent text
            </Text>
            <Text size="sm">
              Version {consent.consentVersion} ({consent.lang})
            </Text>
            <Text size="sm" c="dimmed">
              Text fingerprint
            </Text>
            <Code title={`SHA-256 ${consent.textSha256}`} style={{ justifySelf: "start" }}>
              {consent.textSha256.slice(0, 12)}…
            </Code>
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}

export function formatConsentTime(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  return Number.isNaN(ms) ? rfc3339 : formatDateTime(ms);
}
