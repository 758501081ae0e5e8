import { useCallback, useEffect, useState } from "react";
import type { StartupStatus } from "./bindings/StartupStatus";
import { AuthGate, type LoginHint } from "./AuthGate";
import { LoadingScreen } from "./components/LoadingScreen";
import * as ipc from "./ipc";
import { FailedScreen } from "./screens/FailedScreen";
import { FirstRunWizard } from "./screens/FirstRunWizard";
import { RecoveryScreen } from "./screens/RecoveryScreen";

type Startup = { kind: "loading" } | { kind: "status"; status: StartupStatus };

/** Routes by the start-up phase; once the records are open, AuthGate takes over. */
export function App() {
  const [startup, setStartup] = useState<Startup>({ kind: "loading" });
  const [hint, setHint] = useState<LoginHint>({});

  const show = useCallback((status: StartupStatus) => {
    setStartup({ kind: "status", status });
  }, []);

  const showError = useCallback((raw: unknown) => {
    setStartup({ kind: "status", status: { phase: "failed", error: ipc.toErrorBody(raw) } });
  }, []);

  useEffect(() => {
    let live = true;
    ipc
      .startupStatus()
      .then((status) => live && show(status))
      .catch((raw: unknown) => live && showError(raw));
    return () => {
      live = false;
    };
  }, [show, showError]);

  // After set-up, recovery or a restore: look again (normally "ready"), then sign in.
  const reopen = useCallback(
    (next: LoginHint) => {
      setHint(next);
      setStartup({ kind: "loading" });
      ipc.startupStatus().then(show).catch(showError);
    },
    [show, showError],
  );

  const setClinicName = useCallback((clinicName: string) => {
    setStartup((s) =>
      s.kind === "status" && s.status.phase === "ready"
        ? { kind: "status", status: { phase: "ready", clinicName } }
        : s,
    );
  }, []);

  if (startup.kind === "loading") return <LoadingScreen />;

  const { status } = startup;
  switch (status.phase) {
    case "first_run":
      return (
        <FirstRunWizard
          onDone={(username) =>
            reopen({
              username,
              notice: "Intake Desk is set up. Sign in with the admin account you just created.",
            })
          }
        />
      );
    case "needs_recovery":
      return (
        <RecoveryScreen
          reason={status.reason}
          onDone={(notice) => reopen({ notice })}
        />
      );
    case "failed":
      return <FailedScreen error={status.error} onStatus={show} onRestored={(notice) => reopen({ notice })} />;
    case "ready":
      return (
        <AuthGate clinicName={status.clinicName} hint={hint} onClinicNameChange={setClinicName} />
      );
  }
}
