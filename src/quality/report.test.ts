import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as qualityRoute from "../../app/api/v1/batches/[id]/quality/route";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import {
  applySample,
  finishedJob,
  getJob,
  setUpUploadDir,
  setUpWorker,
  uploadAccepted,
} from "../../test/ingest";

setUpTestDatabase();
setUpUploadDir();
setUpWorker(2);

let key: string;
beforeAll(async () => {
  key = (await makeApiKey("analyst")).key;
  await applySample("listings");
});

const getQuality = (batchId: string) =>
  qualityRoute.GET(
    new Request(`http://localhost/api/v1/batches/${batchId}/quality`, {
      headers: { authorization: `Bearer ${key}` },
    }),
    { params: Promise.resolve({ id: batchId }) },
  );

async function reportOf(batchId: string) {
  return vi.waitFor(
    async () => {
      const res = await getQuality(batchId);
      expect(res.status).toBe(200);
      return res.json();
    },
    { timeout: 15_000, interval: 100 },
  );
}

describe("the quality report of a batch", () => {
  it("scores the sample's known defects, profiles its columns, and passes its gate", async () => {
    const accepted = await uploadAccepted(
      key,
      "listings",
      readFileSync("public/samples/listings.csv", "utf8"),
    );
    await finishedJob(key, accepted.jobId);
    const report = await reportOf(accepted.batchId);
    // 55 valid of 60 checked (5 broke rules; the duplicate is counted apart), 55 unique of 56.
    expect(report.scores.validity).toMatchObject({ value: 91.7, weight: 0.5, how: expect.any(String) });
    expect(report.scores.uniqueness).toMatchObject({ value: 98.2, weight: 0.25 });
    expect(report.scores.completeness.value).toBe(100);
    expect(report.scores.consistency.value).toBeNull();
    expect(report.overall).toBe(95.4);
    expect(report).toMatchObject({ passed: true, minScore: 90 });
    const rating = report.profiles.find((p: { column: string }) => p.column === "rating");
    expect(rating).toMatchObject({ type: "decimal", nullPercent: 0, invalid: { max: 1 } });
    expect(Number(rating.max)).toBeLessThanOrEqual(5);
    const id = report.profiles.find((p: { column: string }) => p.column === "external_id");
    expect(id.distinct).toBe(55);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ column: "(key)", rule: "duplicate", count: 1, kind: "load" }),
    );
    expect((await getJob(key, accepted.jobId)).qualityScore).toBe(95.4);
  });

  it("fails the gate for a batch whose rows are mostly invalid", async () => {
    const header = "external_id,domain,email,country,price,rating,created_at,url,name";
    const bad = Array.from(
      { length: 8 },
      (_, i) => `${i + 1},shop${i}.example.com,x,ZZ,1,9,2026-01-01T00:00:00Z,https://a.example/,n`,
    );
    const good = Array.from(
      { length: 2 },
      (_, i) => `${i + 100},ok${i}.example.com,a@b.co,US,1,4,2026-01-01T00:00:00Z,https://a.example/,n`,
    );
    const accepted = await uploadAccepted(key, "listings", [header, ...bad, ...good].join("\n"));
    await finishedJob(key, accepted.jobId);
    const report = await reportOf(accepted.batchId);
    expect(report.scores.validity.value).toBe(20);
    expect(report.passed).toBe(false);
  });

  it("answers 404 for an unknown batch", async () => {
    const res = await getQuality("00000000-0000-4000-8000-000000000000");
    expect(res.status).toBe(404);
  });
});
