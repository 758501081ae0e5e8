import { Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { ErrorBody } from "../bindings/ErrorBody";
import { EmptyState } from "../components/EmptyState";
import { ErrorAlert } from "../components/ErrorAlert";
import { LoadFailed } from "../components/LoadFailed";
import { PageHeader } from "../components/PageHeader";
import { PageLoader } from "../components/PageLoader";
import { useAction } from "../hooks/useAction";
import * as ipc from "../ipc";
import { AuditTable } from "./audit/AuditTable";
import { VerifyChain } from "./audit/VerifyChain";

export const AUDIT_PAGE_SIZE = 50;

export function AuditPage() {
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState("");
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [loadError, setLoadError] = useState<ErrorBody | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const more = useAction();
  const generation = useRef(0);

  const fetchPage = useCallback(
    (text: string, beforeId: number | null) =>
      ipc.auditList({ text: text.trim() || null, beforeId, limit: AUDIT_PAGE_SIZE }),
    [],
  );

  const loadFirst = useCallback(
    async (text: string) => {
      const mine = ++generation.current; // only the latest search may fill the table
      setEntries(null);
      setLoadError(null);
      try {
        const page = await fetchPage(text, null);
        if (mine !== generation.current) return;
        setEntries(page);
        setHasMore(page.length === AUDIT_PAGE_SIZE);
      } catch (raw) {
        if (mine === generation.current) setLoadError(ipc.toErrorBody(raw));
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void loadFirst("");
  }, [loadFirst]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setApplied(search);
    void loadFirst(search);
  }

  async function loadOlder() {
    const last = entries?.[entries.length - 1];
    if (!last) return;
    const page = await more.run(() => fetchPage(applied, last.id));
    if (page) {
      setEntries((current) => [...(current ?? []), ...page]);
      setHasMore(page.length === AUDIT_PAGE_SIZE);
    }
  }

  return (
    <Stack gap="lg">
      <PageHeader page="audit" title="Audit log" description="Who did what, and when. Newest first. Entries cannot be changed." />
      <VerifyChain />
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Search"
            placeholder="Name, action or subject"
            autoFocus
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={320}
            data-testid="audit-search"
          />
          <Button type="submit" variant="default" data-testid="audit-search-submit">
            Search
          </Button>
          {applied && (
            <Button variant="subtle" color="gray" onClick={() => { setSearch(""); setApplied(""); void loadFirst(""); }}>
              Clear search
            </Button>
          )}
        </Group>
      </form>
      {loadError && <LoadFailed error={loadError} onRetry={() => void loadFirst(applied)} />}
      {!loadError && entries === null && <PageLoader label="Loading the audit log…" />}
      {entries !== null && entries.length === 0 && (
        <EmptyState title={applied ? "Nothing matches that search" : "The audit log is empty"} testId="audit-empty">
          {applied ? "Try a shorter word, or a username." : "Sign-ins and changes will be listed here."}
        </EmptyState>
      )}
      {entries !== null && entries.length > 0 && (
        <Stack gap="sm">
          <AuditTable entries={entries} />
          <ErrorAlert error={more.error} testId="audit-more-error" />
          {hasMore ? (
            <Group justify="center">
              <Button variant="default" onClick={() => void loadOlder()} loading={more.busy} data-testid="audit-load-older">
                Load older
              </Button>
            </Group>
          ) : (
            <Text size="sm" c="dimmed" ta="center">That is the oldest entry.</Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}
