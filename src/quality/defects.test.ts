import { beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset, parseDefinition } from "@/datasets/registry";
import { db } from "@/db/prisma";
import { runScheduleNow } from "@/schedules/schedules";
import { createCaller } from "@/server/api/root";
import * as promoteRoute from "../../app/api/v1/batches/[id]/promote/route";
import * as qualityRoute from "../../app/api/v1/batches/[id]/quality/route";
import { makeApiKey, makeUser, setUpTestDatabase } from "../../test/database";
import { finishedJob, setUpUploadDir, setUpWorker, toCsv, uploadAccepted } from "../../test/ingest";
import type { QualityReportView } from "./report";

setUpTestDatabase();
setUpUploadDir();
setUpWorker(2);

/**
 * An analyst uploads a file with known defects: the report names each one with the right counts
 * and sample lines; the gate blocks promotion until an admin overrides with a reason; a second
 * batch shows drift against the first; the production check scores production.
 */
const ORDERS = {
  name: "orders",
  title: "Orders",
  key: ["order_id"],
  columns: [
    { name: "order_id", type: "integer", required: true },
    { name: "email", type: "email" },
    { name: "country", type: "enum", values: ["US", "GB", "DE"] },
    { name: "amount", type: "decimal", min: 0 },
    { name: "start_date", type: "date" },
    { name: "end_date", type: "date" },
    { name: "code", type: "text" },
  ],
  quality: {
    minScore: 80,
    minScores: { validity: 95 },
    rules: [{ left: "end_date", op: ">=", right: "start_date" }],
    freshness: { column: "end_date", maxAgeHours: 72 },
  },
};

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const header = ["order_id", "email", "country", "amount", "start_date", "end_date", "code"];
const good = (i: number, amount = i, country = i % 2 ? "US" : "GB") => [
  i,
  `buyer${i}@example.com`,
  country,
  amount,
  day(-2),
  day(0),
  `AB-${1000 + i}`,
];

/**
 * 20 data rows (lines 2–21). Defects: bad emails on lines 4 and 8, a negative amount on line 6,
 * an unknown country on line 10, order 1 repeated on line 13, end before start on lines 15 and 16,
 * and three empty emails (lines 18–20).
 */
function defectiveFile(): string {
  const rows: (string | number)[][] = [];
  for (let i = 1; i <= 20; i++) rows.push(good(i));
  rows[2]![1] = "not-an-email"; // line 4
  rows[6]![1] = "also@bad"; // line 8
  rows[4]![3] = "-5"; // line 6
  rows[8]![2] = "ZZ"; // line 10
  rows[11]![0] = 1; // line 13: repeats order 1
  rows[13]![5] = day(-5); // line 15: ends before it starts
  rows[14]![5] = day(-9); // line 16
  for (const i of [16, 17, 18]) rows[i]![1] = ""; // lines 18–20
  return toCsv([header, ...rows]);
}

let analyst: string;
let admin: string;

const getQuality = (batchId: string) =>
  qualityRoute.GET(
    new Request(`http://localhost/api/v1/batches/${batchId}/quality`, {
      headers: { authorization: `Bearer ${analyst}` },
    }),
    { params: Promise.resolve({ id: batchId }) },
  );

async function reportOf(batchId: string): Promise<QualityReportView> {
  return vi.waitFor(
    async () => {
      const res = await getQuality(batchId);
      expect(res.status).toBe(200);
      return res.json();
    },
    { timeout: 20_000, interval: 100 },
  );
}

const promote = (batchId: string, key: string, body?: unknown) =>
  promoteRoute.POST(
    new Request(`http://localhost/api/v1/batches/${batchId}/promote`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: batchId }) },
  );

async function stage(csv: string): Promise<string> {
  const accepted = await uploadAccepted(analyst, "orders", csv);
  expect((await finishedJob(analyst, accepted.jobId)).status).toBe("succeeded");
  return accepted.batchId;
}

let first: string;
let firstReport: QualityReportView;

beforeAll(async () => {
  analyst = (await makeApiKey("analyst")).key;
  admin = (await makeApiKey("admin")).key;
  await applyDataset(ORDERS, SYSTEM);
  first = await stage(defectiveFile());
  firstReport = await reportOf(first);
});

