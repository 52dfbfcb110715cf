"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { api } from "@/lib/queries/fetcher";
import { type TemplateItem, type TemplateVersionItem, templateQueries } from "@/lib/queries/templates";
import { restorePatch } from "./draft";

export function VersionHistory({ template, dirty }: { template: TemplateItem; dirty: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const query = useQuery(templateQueries.versions(template.id));
  const [viewing, setViewing] = useState<TemplateVersionItem | null>(null);
  const restore = useMutation({
    mutationFn: (v: TemplateVersionItem) =>
      api<TemplateItem>(`/templates/${template.id}`, {
        method: "PATCH",
        body: restorePatch(template.channel, v),
      }),
    onSuccess: (t, v) => {
      qc.setQueryData(templateQueries.detail(t.id).queryKey, t);
      qc.invalidateQueries({ queryKey: templateQueries.all });
      toast(`Restored version ${v.version} as version ${t.version}`);
      setViewing(null);
    },
    onError: (e) => toast(e.message, "error"),
  });

  // Restoring replaces the editor's content: with unsaved edits, show the version and
  // a warning first rather than dropping the edits silently.
  function requestRestore(v: TemplateVersionItem) {
    if (dirty && viewing?.version !== v.version) return setViewing(v);
    restore.mutate(v);
  }

  return (
    <section className="mt-8" aria-labelledby="versions-heading" data-testid="version-history">
      <h2 id="versions-heading" className="mb-3 text-sm font-semibold text-slate-900">
        Version history
      </h2>
      {query.isPending ? (
        <LoadingRows rows={2} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <Table head={["Version", "Saved", "Category", "Content", ""]} testId="versions-table">
          {query.data.data.map((v) => {
            const current = v.version === template.version;
            return (
              <tr key={v.version} data-testid="version-row" data-version={v.version}>
                <Td className="font-medium text-slate-900">
                  v{v.version} {current ? <Badge tone="indigo">Current</Badge> : null}
                </Td>
                <Td>{new Date(v.created_at).toLocaleString()}</Td>
                <Td>{v.category}</Td>
                <Td className="max-w-xs truncate text-slate-500">{summary(v)}</Td>
                <Td className="space-x-1 text-right">
                  <Button variant="ghost" size="sm" onClick={() => setViewing(v)} data-testid="version-view">
                    View
                  </Button>
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={current || restore.isPending}
                    onClick={() => requestRestore(v)}
                    data-testid="version-restore"
                  >
                    Restore
                  </Button>
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
      <Dialog
        open={viewing !== null}
        onClose={() => setViewing(null)}
        title={viewing ? `Version ${viewing.version}` : "Version"}
        testId="version-dialog"
      >
        {viewing ? <VersionContent version={viewing} /> : null}
        {dirty ? (
          <p className="mt-4 text-xs font-medium text-amber-800" data-testid="restore-discards-edits">
            Restoring replaces your unsaved edits.
          </p>
        ) : null}
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setViewing(null)}>
            Close
          </Button>
          <Button
            disabled={!viewing || viewing.version === template.version || restore.isPending}
            onClick={() => viewing && requestRestore(viewing)}
            data-testid="version-dialog-restore"
          >
            {restore.isPending ? "Restoring…" : "Restore this version"}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}

function summary(v: TemplateVersionItem): string {
  const source = v.body ?? v.subject ?? v.text ?? v.html ?? "";
  return source.length > 80 ? `${source.slice(0, 80)}…` : source;
}

function VersionContent({ version }: { version: TemplateVersionItem }) {
  const parts: [string, string | null][] = [
    ["Subject", version.subject],
    ["HTML body", version.html],
    ["Text body", version.text],
    ["Body", version.body],
  ];
  return (
    <div className="space-y-3 text-sm" data-testid="version-content">
      <p className="text-xs text-slate-500">
        Saved {new Date(version.created_at).toLocaleString()} · category {version.category}
      </p>
      {parts
        .filter((p): p is [string, string] => p[1] !== null)
        .map(([label, value]) => (
          <div key={label}>
            <p className="text-xs font-medium text-slate-500">{label}</p>
            <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
              {value}
            </pre>
          </div>
        ))}
    </div>
  );
}
