import { Center, Loader, Stack, Text } from "@mantine/core";

export function LoadingScreen({ label = "Opening Intake Desk…" }: { label?: string }) {
  return (
    <Center mih="100vh" data-testid="loading-screen">
      <Stack align="center" gap="sm">
        <Loader color="gray" type="dots" aria-label={label} />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}
