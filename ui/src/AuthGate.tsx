import { useCallback, useEffect, useRef, useState } from "react";
import type { SessionInfo } from "./bindings/SessionInfo";
import { LoadingScreen } from "./components/LoadingScreen";
import { useSessionWatch } from "./hooks/useSessionWatch";
import * as ipc from "./ipc";
import { LockScreen } from "./screens/LockScreen";
import { LoginScreen } from "./screens/LoginScreen";
import { Shell } from "./shell/Shell";
import { firstPage, type Route } from "./shell/pages";

/** What the login screen should start with: a prefilled username and a note above the form. */
export type LoginHint = { username?: string; notice?: string };

type Auth =
  | { kind: "checking" }
  | { kind: "login"; hint: LoginHint }
  | { kind: "locked"; session: SessionInfo }
  | { kind: "signed_in"; session: SessionInfo };

type Props = {
  clinicName: string;
  hint: LoginHint;
  onClinicNameChange: (name: string) => void;
};

/**
 * Who is at the desk: login, lock screen or the signed-in shell. The shell is unmounted while
 * locked, so nothing of the previous screen stays in the page behind the lock.
 */
export function AuthGate({ clinicName, hint, onClinicNameChange }: Props) {
  const [auth, setAuth] = useState<Auth>({ kind: "checking" });
  const [route, setRoute] = useState<Route>({ page: "dashboard" });
  const firstHint = useRef(hint);

  const showSession = useCallback((session: SessionInfo) => {
    setAuth(session.locked ? { kind: "locked", session } : { kind: "signed_in", session });
  }, []);

  // A session may survive a reload of the window: pick it up instead of asking again.
  useEffect(() => {
    let live = true;
    ipc
      .sessionInfo()
      .then((session) => live && showSession(session))
      .catch(() => live && setAuth({ kind: "login", hint: firstHint.current }));
    return () => {
      live = false;
    };
  }, [showSession]);

  // Any command can find the session locked (idle timeout) or gone.
  useEffect(
    () =>
      ipc.onSessionError((code) => {
        setAuth((current) => {
          if (code === "auth.session_locked" && current.kind === "signed_in") {
            return { kind: "locked", session: { ...current.session, locked: true } };
          }
          if (code === "auth.not_signed_in" && (current.kind === "signed_in" || current.kind === "locked")) {
            return { kind: "login", hint: { notice: "You were signed out. Sign in to continue." } };
          }
          return current;
        });
      }),
    [],
  );

  const showLocked = useCallback(() => {
    setAuth((current) =>
      current.kind === "signed_in"
        ? { kind: "locked", session: { ...current.session, locked: true } }
        : current,
    );
  }, []);

  const lockNow = useCallback(() => {
    // The screen locks at once; the backend is told so that only the password reopens it.
    showLocked();
    ipc.sessionLock().catch(() => undefined);
  }, [showLocked]);

  const signedInSession = auth.kind === "signed_in" ? auth.session : null;
  useSessionWatch(signedInSession, { onLocked: showLocked, onChanged: showSession });

  const signOut = useCallback(async () => {
    try {
      await ipc.logout();
    } catch {
      // Signing in again replaces whatever is left of the session.
    }
    setRoute({ page: "dashboard" });
    setAuth({ kind: "login", hint: { notice: "You are signed out." } });
  }, []);

  switch (auth.kind) {
    case "checking":
      return <LoadingScreen />;
    case "login":
      return (
        <LoginScreen
          clinicName={clinicName}
          hint={auth.hint}
          onSignedIn={(session) => {
            setRoute({ page: firstPage(session.permissions) });
            showSession(session);
          }}
        />
      );
    case "locked":
      return (
        <LockScreen
          clinicName={clinicName}
          session={auth.session}
          onUnlocked={showSession}
          onSwitchUser={() => setAuth({ kind: "login", hint: {} })}
        />
      );
    case "signed_in":
      return (
        <Shell
          clinicName={clinicName}
          session={auth.session}
          route={route}
          onNavigate={setRoute}
          onLock={lockNow}
          onSignOut={() => void signOut()}
          onSessionChange={showSession}
          onClinicNameChange={onClinicNameChange}
        />
      );
  }
}
