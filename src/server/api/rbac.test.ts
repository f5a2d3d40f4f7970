import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { createCaller } from "@/server/api/root";
import { makeApiKey, makeUser, setUpTestDatabase, type UserActor, uniqueEmail } from "../../../test/database";

setUpTestDatabase();

const as = (actor: Actor | null) => createCaller({ actor });

let analyst: UserActor;
let operator: UserActor;
let admin: UserActor;
beforeAll(async () => {
  analyst = (await makeUser({ role: "analyst" })).actor;
  operator = (await makeUser({ role: "operator" })).actor;
  admin = (await makeUser({ role: "admin" })).actor;
});

const newUser = () => ({
  email: uniqueEmail("new"),
  role: "analyst" as const,
  password: "a-good-long-password",
});

describe("tRPC procedures check the caller's role on the server", () => {
  it("answers UNAUTHORIZED to a caller who is not signed in", async () => {
    await expect(as(null).datasets.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(as(null).users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(as(null).jobs.ping({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("still answers the public health check to anyone", async () => {
    await expect(as(null).system.health()).resolves.toMatchObject({ database: "ok" });
    await expect(as(null).system.whoami()).resolves.toBeNull();
  });

  it("lets an analyst list datasets", async () => {
    await expect(as(analyst).datasets.list()).resolves.toEqual([]);
  });

  it("forbids an analyst the admin and operator procedures", async () => {
    const caller = as(analyst);
    await expect(caller.users.list()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "This needs the admin role; you are analyst",
    });
    await expect(caller.apiKeys.create({ name: "sneaky", role: "admin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(caller.jobs.ping({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.audit.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("forbids an analyst's invalid input on an admin procedure, rather than validating it", async () => {
    await expect(as(analyst).users.create({ ...newUser(), email: "nope" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("forbids an operator the admin procedures but lets them ping the workers", async () => {
    const caller = as(operator);
    await expect(caller.users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.users.create(newUser())).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.apiKeys.list()).rejects.toMatchObject({ code: "FORBIDDEN" });

    const job = await caller.jobs.ping({ priority: "high" });

    expect(job).toMatchObject({ type: "ping", priority: "high", status: "queued", createdById: operator.id });
    // Queued for a worker too (no other test here enqueues; the public view shows no payloads).
    const queued = await pool().query("SELECT task_identifier, priority FROM graphile_worker.jobs");
    expect(queued.rows).toEqual([{ task_identifier: "ping", priority: -10 }]);
    await expect(caller.jobs.get({ id: job.id })).resolves.toMatchObject({ id: job.id });
  });

  it("lets an admin manage users and API keys", async () => {
    const caller = as(admin);
    const created = await caller.users.create(newUser());
    expect((await caller.users.list()).map((u) => u.id)).toContain(created.id);
    const key = await caller.apiKeys.create({ name: "automation", role: "analyst" });
    expect(key.key).toMatch(/^sluice_/);
    expect((await caller.apiKeys.list()).map((k) => k.id)).toContain(key.id);
    const { events } = await caller.audit.list({ limit: 5 });
    expect(events.map((e) => e.action)).toContain("api_key.create");
  });

  it("applies the same rules to API keys as to people", async () => {
    const { actor: analystKey } = await makeApiKey("analyst");
    const { actor: adminKey } = await makeApiKey("admin");
    await expect(as(analystKey).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(analystKey).datasets.list()).resolves.toEqual([]);
    await expect(as(adminKey).users.list()).resolves.toEqual(expect.any(Array));
    await expect(as(adminKey).system.whoami()).resolves.toEqual({
      kind: "api-key",
      role: "admin",
      name: adminKey.name,
    });
  });
});

describe("tRPC errors", () => {
  it("answers BAD_REQUEST with the validation message for input that fails its schema", async () => {
    const error = await as(admin)
      .users.create({ ...newUser(), email: "not-an-email" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Enter a valid email"),
    });
  });

  it("answers BAD_REQUEST for a malformed id", async () => {
    await expect(as(analyst).jobs.get({ id: "not-a-uuid" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("turns a duplicate email into CONFLICT with the domain's message", async () => {
    const input = newUser();
    await as(admin).users.create(input);
    await expect(as(admin).users.create(input)).rejects.toMatchObject({
      code: "CONFLICT",
      message: `A user with email ${input.email} already exists`,
    });
  });

  it("turns a missing record into NOT_FOUND", async () => {
    await expect(as(analyst).jobs.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/^No job /),
    });
  });
});
