"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import type { Role } from "@/auth/roles";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { RoleOptions } from "../role-select";
import { fieldErrors } from "../server-errors";
import { Button } from "../ui/button";
import { Field, Input, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { Panel } from "../ui/panel";

export type CreatedApiKey = RouterOutputs["apiKeys"]["create"];

/** Makes a key for scripts and other systems; the caller shows the key once via `onCreated`. */
export function CreateApiKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (key) => {
        formRef.current?.reset();
        onCreated(key);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
    }),
  );
  const errors = fieldErrors(create.error);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    create.mutate({ name: String(form.get("name") ?? ""), role: String(form.get("role")) as Role });
  }

  return (
    <Panel
      title="Create an API key"
      description="For scripts and other systems calling the REST API. A key acts with the role you give it."
    >
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Create API key" className="space-y-3">
        <div className="flex flex-wrap items-start gap-3">
          <Field
            label="Key name"
            hint="Say what uses it, e.g. “nightly-import”"
            error={errors.name}
            className="w-80"
          >
            {(control) => <Input {...control} name="name" required autoComplete="off" maxLength={100} />}
          </Field>
          <Field label="Role" error={errors.role} className="w-36">
            {(control) => (
              <Select {...control} name="role" defaultValue="analyst">
                <RoleOptions />
              </Select>
            )}
          </Field>
          <Button type="submit" variant="primary" disabled={create.isPending} className="mt-6">
            {create.isPending ? "Creating…" : "Create API key"}
          </Button>
        </div>
        {create.error && <Notice tone="error">Could not create the key: {create.error.message}</Notice>}
      </form>
    </Panel>
  );
}
