import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import * as promoteRoute from "../../app/api/v1/batches/[id]/promote/route";
import * as revertRoute from "../../app/api/v1/promotions/[id]/revert/route";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import {
  applySample,
  finishedJob,
  setUpUploadDir,
  setUpWorker,
  toCsv,
  uploadAccepted,
} from "../../test/ingest";
import { previewPromotion } from "./preview";

/** Promotion is gated on the batch's quality report, computed by a worker just after staging. */
async function reportReady(batchId: string) {
  await vi.waitFor(
    async () => {
      const { rows } = await pool().query("SELECT 1 FROM app.quality_reports WHERE batch_id = $1", [batchId]);
      expect(rows).toHaveLength(1);
    },
    { timeout: 15_000, interval: 100 },
  );
}

setUpTestDatabase();
setUpUploadDir();
setUpWorker();

const BASE = "http://localhost:3000";
const post = (
  route: { POST: (r: Request, c: { params: Promise<{ id: string }> }) => Promise<Response> },
  path: string,
  id: string,
  key: string,
) =>
  route.POST(new Request(`${BASE}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({ id }),
  });

/** A checksum of the whole production table, row order independent, including Sluice's own columns. */
async function productionChecksum(dataset: string): Promise<string> {
  const { rows } = await pool().query(
    `SELECT md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS sum, count(*)::int AS n FROM production.${dataset} t`,
  );
  return `${rows[0].n}:${rows[0].sum}`;
}

let admin: string;
let analyst: string;
let operator: string;

async function stage(csv: string, fileName: string): Promise<string> {
  const accepted = await uploadAccepted(admin, "listings", csv, { fileName });
  const job = await finishedJob(admin, accepted.jobId);
  expect(job.status).toBe("succeeded");
  await reportReady(accepted.batchId);
  return accepted.batchId;
}

const header = ["external_id", "domain", "email", "country", "price", "rating", "created_at", "url", "name"];
const row = (i: number, name = `Shop ${i}`, price = "10.00") => [
  i,
  `shop${i}.example.com`,
  `info@shop${i}.example.com`,
  "US",
  price,
  "4.5",
  "2026-01-01T00:00:00Z",
  `https://shop${i}.example.com/`,
  name,
];

beforeAll(async () => {
  admin = (await makeApiKey("admin")).key;
  analyst = (await makeApiKey("analyst")).key;
  operator = (await makeApiKey("operator")).key;
  await applySample("listings");
});

describe("promoting a batch", () => {
  it("applies the sample, answers the counts, and refuses to promote it twice (409)", async () => {
    const batchId = await stage(readFileSync("public/samples/listings.csv", "utf8"), "listings.csv");
    const res = await post(promoteRoute, `/api/v1/batches/${batchId}/promote`, batchId, admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      promotionId: expect.any(String),
      inserted: 55,
      updated: 0,
      unchanged: 0,
    });
    const { rows } = await pool().query(
      "SELECT count(*)::int AS n FROM production.listings WHERE _batch_id = $1",
      [batchId],
    );
    expect(rows[0].n).toBe(55);

    const audit = await pool().query(
      "SELECT actor, details FROM app.audit_events WHERE action = 'promotion.apply' AND target_id = $1",
      [batchId],
    );
    expect(audit.rows).toEqual([
      { actor: expect.stringMatching(/^api-key:/), details: expect.objectContaining({ inserted: 55 }) },
    ]);

    const again = await post(promoteRoute, `/api/v1/batches/${batchId}/promote`, batchId, admin);
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toMatch(/already in production/);
  });

  it("refuses analysts and operators (403)", async () => {
    const batchId = await stage(toCsv([header, row(900)]), "one.csv");
    for (const key of [analyst, operator]) {
      const res = await post(promoteRoute, `/api/v1/batches/${batchId}/promote`, batchId, key);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("FORBIDDEN");
    }
    const rev = await post(
      revertRoute,
      "/api/v1/promotions/x/revert",
      "00000000-0000-4000-8000-000000000000",
      analyst,
    );
    expect(rev.status).toBe(403);
  });

  it("previews inserts, updates with old and new side by side, and unchanged rows", async () => {
    const base = await stage(toCsv([header, row(1000), row(1001), row(1002)]), "base.csv");
    await post(promoteRoute, `/api/v1/batches/${base}/promote`, base, admin);
    const next = await stage(
      toCsv([header, row(1000), row(1001, "Renamed shop", "12.50"), row(1003)]),
      "next.csv",
    );
    const preview = await previewPromotion(next, "admin");
    expect(preview).toMatchObject({ insert: 1, update: 1, unchanged: 1, mode: "upsert" });
    expect(preview.sampleChanged[0]).toMatchObject({
      key: { external_id: "1001" },
      before: { name: "Shop 1001", price: "10.00" },
      after: { name: "Renamed shop", price: "12.50" },
      changed: ["price", "name"],
    });
  });

  it("reverts to production exactly as it was (checksums equal), then the batch can be promoted again", async () => {
    const before = await productionChecksum("listings");
    const batchId = await stage(
      toCsv([header, row(1000, "Changed again"), row(1002), row(2000)]),
      "change.csv",
    );
    const res = await post(promoteRoute, `/api/v1/batches/${batchId}/promote`, batchId, admin);
    const promotion = await res.json();
    expect(promotion).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
    expect(await productionChecksum("listings")).not.toBe(before);

    const reverted = await post(
      revertRoute,
      `/api/v1/promotions/${promotion.promotionId}/revert`,
      promotion.promotionId,
      admin,
    );
    expect(reverted.status).toBe(200);
    expect(await productionChecksum("listings")).toBe(before);

    const again = await post(promoteRoute, `/api/v1/batches/${batchId}/promote`, batchId, admin);
    expect(again.status).toBe(200);
  });

  it("refuses to revert a promotion that a later one builds on", async () => {
    const a = await stage(toCsv([header, row(3000)]), "a.csv");
    const pa = await (await post(promoteRoute, `/api/v1/batches/${a}/promote`, a, admin)).json();
    const b = await stage(toCsv([header, row(3000, "B")]), "b.csv");
    const pb = await (await post(promoteRoute, `/api/v1/batches/${b}/promote`, b, admin)).json();
    const res = await post(revertRoute, `/api/v1/promotions/${pa.promotionId}/revert`, pa.promotionId, admin);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain(pb.promotionId);
    expect((await post(revertRoute, "", pb.promotionId, admin)).status).toBe(200);
    expect((await post(revertRoute, "", pa.promotionId, admin)).status).toBe(200);
  });

  it("in replace mode deletes rows missing from the batch, and a revert brings them back", async () => {
    const def = JSON.parse(readFileSync("src/datasets/samples/domains.json", "utf8"));
    await applyDataset(
      { ...def, name: "replaced", title: "Replace mode", promotion: { mode: "replace" } },
      SYSTEM,
    );
    const h = ["domain", "keyword", "country", "device", "priority", "requested_at"];
    const r = (d: string) => [d, "shoes", "US", "mobile", 1, "2026-11-20T10:00:00Z"];
    const first = await uploadAccepted(admin, "replaced", toCsv([h, r("a.example.com"), r("b.example.com")]));
    await finishedJob(admin, first.jobId);
    await reportReady(first.batchId);
    await post(promoteRoute, "", first.batchId, admin);
    const before = await productionChecksum("replaced");
    const second = await uploadAccepted(
      admin,
      "replaced",
      toCsv([h, r("b.example.com"), r("c.example.com")]),
    );
    await finishedJob(admin, second.jobId);
    await reportReady(second.batchId);
    const res = await (await post(promoteRoute, "", second.batchId, admin)).json();
    expect(res).toMatchObject({ inserted: 1, updated: 0, unchanged: 1, deleted: 1 });
    await post(revertRoute, "", res.promotionId, admin);
    expect(await productionChecksum("replaced")).toBe(before);
  });
});
