import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../bindings/AuditEntry";
import { mockBackend, renderUi } from "../test/utils";
import { AUDIT_PAGE_SIZE, AuditPage } from "./AuditPage";

function entries(fromId: number, count: number): AuditEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: fromId - i,
    at: 1_700_000_000_000 + (fromId - i) * 60_000,
    actor: "ana",
    action: "auth.login",
    subject: `user:${fromId - i}`,
    details: "signed in",
  }));
}

describe("audit log", () => {
  it("verify shows the first broken row in red", async () => {
    mockBackend({
      audit_list: () => entries(3, 3),
      audit_verify: () => ({ rowsChecked: 120, firstBroken: { id: 57, reason: "hash does not match the row" } }),
    });
    const { user } = renderUi(<AuditPage />);
    await user.click(screen.getByTestId("audit-verify"));
    const result = await screen.findByTestId("audit-verify-result");
    expect(result).toHaveTextContent("#57");
    expect(result).toHaveTextContent("hash does not match the row");
    expect(result.getAttribute("class") ?? "").toMatch(/Alert/);
    expect(result).toHaveStyle({ "--alert-color": "var(--mantine-color-red-light-color)" });
  });

  it("verify says intact with the number of rows checked", async () => {
    mockBackend({ audit_list: () => [], audit_verify: () => ({ rowsChecked: 42, firstBroken: null }) });
    const { user } = renderUi(<AuditPage />);
    expect(await screen.findByTestId("audit-empty")).toBeInTheDocument();
    await user.click(screen.getByTestId("audit-verify"));
    expect(await screen.findByTestId("audit-verify-result")).toHaveTextContent("Intact: 42 rows checked");
  });

  it("searches and loads older entries with beforeId", async () => {
    const b = mockBackend({
      audit_list: (args) => {
        const q = args.query as { beforeId: number | null };
        return q.beforeId === null ? entries(200, AUDIT_PAGE_SIZE) : entries(q.beforeId - 1, 3);
      },
    });
    const { user } = renderUi(<AuditPage />);
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(AUDIT_PAGE_SIZE));
    expect(b.last("audit_list")).toEqual({ query: { text: null, beforeId: null, limit: AUDIT_PAGE_SIZE } });

    await user.type(screen.getByTestId("audit-search"), "ana{Enter}");
    await waitFor(() => expect(b.last("audit_list")).toEqual({ query: { text: "ana", beforeId: null, limit: AUDIT_PAGE_SIZE } }));

    await user.click(await screen.findByTestId("audit-load-older"));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(AUDIT_PAGE_SIZE + 3));
    expect(b.last("audit_list")).toEqual({ query: { text: "ana", beforeId: 151, limit: AUDIT_PAGE_SIZE } });
    expect(screen.queryByTestId("audit-load-older")).not.toBeInTheDocument();
  });
});
