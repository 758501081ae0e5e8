import { Badge, createTheme } from "@mantine/core";

// Calm, readable, system fonts only (the CSP allows no remote fonts).
export const theme = createTheme({
  primaryColor: "teal",
  defaultRadius: "md",
  focusRing: "auto",
  fontFamily:
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Ubuntu, Cantarell, sans-serif",
  fontFamilyMonospace:
    "ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace",
  headings: { fontWeight: "600" },
  components: {
    // Badges read as written ("Front desk", not "FRONT DESK"): calmer, and what tests read.
    Badge: Badge.extend({ styles: { root: { textTransform: "none" } } }),
  },
});
