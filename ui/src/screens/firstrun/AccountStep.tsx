import { Button, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ErrorBody } from "../../bindings/ErrorBody";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PASSWORD_RULES, passwordProblem } from "../../format";

export type AccountValues = {
  clinicName: string;
  displayName: string;
  username: string;
  password: string;
  confirm: string;
};

type Props = {
  values: AccountValues;
  onChange: (values: AccountValues) => void;
  /** An error from the backend about these details (weak password, bad username…). */
  error: ErrorBody | null;
  onNext: () => void;
};

function problem(v: AccountValues): string | null {
  if (!v.clinicName.trim()) return "Enter the clinic's name.";
  if (!v.displayName.trim()) return "Enter your name as colleagues should see it.";
  if (!v.username.trim()) return "Choose a username for signing in.";
  const weak = passwordProblem(v.password, v.username);
  if (weak) return weak;
  if (v.password !== v.confirm) return "The two passwords are not the same. Type them again.";
  return null;
}

export function AccountStep({ values, onChange, error, onNext }: Props) {
  const [formError, setFormError] = useState<string | null>(null);
  const set = (field: keyof AccountValues) => (e: { currentTarget: HTMLInputElement }) =>
    onChange({ ...values, [field]: e.currentTarget.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = problem(values);
    setFormError(found);
    if (!found) onNext();
  }

  const shown = formError ? { code: "form", message: formError } : error;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Clinic name"
          description="Shown at the top of every screen."
          autoFocus
          value={values.clinicName}
          onChange={set("clinicName")}
          data-testid="setup-clinic-name"
        />
        <Text fw={600} mt="sm">
          The first admin account
        </Text>
        <TextInput
          label="Your name"
          placeholder="e.g. Dr Ana Costa"
          autoComplete="name"
          value={values.displayName}
          onChange={set("displayName")}
          data-testid="setup-display-name"
        />
        <TextInput
          label="Username"
          description="3 to 32 letters, digits, dots, dashes or underscores. Used to sign in."
          autoComplete="username"
          value={values.username}
          onChange={set("username")}
          data-testid="setup-username"
        />
        <PasswordInput
          label="Password"
          description={PASSWORD_RULES}
          autoComplete="new-password"
          value={values.password}
          onChange={set("password")}
          data-testid="setup-password"
        />
        <PasswordInput
          label="Type the password again"
          autoComplete="new-password"
          value={values.confirm}
          onChange={set("confirm")}
          data-testid="setup-password-confirm"
        />
        <ErrorAlert error={shown} testId="setup-account-error" />
        <Group justify="flex-end">
          <Button type="submit" data-testid="setup-account-next">
            Continue
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
