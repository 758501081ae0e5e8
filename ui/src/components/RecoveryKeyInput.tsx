import { TextInput } from "@mantine/core";
import type { Ref } from "react";

type Props = {
  value: string;
  onChange: (value: string) => void;
  testId: string;
  autoFocus?: boolean;
  ref?: Ref<HTMLInputElement>;
};

/** Spaces, dashes and lower case are fine: the backend normalises the key. */
export function RecoveryKeyInput({ value, onChange, testId, autoFocus, ref }: Props) {
  return (
    <TextInput
      ref={ref}
      label="Recovery key"
      description="8 groups of 4 letters and digits, as printed when Intake Desk was set up. Spaces, dashes and small letters are fine."
      placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
      autoFocus={autoFocus}
      autoComplete="off"
      autoCapitalize="characters"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", letterSpacing: "0.05em" } }}
      data-testid={testId}
    />
  );
}
