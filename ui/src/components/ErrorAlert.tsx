import { Alert } from "@mantine/core";
import type { ErrorBody } from "../bindings/ErrorBody";

type Props = {
  error: ErrorBody | null;
  title?: string;
  testId?: string;
};

/** The backend's message, shown as is, next to the form that caused it. */
export function ErrorAlert({ error, title, testId }: Props) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-testid={testId ?? "error-alert"}>
      {error.message}
    </Alert>
  );
}
