import { Center, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

type Props = {
  title: ReactNode;
  titleTestId: string;
  subtitle?: ReactNode;
  width?: number;
  children: ReactNode;
  testId?: string;
};

/** The frame of every screen shown before someone is signed in. */
export function CenteredCard({ title, titleTestId, subtitle, width = 460, children, testId }: Props) {
  return (
    <Center mih="100vh" p="md" data-testid={testId}>
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={width}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Title order={2} data-testid={titleTestId}>
              {title}
            </Title>
            {subtitle && <Text c="dimmed">{subtitle}</Text>}
          </Stack>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
