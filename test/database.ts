import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { createApiKey } from "@/api-keys/api-keys";
import { type Actor, SYSTEM } from "@/auth/actor";
import type { Role } from "@/auth/roles";
import { closePool } from "@/db/pool";
import { closeDb } from "@/db/prisma";
import { connectTo } from "@/env";
import { createUser, type PublicUser } from "@/users/users";
import { databaseUrlFor } from "./database-names";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own: a copy of the run's migrated template, or (`empty`) one with nothing in
 * it, for tests of the migrations themselves.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const name = `${inject("databasePrefix")}${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (c) =>
    c.query(
      opts.empty
        ? `CREATE DATABASE ${c.escapeIdentifier(name)}`
        : `CREATE DATABASE ${c.escapeIdentifier(name)} TEMPLATE ${c.escapeIdentifier(inject("templateDatabase"))}`,
    ),
  );
  return {
    name,
    url: databaseUrlFor(adminUrl, name),
    drop: async () => {
      await withAdmin(adminUrl, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

/**
 * Gives the calling test file a fresh, migrated database for all its tests, and points the app's
 * Prisma client and pg pool at it. Call at the top of the file, before any test touches the database.
 */
export function setUpTestDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    connectTo(database.url);
  });
  afterAll(async () => {
    await closeDb();
    await closePool();
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error("setUpTestDatabase: the database exists only once beforeAll has run");
      return database.url;
    },
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "sluice-test" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let counter = 0;

/** An address no other test in the file uses. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${counter}-${randomBytes(3).toString("hex")}@example.test`;
}

export type UserActor = Extract<Actor, { kind: "user" }>;

export function actorFor(user: PublicUser, ip: string | null = null): UserActor {
  return { kind: "user", id: user.id, email: user.email, name: user.name, role: user.role, ip };
}

/** A user created the way an admin would create one, with their password and the actor they act as. */
export async function makeUser(
  opts: { role?: Role; email?: string; password?: string; name?: string } = {},
): Promise<{ user: PublicUser; actor: UserActor; password: string }> {
  const password = opts.password ?? `pw-${randomBytes(12).toString("base64url")}`;
  const user = await createUser(
    {
      email: opts.email ?? uniqueEmail(opts.role ?? "analyst"),
      name: opts.name,
      role: opts.role ?? "analyst",
      password,
    },
    SYSTEM,
  );
  return { user, actor: actorFor(user), password };
}

export type ApiKeyActor = Extract<Actor, { kind: "api-key" }>;

/** An API key created the way an admin would create one: the key string, once, and its actor. */
export async function makeApiKey(
  role: Role,
  name = `key-${randomBytes(3).toString("hex")}`,
): Promise<{ id: string; key: string; actor: ApiKeyActor }> {
  const created = await createApiKey({ name, role }, SYSTEM);
  return {
    id: created.id,
    key: created.key,
    actor: { kind: "api-key", id: created.id, name: created.name, role: created.role, ip: null },
  };
}