describe("the report of a file with known defects", () => {
  it("counts each rule violation with its share and sample lines", () => {
    const v = (column: string, rule: string) =>
      firstReport.violations.find((x) => x.column === column && x.rule === rule);
    // 20 data rows: 4 rejected by column rules, 1 duplicate, 15 staged.
    expect(firstReport.rows).toBe(15);
    expect(v("email", "type")).toMatchObject({ kind: "load", count: 2, percent: 10 });
    expect(v("email", "type")!.samples.map((s) => s.line)).toEqual([4, 8]);
    expect(v("email", "type")!.samples[0]).toMatchObject({ row: 3, value: "not-an-email" });
    expect(v("amount", "min")).toMatchObject({ count: 1, samples: [expect.objectContaining({ line: 6 })] });
    expect(v("country", "values")).toMatchObject({
      count: 1,
      samples: [expect.objectContaining({ line: 10, value: "ZZ" })],
    });
    expect(v("(key)", "duplicate")).toMatchObject({
      count: 1,
      samples: [expect.objectContaining({ line: 13 })],
    });
    const consistency = v("end_date, start_date", "end_date >= start_date");
    expect(consistency).toMatchObject({ kind: "consistency", count: 2 });
    expect(consistency!.samples.map((s) => s.line)).toEqual([15, 16]);
  });

  it("profiles columns: nulls, distincts, percentiles, histogram, lengths and shapes", () => {
    const p = (c: string) => firstReport.profiles.find((x) => x.column === c)!;
    // Staged: orders 1,2,4,6,8,10,11,13,14,15,16,17,18,19,20; emails empty on 17,18,19.
    expect(p("email")).toMatchObject({ filled: 12, nullPercent: 20, distinct: 12 });
    expect(p("email").patterns).toEqual([{ pattern: "a9@a.a", count: 12 }]);
    expect(p("amount").percentiles).toEqual({ p5: "1", p25: "6", p50: "13", p75: "17", p95: "20" });
    expect(p("amount").histogram!.counts.reduce((s, n) => s + n, 0)).toBe(15);
    expect(p("amount")).toMatchObject({ min: "1", max: "20", distinct: 15 });
    expect(p("code")).toMatchObject({
      minLength: 7,
      maxLength: 7,
      patterns: [{ pattern: "A-9", count: 15 }],
    });
    expect(p("country").values).toEqual([
      { value: "GB", count: 9 },
      { value: "US", count: 6 },
    ]);
    expect(p("email").invalid).toEqual({ type: 2 });
  });

  it("scores consistency and freshness, states how, and fails the validity minimum", () => {
    expect(firstReport.scores.validity.value).toBe(78.9); // 15 staged of 19 checked (the duplicate aside)
    expect(firstReport.scores.consistency).toMatchObject({ value: 86.7, weight: 0.15 }); // 13 of 15
    expect(firstReport.scores.consistency.how).toContain("end_date >= start_date");
    expect(firstReport.scores.freshness).toMatchObject({ value: 100 });
    expect(firstReport.scores.freshness.how).toContain("72 h");
    expect(firstReport.weights.validity).toBeGreaterThan(0);
    expect(firstReport.passed).toBe(false);
    expect(firstReport.gate.failures).toContainEqual({ score: "validity", value: 78.9, min: 95 });
    expect(firstReport.drift).toBeNull();
  });
});

