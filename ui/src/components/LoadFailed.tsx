import { Alert, Button, Stack } from "@mantine/core";
import type { ErrorBody } from "../bindings/ErrorBody";

/** A page's data could not be loaded: the reason, and a way to try again. */
export function LoadFailed({ error, onRetry }: { error: ErrorBody; onRetry: () => void }) {
  return (
    <Alert color="red" variant="light" title="This page could not be loaded" role="alert" data-testid="load-failed">
      <Stack gap="sm" align="flex-start">
        {error.message}
        <Button size="xs" variant="default" onClick={onRetry}>
          Try again
        </Button>
      </Stack>
    </Alert>
  );
}
