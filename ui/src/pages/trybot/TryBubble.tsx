import { Button, Group, Menu, Paper, Stack, Text } from "@mantine/core";
import type { TryChoice } from "../../bindings/TryChoice";
import type { TryMessage } from "../../bindings/TryMessage";

type Props = {
  message: TryMessage;
  /** Only the newest bot message can be answered. */
  active: boolean;
  onChoose: (choice: TryChoice) => void;
};

/** One message as WhatsApp would show it, with its reply buttons or list. */
export function TryBubble({ message, active, onChoose }: Props) {
  const mine = message.fromPatient;
  return (
    <Group justify={mine ? "flex-end" : "flex-start"} wrap="nowrap" data-testid="trybot-message" data-from={mine ? "patient" : "bot"}>
      <Stack gap={4} maw="75%" align={mine ? "flex-end" : "stretch"}>
        <Paper px="sm" py={6} shadow="xs" bg={mine ? "#d9fdd3" : "white"} withBorder={!mine}>
          <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {message.text}
          </Text>
        </Paper>
        {message.buttons.length > 0 && (
          <Stack gap={4}>
            {message.buttons.map((b) => (
              <Button
                key={b.id}
                variant="default"
                fullWidth
                disabled={!active}
                onClick={() => onChoose(b)}
                data-testid={`trybot-button-${b.id}`}
              >
                {b.title}
              </Button>
            ))}
          </Stack>
        )}
        {message.listButton !== null && message.listRows.length > 0 && (
          <Menu position="bottom-start" width={320} disabled={!active}>
            <Menu.Target>
              <Button variant="default" fullWidth disabled={!active} data-testid="trybot-list-open">
                ☰ {message.listButton}
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={360} style={{ overflowY: "auto" }}>
              {message.listRows.map((row) => (
                <Menu.Item key={row.id} onClick={() => onChoose(row)} data-testid={`trybot-list-row-${row.id}`}>
                  <Text size="sm">{row.title}</Text>
                  {row.description && (
                    <Text size="xs" c="dimmed">
                      {row.description}
                    </Text>
                  )}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
      </Stack>
    </Group>
  );
}
