import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { AppError } from "@/server/errors";
import { type DatasetDefinition, datasetDefinitionSchema, formatIssuePath } from "./definition";
import { createTablesSql, diffDefinitions } from "./tables";

export interface ApplyResult {
  name: string;
  version: number;
  created: boolean;
  changed: boolean;
  changes: string[];
}

/** Parses a definition, reporting every problem with the field it is about. */
export function parseDefinition(input: unknown): DatasetDefinition {
  const parsed = datasetDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${formatIssuePath(i.path) || "definition"}: ${i.message}`,
    );
    throw new AppError("BAD_REQUEST", `Invalid dataset definition: ${problems.join("; ")}`, problems);
  }
  return parsed.data;
}

/**
 * Creates or updates a dataset from its definition, with its tables, in one transaction. A change
 * that would lose or rewrite data (a dropped column, a changed type) is refused unless `force`.
 */
export async function applyDataset(
  input: unknown,
  actor: Actor,
  opts: { force?: boolean; expectedName?: string } = {},
): Promise<ApplyResult> {
  const def = parseDefinition(input);
  if (opts.expectedName !== undefined && opts.expectedName !== def.name) {
    throw new AppError(
      "BAD_REQUEST",
      `The URL names dataset "${opts.expectedName}" but the definition is "${def.name}"`,
    );
  }
  return db().$transaction(
    async (tx) => {
      // One definition change at a time per dataset, across processes.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('dataset:' || ${def.name}))`;
      const existing = await tx.dataset.findUnique({ where: { name: def.name } });
      if (!existing) {
        for (const sql of createTablesSql(def)) await tx.$executeRawUnsafe(sql);
        const created = await tx.dataset.create({
          data: { name: def.name, title: def.title, definition: def as unknown as Prisma.InputJsonValue },
        });
        await recordAudit(actor, "dataset.create", { type: "dataset", id: def.name }, { version: 1 }, tx);
        return {
          name: def.name,
          version: created.version,
          created: true,
          changed: true,
          changes: ["create"],
        };
      }
      const prev = parseDefinition(existing.definition);
      const change = diffDefinitions(prev, def);
      if (change.summary.length === 0) {
        return { name: def.name, version: existing.version, created: false, changed: false, changes: [] };
      }
      if (change.impossible.length) throw new AppError("CONFLICT", change.impossible.join("; "));
      if (change.destructive.length && !opts.force) {
        throw new AppError(
          "CONFLICT",
          `This change would lose or rewrite data: ${change.destructive.join("; ")}. Apply it again with force to go ahead.`,
        );
      }
      for (const sql of change.sql) await tx.$executeRawUnsafe(sql);
      const updated = await tx.dataset.update({
        where: { id: existing.id },
        data: {
          title: def.title,
          definition: def as unknown as Prisma.InputJsonValue,
          version: { increment: 1 },
        },
      });
      await recordAudit(
        actor,
        "dataset.update",
        { type: "dataset", id: def.name },
        { version: updated.version, changes: change.summary, forced: change.destructive.length > 0 },
        tx,
      );
      return {
        name: def.name,
        version: updated.version,
        created: false,
        changed: true,
        changes: change.summary,
      };
    },
    { timeout: 60_000 },
  );
}

export const datasetNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "not a dataset name");

/** A dataset with its parsed definition, or a NOT_FOUND error that names it. */
export async function getDataset(name: string) {
  const row = await db().dataset.findUnique({ where: { name } });
  if (!row) throw new AppError("NOT_FOUND", `No dataset named "${name}"`);
  return { ...row, definition: parseDefinition(row.definition) };
}

/** A dataset as the API and the console show it, listed or one at a time. */
function datasetJson(d: {
  name: string;
  title: string;
  version: number;
  definition: unknown;
  createdAt: Date;
  updatedAt: Date;
}) {
  return {
    name: d.name,
    title: d.title,
    version: d.version,
    definition: d.definition as DatasetDefinition,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export async function listDatasets() {
  const rows = await db().dataset.findMany({ orderBy: { name: "asc" } });
  return rows.map(datasetJson);
}

export async function datasetView(name: string) {
  return datasetJson(await getDataset(name));
}
