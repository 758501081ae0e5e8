import { MantineProvider } from "@mantine/core";
import type { ReactNode } from "react";
import { theme } from "./theme";

/** `env="test"` turns off transitions and portals so tests see dialogs in place. */
export function Providers({ children, env }: { children: ReactNode; env?: "default" | "test" }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" env={env}>
      {children}
    </MantineProvider>
  );
}
