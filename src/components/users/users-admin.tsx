"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { RoleSelect } from "../role-select";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { DateTime } from "../ui/date-time";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";
import { CreateUserForm } from "./create-user-form";

type User = RouterOutputs["users"]["list"][number];

/** Settings › Users: who can sign in, with which role; create, change role, disable and enable. */
export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [rowError, setRowError] = useState<string | null>(null);
  const [toDisable, setToDisable] = useState<User | null>(null);
  const [justCreated, setJustCreated] = useState<string | null>(null);

  const setRole = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess: refresh,
      onError: (e, vars) => {
        const email = users.data?.find((u) => u.id === vars.id)?.email ?? "the user";
        setRowError(`Could not change the role of ${email}: ${e.message}`);
      },
    }),
  );
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: async () => {
        setToDisable(null);
        await refresh();
      },
      onError: (e, vars) => {
        if (vars.disabled) return; // shown in the confirmation dialog
        const email = users.data?.find((u) => u.id === vars.id)?.email ?? "the user";
        setRowError(`Could not enable ${email}: ${e.message}`);
      },
    }),
  );

  const busy = (id: string) =>
    (setRole.isPending && setRole.variables?.id === id) ||
    (setDisabled.isPending && setDisabled.variables?.id === id);

  const columns: Column<User>[] = [
    {
      header: "Email",
      grow: true,
      cell: (u) => (
        <span className="flex items-center gap-2">
          <Truncate className={u.disabledAt ? "" : "font-medium text-slate-900"}>{u.email}</Truncate>
          {u.id === currentUserId && <Badge tone="info">you</Badge>}
        </span>
      ),
    },
    {
      header: "Name",
      cell: (u) =>
        u.name ? (
          <Truncate className="max-w-40">{u.name}</Truncate>
        ) : (
          <span className="text-slate-400">—</span>
        ),
    },
    {
      header: "Role",
      cell: (u) => (
        <RoleSelect
          label={`Role for ${u.email}`}
          value={setRole.isPending && setRole.variables?.id === u.id ? setRole.variables.role : u.role}
          disabled={busy(u.id)}
          onChange={(role) => {
            setRowError(null);
            setRole.mutate({ id: u.id, role });
          }}
        />
      ),
    },
    {
      header: "Last sign-in",
      cell: (u) => <DateTime value={u.lastLoginAt} format="ago" fallback="Never" />,
    },
    {
      header: "Status",
      cell: (u) => (u.disabledAt ? <Badge tone="bad">Disabled</Badge> : <Badge tone="good">Active</Badge>),
    },
    { header: "Created", cell: (u) => <DateTime value={u.createdAt} format="date" /> },
    {
      header: "Actions",
      srOnlyHeader: true,
      className: "text-right",
      cell: (u) =>
        u.id === currentUserId ? null : u.disabledAt ? (
          <Button
            size="sm"
            aria-label={`Enable ${u.email}`}
            disabled={busy(u.id)}
            onClick={() => {
              setRowError(null);
              setDisabled.mutate({ id: u.id, disabled: false });
            }}
          >
            Enable
          </Button>
        ) : (
          <Button
            size="sm"
            variant="danger-outline"
            aria-label={`Disable ${u.email}`}
            disabled={busy(u.id)}
            onClick={() => {
              setRowError(null);
              setDisabled.reset();
              setToDisable(u);
            }}
          >
            Disable
          </Button>
        ),
    },
  ];

  const disabledCount = users.data?.filter((u) => u.disabledAt).length ?? 0;

  return (
    <div className="max-w-6xl space-y-5">
      <PageHeader
        title="Users"
        description="People who sign in to the console, and what their role lets them do."
      />
      <CreateUserForm onCreated={setJustCreated} />
      <section aria-labelledby="users-list-title" className="space-y-2">
        <div className="flex items-baseline justify-between">
          <h2 id="users-list-title" className="text-sm font-semibold text-slate-800">
            All users
          </h2>
          {users.data && (
            <p className="text-xs text-slate-500">
              {users.data.length} {users.data.length === 1 ? "user" : "users"}
              {disabledCount > 0 && ` · ${disabledCount} disabled`}
            </p>
          )}
        </div>
        {rowError && <Notice tone="error">{rowError}</Notice>}
        <DataTable
          label="Users"
          columns={columns}
          rows={users.data}
          rowKey={(u) => u.id}
          loading={users.isPending}
          error={users.error?.message}
          rowClassName={(u) =>
            u.disabledAt
              ? "bg-slate-50/60 text-slate-400"
              : u.id === justCreated
                ? "bg-teal-50/60 text-slate-600"
                : "text-slate-600"
          }
        />
        <p className="text-xs text-slate-500">
          Role changes apply at once, on the user's next request. Disabling keeps the user and their history
          but ends their sessions and refuses sign-in.
        </p>
      </section>
      <ConfirmDialog
        open={toDisable !== null}
        title={`Disable ${toDisable?.email ?? "user"}?`}
        confirmLabel="Disable user"
        pending={setDisabled.isPending}
        error={setDisabled.error?.message}
        onCancel={() => setToDisable(null)}
        onConfirm={() => toDisable && setDisabled.mutate({ id: toDisable.id, disabled: true })}
      >
        They are signed out at once and can't sign in until an admin enables them again. Their account and
        what they did stay on record.
      </ConfirmDialog>
    </div>
  );
}
