import { Alert } from "@mantine/core";

type Props = {
  message: string | null;
  onClose?: () => void;
  testId?: string;
};

export function SuccessAlert({ message, onClose, testId }: Props) {
  if (!message) return null;
  return (
    <Alert
      color="teal"
      variant="light"
      role="status"
      withCloseButton={onClose !== undefined}
      closeButtonLabel="Dismiss"
      onClose={onClose}
      data-testid={testId ?? "success-alert"}
    >
      {message}
    </Alert>
  );
}
