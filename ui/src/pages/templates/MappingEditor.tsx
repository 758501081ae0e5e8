import { Alert, Button, Group, NativeSelect, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { ButtonAction } from "../../bindings/ButtonAction";
import type { ParamSource } from "../../bindings/ParamSource";
import type { TemplateEvent } from "../../bindings/TemplateEvent";
import type { TemplateMapping } from "../../bindings/TemplateMapping";
import type { WaTemplate } from "../../bindings/WaTemplate";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { useAction } from "../../hooks/useAction";
import * as ipc from "../../ipc";
import {
  BUTTON_ACTION_LABELS,
  BUTTON_ACTION_ORDER,
  PARAM_SOURCE_LABELS,
  PARAM_SOURCE_ORDER,
  TEMPLATE_STATUS_LABELS,
} from "../appointments/words";

type Props = {
  event: TemplateEvent;
  mapping: TemplateMapping | undefined;
  templates: WaTemplate[];
  onSaved: (mappings: TemplateMapping[]) => void;
};

const keyOf = (name: string, language: string) => `${name}|${language}`;

/** The saved mapping when it is for `template`: its choices come first, core's guesses fill the rest. */
function savedFor(template: WaTemplate | undefined, mapping: TemplateMapping | undefined): TemplateMapping | undefined {
  return template && mapping && mapping.templateName === template.name && mapping.language === template.language ? mapping : undefined;
}

function bindingsFor(template: WaTemplate | undefined, mapping: TemplateMapping | undefined): Record<string, ParamSource | ""> {
  const saved = savedFor(template, mapping);
  const out: Record<string, ParamSource | ""> = {};
  (template?.params ?? []).forEach((param, i) => {
    out[param] = saved?.params.find((b) => b.name === param)?.source ?? template?.suggestedParams[i] ?? "";
  });
  return out;
}

function actionsFor(template: WaTemplate | undefined, mapping: TemplateMapping | undefined): ButtonAction[] {
  const saved = savedFor(template, mapping);
  return (template?.buttons ?? []).map((_, i) => saved?.buttons[i] ?? template?.suggestedButtons[i] ?? "none");
}

/** Which template one event uses, what fills each of its parameters, what its buttons do. */
export function MappingEditor({ event, mapping, templates, onSaved }: Props) {
  const [choice, setChoice] = useState(mapping ? keyOf(mapping.templateName, mapping.language) : "");
  const template = templates.find((t) => keyOf(t.name, t.language) === choice);
  const [params, setParams] = useState(() => bindingsFor(template, mapping));
  const [buttons, setButtons] = useState(() => actionsFor(template, mapping));
  const [saved, setSaved] = useState<string | null>(null);
  const { run, busy, error, setError } = useAction();
  // A mapping to a template that has since gone from the library stays choosable, to clear it.
  const missing = mapping && !templates.some((t) => keyOf(t.name, t.language) === keyOf(mapping.templateName, mapping.language));

  function choose(next: string) {
    const t = templates.find((x) => keyOf(x.name, x.language) === next);
    setChoice(next);
    setParams(bindingsFor(t, mapping));
    setButtons(actionsFor(t, mapping));
    setSaved(null);
    setError(null);
  }

  async function save() {
    setSaved(null);
    if (template) {
      const unbound = template.params.find((p) => !params[p]);
      if (unbound !== undefined) {
        setError({ code: "form", message: `Choose what fills {{${unbound}}}.` });
        return;
      }
    }
    // The saved template left the library: Save keeps the mapping as it is.
    const keep = !template && choice !== "" && mapping;
    const result = await run(() =>
      ipc.templateMappingUpdate(
        keep
          ? { ...mapping }
          : template
          ? {
              event,
              templateName: template.name,
              language: template.language,
              params: template.params.map((name) => ({ name, source: params[name] as ParamSource })),
              buttons,
            }
          : { event, templateName: null, language: "", params: [], buttons: [] },
      ),
    );
    if (result) {
      setSaved(template || keep ? "Saved. This message now goes with this template." : "Saved. This message goes as text only, inside the 24-hour window.");
      onSaved(result);
    }
  }

  return (
    <Stack gap="sm" data-testid="mapping-editor">
      <NativeSelect
        label="Template"
        value={choice}
        onChange={(e) => choose(e.currentTarget.value)}
        data={[
          { value: "", label: "No template: send as text, only inside the 24-hour window" },
          ...(missing && mapping ? [{ value: keyOf(mapping.templateName, mapping.language), label: `${mapping.templateName} (${mapping.language}) · no longer in the library` }] : []),
          ...templates.map((t) => ({
            value: keyOf(t.name, t.language),
            label: `${t.name} (${t.language}) · ${TEMPLATE_STATUS_LABELS[t.status]}`,
          })),
        ]}
        data-testid="mapping-template"
      />
      {template && template.status !== "approved" && (
        <Alert color="orange" variant="light" data-testid="mapping-not-approved">
          This template is {TEMPLATE_STATUS_LABELS[template.status].toLowerCase()}. Until Meta approves it, this message
          only goes inside the 24-hour window, as text.
        </Alert>
      )}
      {template && (
        <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }} data-testid="mapping-body">
          {template.body}
        </Text>
      )}
      {template && template.params.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {template.params.map((p) => (
            <NativeSelect
              key={p}
              label={`{{${p}}} is filled with`}
              value={params[p] ?? ""}
              onChange={(e) => {
                const value = e.currentTarget.value as ParamSource | "";
                setParams((all) => ({ ...all, [p]: value }));
                setSaved(null);
              }}
              data={[
                ...(params[p] ? [] : [{ value: "", label: "Choose…" }]),
                ...PARAM_SOURCE_ORDER.map((s) => ({ value: s, label: PARAM_SOURCE_LABELS[s] })),
              ]}
              data-testid={`mapping-param-${p}`}
            />
          ))}
        </SimpleGrid>
      )}
      {template && template.buttons.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {template.buttons.map((text, i) => (
            <NativeSelect
              key={`${i}-${text}`}
              label={`Button "${text}"`}
              value={buttons[i] ?? "none"}
              onChange={(e) => {
                const value = e.currentTarget.value as ButtonAction;
                setButtons((all) => all.map((b, j) => (j === i ? value : b)));
                setSaved(null);
              }}
              data={BUTTON_ACTION_ORDER.map((a) => ({ value: a, label: BUTTON_ACTION_LABELS[a] }))}
              data-testid={`mapping-button-${i}`}
            />
          ))}
        </SimpleGrid>
      )}
      <ErrorAlert error={error} testId="mapping-error" />
      <SuccessAlert message={saved} testId="mapping-saved" />
      <Group>
        <Button onClick={() => void save()} loading={busy} data-testid="mapping-save">
          Save
        </Button>
      </Group>
    </Stack>
  );
}
