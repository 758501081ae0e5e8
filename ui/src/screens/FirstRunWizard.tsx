import { Stepper } from "@mantine/core";
import { useCallback, useState } from "react";
import type { ErrorBody } from "../bindings/ErrorBody";
import { CenteredCard } from "../components/CenteredCard";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";
import { AccountStep, type AccountValues } from "./firstrun/AccountStep";
import { FinishStep } from "./firstrun/FinishStep";
import { KeyStep, keyConfirmed, normalizeGroup } from "./firstrun/KeyStep";

/** Backend errors that are about the details typed in step 1. */
const ACCOUNT_CODES = [
  "invalid.clinic_name",
  "auth.weak_password",
  "auth.invalid_username",
  "auth.invalid_display_name",
  "auth.username_taken",
];

type Props = { onDone: (username: string) => void };

export function FirstRunWizard({ onDone }: Props) {
  const [active, setActive] = useState(0);
  const [values, setValues] = useState<AccountValues>({
    clinicName: "",
    displayName: "",
    username: "",
    password: "",
    confirm: "",
  });
  const [accountError, setAccountError] = useState<ErrorBody | null>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<ErrorBody | null>(null);
  const [written, setWritten] = useState(false);
  const [confirmation, setConfirmation] = useState("");
  const finish = useAction();

  const fetchKey = useCallback(async () => {
    setKeyError(null);
    try {
      // The same key comes back until set-up finishes, so asking again is safe.
      setRecoveryKey(await ipc.setupBegin());
    } catch (raw) {
      setKeyError(ipc.toErrorBody(raw));
    }
  }, []);

  function toKeyStep() {
    setAccountError(null);
    setActive(1);
    if (!recoveryKey) void fetchKey();
  }

  function onFinishError(error: ErrorBody) {
    if (ACCOUNT_CODES.includes(error.code)) {
      // About the clinic name or the account: back to step 1, with the message there.
      setAccountError(error);
      finish.setError(null);
      setActive(0);
    } else if (error.code === "invalid.recovery_confirmation") {
      // The backend did not accept the typed-back group: check the key again.
      finish.setError(null);
      setKeyError(error);
      setConfirmation("");
      setActive(1);
    }
  }

  async function submit() {
    if (!recoveryKey || !keyConfirmed(recoveryKey, written, confirmation)) {
      setActive(1);
      return;
    }
    const done = await finish.run(async () => {
      await ipc.setupFinish({
        clinicName: values.clinicName.trim(),
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        password: values.password,
        recoveryConfirmation: normalizeGroup(confirmation),
      });
      return true;
    }, onFinishError);
    if (done) onDone(values.username.trim());
  }

  return (
    <CenteredCard
      title="Set up Intake Desk"
      titleTestId="first-run-title"
      subtitle="Three short steps. This is done once, on the clinic's first computer."
      width={680}
      testId="first-run"
    >
      <Stepper
        active={active}
        onStepClick={(step) => step < active && !finish.busy && setActive(step)}
        allowNextStepsSelect={false}
        size="sm"
      >
        <Stepper.Step label="Clinic and admin" description="Who runs the desk">
          <AccountStep values={values} onChange={setValues} error={accountError} onNext={toKeyStep} />
        </Stepper.Step>
        <Stepper.Step label="Recovery key" description="Write it down">
          <KeyStep
            recoveryKey={recoveryKey}
            keyError={keyError}
            onRetryKey={() => void fetchKey()}
            written={written}
            onWrittenChange={setWritten}
            confirmation={confirmation}
            onConfirmationChange={(value) => {
              setConfirmation(value);
              setKeyError(null);
            }}
            onBack={() => setActive(0)}
            onNext={() => setActive(2)}
          />
        </Stepper.Step>
        <Stepper.Step label="Finish" description="Create the records">
          <FinishStep
            clinicName={values.clinicName}
            displayName={values.displayName}
            username={values.username}
            busy={finish.busy}
            error={finish.error}
            onBack={() => setActive(1)}
            onFinish={() => void submit()}
          />
        </Stepper.Step>
      </Stepper>
    </CenteredCard>
  );
}
