"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { RoleSelect } from "../role-select";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";
import { CreateApiKeyForm, type CreatedApiKey } from "./create-api-key-form";
import { NewApiKey } from "./new-api-key";

type ApiKey = RouterOutputs["apiKeys"]["list"][number];

/** Settings › API keys: keys for the REST door; create (shown once), change role, revoke. */
export function ApiKeysAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);

  const setRole = useMutation(
    trpc.apiKeys.setRole.mutationOptions({
      onSuccess: refresh,
      onError: (e, vars) => {
        const name = keys.data?.find((k) => k.id === vars.id)?.name ?? "the key";
        setRowError(`Could not change the role of key ${name}: ${e.message}`);
      },
    }),
  );
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        setToRevoke(null);
        await refresh();
      },
    }),
  );

  const columns: Column<ApiKey>[] = [
    {
      header: "Name",
      grow: true,
      cell: (k) => <Truncate className={k.revokedAt ? "" : "font-medium text-slate-900"}>{k.name}</Truncate>,
    },
    {
      header: "Prefix",
      cell: (k) => (
        <code className="font-mono text-xs" title="The start of the key, stored in clear to recognise it">
          {k.prefix}
        </code>
      ),
    },
    {
      header: "Role",
      cell: (k) =>
        k.revokedAt ? (
          <span className="text-xs">{k.role}</span>
        ) : (
          <RoleSelect
            label={`Role for key ${k.name}`}
            value={setRole.isPending && setRole.variables?.id === k.id ? setRole.variables.role : k.role}
            disabled={setRole.isPending && setRole.variables?.id === k.id}
            onChange={(role) => {
              setRowError(null);
              setRole.mutate({ id: k.id, role });
            }}
          />
        ),
    },
    {
      header: "Created by",
      cell: (k) =>
        k.createdBy ? (
          <Truncate className="max-w-40">{k.createdBy.email}</Truncate>
        ) : (
          <span className="text-slate-400">system</span>
        ),
    },
    { header: "Created", cell: (k) => <DateTime value={k.createdAt} format="date" /> },
    { header: "Last used", cell: (k) => <DateTime value={k.lastUsedAt} format="ago" fallback="Never" /> },
    {
      header: "Status",
      cell: (k) =>
        k.revokedAt ? (
          <span title={`Revoked ${new Date(k.revokedAt).toLocaleString()}`}>
            <Badge>Revoked</Badge>
          </span>
        ) : (
          <Badge tone="good">Active</Badge>
        ),
    },
    {
      header: "Actions",
      srOnlyHeader: true,
      className: "text-right",
      cell: (k) =>
        k.revokedAt ? null : (
          <Button
            size="sm"
            variant="danger-outline"
            aria-label={`Revoke key ${k.name}`}
            onClick={() => {
              setRowError(null);
              revoke.reset();
              setToRevoke(k);
            }}
          >
            Revoke
          </Button>
        ),
    },
  ];

  const active = keys.data?.filter((k) => !k.revokedAt).length ?? 0;

  return (
    <div className="max-w-6xl space-y-5">
      <PageHeader
        title="API keys"
        description={
          <>
            Keys for automation: send one as{" "}
            <code className="font-mono text-xs">Authorization: Bearer …</code> to the REST API under{" "}
            <code className="font-mono text-xs">/api/v1</code>.
          </>
        }
      />
      {created && (
        <NewApiKey
          key={created.id}
          name={created.name}
          apiKey={created.key}
          onDone={() => setCreated(null)}
        />
      )}
      <CreateApiKeyForm onCreated={setCreated} />
      <section aria-labelledby="keys-list-title" className="space-y-2">
        <div className="flex items-baseline justify-between">
          <h2 id="keys-list-title" className="text-sm font-semibold text-slate-800">
            All keys
          </h2>
          {keys.data && keys.data.length > 0 && (
            <p className="text-xs text-slate-500">
              {active} active · {keys.data.length - active} revoked
            </p>
          )}
        </div>
        {rowError && <Notice tone="error">{rowError}</Notice>}
        <DataTable
          label="API keys"
          columns={columns}
          rows={keys.data}
          rowKey={(k) => k.id}
          loading={keys.isPending}
          error={keys.error?.message}
          rowClassName={(k) =>
            k.revokedAt
              ? "bg-slate-50/60 text-slate-400"
              : k.id === created?.id
                ? "bg-teal-50/60 text-slate-600"
                : "text-slate-600"
          }
          empty={
            <EmptyState title="No API keys yet">
              <p>
                Create one above, or from a shell with{" "}
                <code className="font-mono text-xs">npm run cli -- api-key create --name N --role R</code>.
              </p>
            </EmptyState>
          }
        />
      </section>
      <ConfirmDialog
        open={toRevoke !== null}
        title={`Revoke key ${toRevoke?.name ?? ""}?`}
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error?.message}
        onCancel={() => setToRevoke(null)}
        onConfirm={() => toRevoke && revoke.mutate({ id: toRevoke.id })}
      >
        Anything using <code className="font-mono text-xs">{toRevoke?.prefix}…</code> is refused from its next
        request. This can't be undone; make a new key if you need one again.
      </ConfirmDialog>
    </div>
  );
}
