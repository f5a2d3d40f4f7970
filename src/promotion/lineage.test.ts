import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset, parseDefinition } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { createCaller } from "@/server/api/root";
import * as lineageRoute from "../../app/api/v1/batches/[id]/lineage/route";
import * as historyRoute from "../../app/api/v1/datasets/[name]/history/route";
import * as productionRowsRoute from "../../app/api/v1/datasets/[name]/rows/route";
import { type ApiKeyActor, makeApiKey, setUpTestDatabase } from "../../test/database";
import { promotableJob, setUpUploadDir, setUpWorker, toCsv, uploadAccepted } from "../../test/ingest";
import { nextRoute } from "../../test/next-route";
import { restGet as get, TEST_BASE_URL } from "../../test/rest";
import { promoteBatch, revertPromotion } from "./promote";

setUpTestDatabase();
setUpUploadDir();
setUpWorker();

const listings = JSON.parse(readFileSync("src/datasets/samples/listings.json", "utf8"));
const header = ["external_id", "domain", "email", "country", "price", "rating", "created_at", "url", "name"];
const row = (i: number, name = `Shop ${i}`) => [
  i,
  `shop${i}.example.com`,
  `owner${i}@shop${i}.example.com`,
  "US",
  "10.00",
  "4.5",
  "2026-01-01T00:00:00Z",
  `https://shop${i}.example.com/`,
  name,
];

let admin: { key: string; actor: ApiKeyActor };
let analyst: { key: string; actor: ApiKeyActor };

async function stage(dataset: string, csv: string, fileName = `${dataset}.csv`) {
  const accepted = await uploadAccepted(admin.key, dataset, csv, { fileName });
  expect((await promotableJob(admin.key, accepted.jobId)).status).toBe("succeeded");
  return accepted;
}

/** Waits until the batch's quality report is stored (the task after staging). */
const reportOf = (batchId: string) =>
  vi.waitFor(
    async () => {
      const r = await db().qualityReport.findUnique({ where: { batchId } });
      expect(r).not.toBeNull();
      return r!;
    },
    { timeout: 20_000, interval: 100 },
  );

beforeAll(async () => {
  admin = await makeApiKey("admin");
  analyst = await makeApiKey("analyst");
  await applyDataset({ ...listings, name: "manual", title: "Promoted by hand" }, SYSTEM);
  await applyDataset(
    { ...listings, name: "auto", title: "Promoted automatically", promotion: { auto: true } },
    SYSTEM,
  );
  await applyDataset(
    {
      ...listings,
      name: "auto_strict",
      title: "Auto, but a gate nothing passes",
      quality: { minScore: 100 },
      promotion: { auto: true },
    },
    SYSTEM,
  );
});

describe("the auto-promotion setting of a definition", () => {
  it("is a boolean under promotion, and a wrong value is reported with its field", () => {
    expect(parseDefinition({ ...listings, promotion: { auto: true } }).promotion).toEqual({
      mode: "upsert",
      auto: true,
    });
    expect(() => parseDefinition({ ...listings, promotion: { auto: "yes" } })).toThrow(/promotion\.auto/);
    expect(() => parseDefinition({ ...listings, promotion: { automatic: true } })).toThrow(/promotion/);
  });
});

