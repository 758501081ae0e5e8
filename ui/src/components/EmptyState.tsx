import { Paper, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="xl" bg="gray.0" data-testid={testId ?? "empty-state"}>
      <Stack gap={4} align="center" ta="center">
        <Text fw={600}>{title}</Text>
        {children && <Text c="dimmed" size="sm">{children}</Text>}
      </Stack>
    </Paper>
  );
}
