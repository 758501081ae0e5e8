import { Center, Loader, Text, Stack } from "@mantine/core";

export function PageLoader({ label }: { label: string }) {
  return (
    <Center py="xl" data-testid="page-loading">
      <Stack align="center" gap="xs">
        <Loader size="sm" color="gray" aria-label={label} />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}