describe("auto-promotion", () => {
  it("promotes a batch whose quality gate passes by itself, as the system, audited as auto, and it reverts like any other", async () => {
    const accepted = await stage("auto", toCsv([header, row(1), row(2), row(3)]));
    const promotion = await vi.waitFor(
      async () => {
        const p = await db().promotion.findFirst({ where: { batchId: accepted.batchId } });
        expect(p).not.toBeNull();
        return p!;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(promotion).toMatchObject({ auto: true, createdBy: "system", inserted: 3, status: "applied" });
    const { rows: prod } = await pool().query("SELECT count(*)::int AS n FROM production.auto");
    expect(prod[0].n).toBe(3);
    const audit = await pool().query(
      "SELECT actor, actor_id, details FROM app.audit_events WHERE action = 'promotion.auto_apply' AND target_id = $1",
      [accepted.batchId],
    );
    expect(audit.rows).toEqual([
      { actor: "system", actor_id: null, details: expect.objectContaining({ inserted: 3 }) },
    ]);

    await revertPromotion(promotion.id, admin.actor);
    const { rows: after } = await pool().query("SELECT count(*)::int AS n FROM production.auto");
    expect(after[0].n).toBe(0);
    // Reverted, the batch can be promoted again, by hand.
    await expect(promoteBatch(accepted.batchId, admin.actor)).resolves.toMatchObject({ inserted: 3 });
  });

  it("leaves a batch whose gate fails staged, and a dataset that has not opted in is never promoted by itself", async () => {
    const strict = await stage(
      "auto_strict",
      toCsv([header, row(10), [11, "not a domain", "x", "US", "1", "1", "", "", "n"]]),
    );
    const manual = await stage("manual", toCsv([header, row(20)]));
    expect((await reportOf(strict.batchId)).passed).toBe(false);
    expect((await reportOf(manual.batchId)).passed).toBe(true);
    // Give a wrongly queued auto_promote every chance to run before looking.
    await new Promise((r) => setTimeout(r, 1500));
    const { rows: queued } = await pool().query(
      "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'auto_promote'",
    );
    expect(queued[0].n).toBe(0);
    expect(await db().promotion.count({ where: { batchId: { in: [strict.batchId, manual.batchId] } } })).toBe(
      0,
    );
  });
});

describe("lineage", () => {
  it("follows a batch from its upload (name, SHA-256, who, when) through job, quality and promotions to production", async () => {
    const csv = toCsv([header, row(100), row(101)]);
    const accepted = await stage("manual", csv, "lineage-first.csv");
    await reportOf(accepted.batchId);
    const promoted = await promoteBatch(accepted.batchId, admin.actor);

    const res = await get(
      lineageRoute,
      `/api/v1/batches/${accepted.batchId}/lineage`,
      { id: accepted.batchId },
      analyst.key,
    );
    expect(res.status).toBe(200);
    const lineage = await res.json();
    expect(lineage).toMatchObject({
      dataset: { name: "manual" },
      upload: {
        fileName: "lineage-first.csv",
        sha256: createHash("sha256").update(csv).digest("hex"),
        bytes: Buffer.byteLength(csv),
        uploadedBy: expect.stringMatching(/^api-key:/),
        uploadedAt: expect.any(String),
      },
      job: { id: accepted.jobId, status: "succeeded" },
      batch: { id: accepted.batchId, status: "staged", valid: 2 },
      quality: { passed: true, overall: expect.any(Number) },
      promotions: [{ id: promoted.promotionId, status: "applied", inserted: 2, auto: false }],
      production: { rowsFromBatch: 2, inProduction: true },
    });

    const anonymous = nextRoute(lineageRoute, "/api/v1/batches/[id]/lineage");
    const noKey = await anonymous(
      new Request(`${TEST_BASE_URL}/api/v1/batches/${accepted.batchId}/lineage`),
      {
        id: accepted.batchId,
      },
    );
    expect(noKey.status).toBe(401);
    expect((await get(lineageRoute, "", { id: "not-a-uuid" }, analyst.key)).status).toBe(400);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await get(lineageRoute, "", { id: missing }, analyst.key)).status).toBe(404);
  });

  it("names for each production row the batch that last wrote it, and a row's lineage follows it there", async () => {
    const first = await stage("manual", toCsv([header, row(200), row(201)]), "rows-first.csv");
    await promoteBatch(first.batchId, admin.actor);
    const second = await stage("manual", toCsv([header, row(201, "Renamed")]), "rows-second.csv");
    await promoteBatch(second.batchId, admin.actor);

    const res = await get(
      productionRowsRoute,
      "/api/v1/datasets/manual/rows?filter[external_id]=200&limit=10",
      { name: "manual" },
      analyst.key,
    );
    const page = await res.json();
    expect(page.rows).toEqual([expect.objectContaining({ external_id: 200, _batch_id: first.batchId })]);
    const renamed = await (
      await get(
        productionRowsRoute,
        "/api/v1/datasets/manual/rows?filter[external_id]=201",
        { name: "manual" },
        analyst.key,
      )
    ).json();
    expect(renamed.rows[0]).toMatchObject({ name: "Renamed", _batch_id: second.batchId });

    const caller = createCaller({ actor: analyst.actor });
    const rowLineage = await caller.datasets.rowLineage({ name: "manual", key: { external_id: 201 } });
    expect(rowLineage.batch.id).toBe(second.batchId);
    expect(rowLineage.upload.fileName).toBe("rows-second.csv");
    expect(rowLineage.row).toMatchObject({
      key: { external_id: 201 },
      values: { name: "Renamed", created_at: "2026-01-01 00:00:00+00" },
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    // The analyst sees the row's personal data masked here too.
    expect(rowLineage.row?.values.email).toBe("***");
    await expect(
      caller.datasets.rowLineage({ name: "manual", key: { external_id: 999999 } }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(caller.datasets.rowLineage({ name: "manual", key: { name: "x" } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("missing external_id"),
    });
    // tRPC and REST answer the same lineage for a batch.
    const viaTrpc = await caller.batches.lineage({ batchId: second.batchId });
    const viaRest = await (await get(lineageRoute, "", { id: second.batchId }, analyst.key)).json();
    expect(viaRest).toEqual(JSON.parse(JSON.stringify(viaTrpc)));
  });
});

describe("a dataset's history", () => {
  it("lists promotions and reverts over time with their counts and production's size after each", async () => {
    await applyDataset({ ...listings, name: "timeline", title: "Timeline" }, SYSTEM);
    const a = await stage("timeline", toCsv([header, row(1), row(2), row(3)]), "a.csv");
    const pa = await promoteBatch(a.batchId, admin.actor);
    const b = await stage("timeline", toCsv([header, row(3, "Changed"), row(4)]), "b.csv");
    const pb = await promoteBatch(b.batchId, admin.actor);
    await revertPromotion(pb.promotionId, admin.actor);

    const res = await get(
      historyRoute,
      "/api/v1/datasets/timeline/history",
      { name: "timeline" },
      analyst.key,
    );
    expect(res.status).toBe(200);
    const history = await res.json();
    expect(history).toMatchObject({ dataset: "timeline", productionRows: 3, promotions: 2, reverts: 1 });
    expect(
      history.events.map((e: Record<string, unknown>) => [
        e.kind,
        e.fileName,
        e.inserted,
        e.updated,
        e.rowsAfter,
        e.by,
      ]),
    ).toEqual([
      ["revert", "b.csv", 1, 1, 3, expect.stringMatching(/^api-key:/)],
      ["promotion", "b.csv", 1, 1, 4, expect.stringMatching(/^api-key:/)],
      ["promotion", "a.csv", 3, 0, 3, expect.stringMatching(/^api-key:/)],
    ]);
    expect(history.events[2].promotionId).toBe(pa.promotionId);
    expect(history.events[0].status).toBe("reverted");
  });
});