describe("the quality gate at promotion", () => {
  it("blocks the failing batch, refuses an override without the admin role, and audits an admin's", async () => {
    const blocked = await promote(first, admin);
    expect(blocked.status).toBe(409);
    expect((await blocked.json()).error.message).toMatch(/fails its quality gate \(validity 78.9 < 95\)/);
    expect((await promote(first, analyst, { overrideReason: "I know better than the gate" })).status).toBe(
      403,
    );
    expect((await promote(first, admin, { overrideReason: "ok" })).status).toBe(400);
    const res = await promote(first, admin, { overrideReason: "Known bad emails; fixed upstream tomorrow" });
    expect(res.status).toBe(200);
    const { promotionId } = await res.json();
    const promotion = await db().promotion.findUnique({ where: { id: promotionId } });
    expect(promotion).toMatchObject({
      overrideReason: "Known bad emails; fixed upstream tomorrow",
      qualityScore: firstReport.overall,
    });
    const audit = await db().auditEvent.findFirst({
      where: { action: "quality.gate_override", targetId: first },
    });
    expect(audit?.details).toMatchObject({ reason: "Known bad emails; fixed upstream tomorrow" });
    expect(audit?.actor).toMatch(/^api-key:/);
  });

  it("shows drift of a second batch against the promoted one", async () => {
    const rows: (string | number)[][] = [];
    // 30 rows, amounts ten times larger, a country not seen before, more empty emails.
    for (let i = 101; i <= 130; i++) rows.push(good(i, i * 10, i % 3 ? "US" : "DE"));
    for (const r of rows.slice(0, 12)) r[1] = "";
    const second = await stage(toCsv([header, ...rows]));
    const report = await reportOf(second);
    expect(report.passed).toBe(true);
    const drift = report.drift!;
    expect(drift.against.batchId).toBe(first);
    expect(drift.rows).toMatchObject({ before: 15, after: 30, changePercent: 100, moved: true });
    const col = (c: string) => drift.columns.find((x) => x.column === c)!;
    expect(col("email").nullPercent).toEqual({ before: 20, after: 40, moved: true });
    expect(col("amount").psi).toMatchObject({ level: "major", moved: true });
    expect(col("country").newValues).toEqual([{ value: "DE", count: 10 }]);
    expect(col("code").psi).toBeUndefined();
    // Keys and unique text are not categories: no "new values" noise, no key distribution shift.
    expect(col("order_id").psi).toBeUndefined();
    expect(col("email").newValues).toBeUndefined();
    expect(col("order_id").distinct.moved).toBe(false);
    expect(drift.moved).toEqual(expect.arrayContaining([expect.stringContaining("country: new values DE")]));
    // A passing batch needs no override.
    const ok = await promote(second, admin);
    expect(ok.status).toBe(200);
    expect(
      (await db().promotion.findUnique({ where: { id: (await ok.json()).promotionId } }))?.overrideReason,
    ).toBeNull();
  });

  it("the production check, fired by its default schedule, records a production report", async () => {
    // The worker seeded the defaults at start; running one now fires it exactly as the 4-hourly tick does.
    await runScheduleNow("production-quality-check", SYSTEM);
    const report = await vi.waitFor(
      async () => {
        const r = await db().qualityReport.findFirst({
          where: { kind: "production", dataset: { name: "orders" } },
        });
        expect(r).not.toBeNull();
        return r!;
      },
      { timeout: 20_000, interval: 200 },
    );
    // Production: orders 101–130 plus the first batch's 15 (by key, none overlap).
    expect(report.rowCount).toBe(45);
    expect(report.batchId).toBeNull();
    const scores = report.scores as Record<string, { value: number | null }>;
    expect(scores.validity!.value).toBeNull();
    expect(scores.uniqueness!.value).toBe(100);
    expect(scores.consistency!.value).toBe(95.6); // 43 of 45: the two rows that end before they start
  });
});

describe("checking production on demand", () => {
  it("lets an operator queue the production check as a Sluice job, and refuses an analyst", async () => {
    const operator = await makeUser({ role: "operator" });
    const analystUser = await makeUser({ role: "analyst" });
    await expect(
      createCaller({ actor: analystUser.actor }).quality.checkProduction({ dataset: "orders" }),
    ).rejects.toThrow(/operator/);
    const before = await db().qualityReport.count({ where: { kind: "production" } });
    const { jobId } = await createCaller({ actor: operator.actor }).quality.checkProduction({
      dataset: "orders",
    });
    await vi.waitFor(
      async () => {
        const job = await db().job.findUnique({ where: { id: jobId } });
        expect(job?.status).toBe("succeeded");
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await db().qualityReport.count({ where: { kind: "production" } })).toBe(before + 1);
  });
});

describe("the quality section of a dataset definition", () => {
  const withQuality = (quality: object) => () => parseDefinition({ ...ORDERS, name: "q", quality });

  it("names the field when a rule or the freshness column is wrong", () => {
    expect(withQuality({ minScore: 90, rules: [{ left: "end_date", op: ">=", right: "nope" }] })).toThrow(
      /quality\.rules\[0\]\.right/,
    );
    expect(withQuality({ minScore: 90, rules: [{ left: "end_date", op: ">=", right: "amount" }] })).toThrow(
      /cannot compare end_date \(date\) with amount \(decimal\)/,
    );
    expect(withQuality({ minScore: 90, rules: [{ left: "a", op: "; DROP", right: "b" }] })).toThrow(/op/);
    expect(withQuality({ minScore: 90, freshness: { column: "code", maxAgeHours: 4 } })).toThrow(
      /quality\.freshness\.column.*date or timestamp/,
    );
    expect(withQuality({ minScore: 90, minScores: { speed: 50 } })).toThrow(/minScores/);
  });
});
