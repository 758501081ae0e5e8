import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import { ErrorAlert } from "./ErrorAlert";

type Props = {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  error: ErrorBody | null;
  onConfirm: () => void;
  onClose: () => void;
  testId?: string;
};

export function ConfirmModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered data-testid={props.testId}>
      <Stack gap="md">
        <Text size="sm">{props.children}</Text>
        <ErrorAlert error={props.error} testId="confirm-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} disabled={props.busy}>
            Cancel
          </Button>
          <Button
            color={props.danger ? "red" : undefined}
            onClick={props.onConfirm}
            loading={props.busy}
            data-autofocus
            data-testid="confirm-submit"
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
