"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { Role } from "@/auth/roles";
import { useTRPC } from "@/trpc/react";
import { RoleOptions } from "../role-select";
import { fieldErrors } from "../server-errors";
import { Button } from "../ui/button";
import { Field, Input, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { Panel } from "../ui/panel";

/** Adds a person who signs in with email and password. The server validates; its errors show inline. */
export function CreateUserForm({ onCreated }: { onCreated?: (userId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (user) => {
        formRef.current?.reset();
        setCreated(`Created ${user.email} as ${user.role}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        onCreated?.(user.id);
        formRef.current?.querySelector<HTMLInputElement>("input[name=email]")?.focus();
      },
    }),
  );
  const errors = fieldErrors(create.error);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setCreated(null);
    create.mutate({
      email: String(form.get("email") ?? "").trim(),
      name: String(form.get("name") ?? "").trim() || undefined,
      role: String(form.get("role")) as Role,
      password: String(form.get("password") ?? ""),
    });
  }

  return (
    <Panel
      title="Add a user"
      description="They sign in with this email and password. Share the password privately."
    >
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Create user" className="space-y-3">
        <div className="grid grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)_8.5rem_minmax(0,1.1fr)_auto] items-start gap-3">
          <Field label="Email" error={errors.email}>
            {(control) => (
              <Input
                {...control}
                name="email"
                type="email"
                autoComplete="off"
                required
                placeholder="ada@example.com"
              />
            )}
          </Field>
          <Field label="Name" optional error={errors.name}>
            {(control) => <Input {...control} name="name" autoComplete="off" placeholder="Ada Lovelace" />}
          </Field>
          <Field label="Role" error={errors.role}>
            {(control) => (
              <Select {...control} name="role" defaultValue="analyst">
                <RoleOptions />
              </Select>
            )}
          </Field>
          <Field label="Password" hint="At least 12 characters" error={errors.password}>
            {(control) => (
              <Input {...control} name="password" type="password" autoComplete="new-password" required />
            )}
          </Field>
          <Button type="submit" variant="primary" disabled={create.isPending} className="mt-6">
            {create.isPending ? "Creating…" : "Create user"}
          </Button>
        </div>
        {create.error && <Notice tone="error">Could not create the user: {create.error.message}</Notice>}
        {created && !create.error && <Notice tone="success">{created}</Notice>}
      </form>
    </Panel>
  );
}
