import { z } from "zod";
import { IDENTIFIER } from "@/db/identifiers";

/**
 * The dataset definition: the contract of DESIGN.md ("extend it, don't break it"). Validated as a
 * whole before anything changes; every error names the field it is about (e.g. `columns[3].max`).
 */
export const COLUMN_TYPES = [
  "text",
  "integer",
  "decimal",
  "boolean",
  "date",
  "timestamp",
  "email",
  "url",
  "domain",
  "enum",
] as const;
export const NORMALIZERS = ["trim", "lowercase", "uppercase", "collapse_whitespace"] as const;

/** Column names Sluice keeps for itself in staging and production tables. */
export const RESERVED_COLUMNS = ["_batch_id", "_row", "_hash", "_change", "_updated_at"] as const;

const identifier = z
  .string()
  .regex(IDENTIFIER, "must be a lower-case identifier: a letter, then letters, digits or _ (63 at most)");

export const columnSchema = z
  .object({
    name: identifier.refine((n) => !n.startsWith("_"), "must not start with _ (reserved for Sluice)"),
    type: z.enum(COLUMN_TYPES),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    required: z.boolean().optional(),
    normalize: z.array(z.enum(NORMALIZERS)).optional(),
    aliases: z.array(z.string().min(1).max(200)).optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).optional(),
    pattern: z.string().max(1000).optional(),
    values: z.array(z.string().min(1).max(200)).min(1).optional(),
    pii: z.boolean().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.type === "enum" && !c.values) {
      ctx.addIssue({ code: "custom", path: ["values"], message: "an enum column needs `values`" });
    }
    if (c.type !== "enum" && c.values) {
      ctx.addIssue({ code: "custom", path: ["values"], message: "`values` only applies to enum columns" });
    }
    if ((c.min !== undefined || c.max !== undefined) && !["integer", "decimal"].includes(c.type)) {
      ctx.addIssue({
        code: "custom",
        path: [c.min !== undefined ? "min" : "max"],
        message: `min/max are numbers and apply to integer and decimal columns, not ${c.type}`,
      });
    }
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
      ctx.addIssue({ code: "custom", path: ["max"], message: "max must be at least min" });
    }
    if (c.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength) {
      ctx.addIssue({ code: "custom", path: ["maxLength"], message: "maxLength must be at least minLength" });
    }
    if (c.pattern !== undefined) {
      try {
        new RegExp(c.pattern, "u");
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          path: ["pattern"],
          message: `not a valid regular expression: ${(err as Error).message}`,
        });
      }
    }
  });

export const SCORE_NAMES = ["completeness", "validity", "uniqueness", "consistency", "freshness"] as const;
export const RULE_OPERATORS = ["<", "<=", "=", "<>", ">=", ">"] as const;

/**
 * A cross-field rule (`end_date >= start_date`): a structure over column names and one of six
 * comparisons, never free SQL. Rows where either side is empty are not judged.
 */
export const consistencyRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    left: identifier,
    op: z.enum(RULE_OPERATORS),
    right: identifier,
  })
  .strict();

const qualitySchema = z
  .object({
    minScore: z.number().min(0).max(100).default(90),
    /** Per-score minimums, on top of `minScore` for the overall score. */
    minScores: z.partialRecord(z.enum(SCORE_NAMES), z.number().min(0).max(100)).optional(),
    /** Cross-field rules; the consistency score is the share of rows passing all of them. */
    rules: z.array(consistencyRuleSchema).max(50).optional(),
    /** The newest value of `column` should be at most `maxAgeHours` old. */
    freshness: z
      .object({
        column: identifier,
        maxAgeHours: z
          .number()
          .positive()
          .max(24 * 366 * 10),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConsistencyRule = z.infer<typeof consistencyRuleSchema>;

/** `end_date >= start_date`, or the rule's own name. */
export const ruleLabel = (r: ConsistencyRule) => r.name ?? `${r.left} ${r.op} ${r.right}`;

const COMPARABLE: Record<string, string> = {
  integer: "number",
  decimal: "number",
  date: "time",
  timestamp: "time",
  boolean: "boolean",
};
const kindOf = (type: string) => COMPARABLE[type] ?? "text";

export const datasetDefinitionSchema = z
  .object({
    name: identifier,
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).optional(),
    key: z.array(identifier).default([]),
    columns: z.array(columnSchema).min(1, "a dataset needs at least one column").max(400),
    quality: qualitySchema.default({ minScore: 90 }),
    promotion: z
      .object({ mode: z.enum(["upsert", "replace"]).default("upsert"), auto: z.boolean().default(false) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const seen = new Map<string, number>();
    d.columns.forEach((c, i) => {
      const before = seen.get(c.name);
      if (before !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["columns", i, "name"],
          message: `duplicates columns[${before}].name "${c.name}"`,
        });
      }
      seen.set(c.name, i);
    });
    d.key.forEach((k, i) => {
      const col = seen.get(k);
      if (col === undefined) {
        ctx.addIssue({ code: "custom", path: ["key", i], message: `"${k}" is not one of the columns` });
      }
    });
    if (new Set(d.key).size !== d.key.length) {
      ctx.addIssue({ code: "custom", path: ["key"], message: "names a column twice" });
    }
    const typeOf = new Map(d.columns.map((c) => [c.name, c.type]));
    d.quality.rules?.forEach((r, i) => {
      for (const side of ["left", "right"] as const) {
        if (!typeOf.has(r[side])) {
          ctx.addIssue({
            code: "custom",
            path: ["quality", "rules", i, side],
            message: `"${r[side]}" is not one of the columns`,
          });
        }
      }
      const [l, rt] = [typeOf.get(r.left), typeOf.get(r.right)];
      if (l && rt && kindOf(l) !== kindOf(rt)) {
        ctx.addIssue({
          code: "custom",
          path: ["quality", "rules", i, "right"],
          message: `cannot compare ${r.left} (${l}) with ${r.right} (${rt})`,
        });
      }
    });
    const fresh = d.quality.freshness;
    if (fresh) {
      const t = typeOf.get(fresh.column);
      if (!t) {
        ctx.addIssue({
          code: "custom",
          path: ["quality", "freshness", "column"],
          message: `"${fresh.column}" is not one of the columns`,
        });
      } else if (t !== "date" && t !== "timestamp") {
        ctx.addIssue({
          code: "custom",
          path: ["quality", "freshness", "column"],
          message: `freshness needs a date or timestamp column; ${fresh.column} is ${t}`,
        });
      }
    }
  });

export type DatasetDefinition = z.infer<typeof datasetDefinitionSchema>;
export type DatasetDefinitionInput = z.input<typeof datasetDefinitionSchema>;
export type ColumnDefinition = DatasetDefinition["columns"][number];
export type ColumnType = ColumnDefinition["type"];

/** `columns[3].max: max must be at least min` — the form every door reports definition errors in. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    "",
  );
}
