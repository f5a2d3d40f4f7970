import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { createCaller } from "@/server/api/root";
import * as downloadRoute from "../../app/api/v1/backups/[id]/download/route";
import * as restoreRoute from "../../app/api/v1/backups/[id]/restore/route";
import * as oneRoute from "../../app/api/v1/backups/[id]/route";
import * as verifyRoute from "../../app/api/v1/backups/[id]/verify/route";
import * as backupsRoute from "../../app/api/v1/backups/route";
import * as promoteRoute from "../../app/api/v1/batches/[id]/promote/route";
import { makeApiKey, makeUser, setUpTestDatabase } from "../../test/database";
import {
  applySample,
  finishedJob,
  promotableJob,
  setUpUploadDir,
  setUpWorker,
  toCsv,
  uploadAccepted,
} from "../../test/ingest";
import { readArchive } from "./archive";
import { type BackupRow, insertBackupRow } from "./catalog";
import { runBackup } from "./engine";
import { applyRetention, backupsToDelete } from "./retention";

setUpTestDatabase();
setUpUploadDir();
setUpWorker();

const BASE = "http://localhost:3000";
let backupDir = "";
let admin: string;
let analyst: string;
let operator: string;

beforeAll(async () => {
  backupDir = await mkdtemp(path.join(tmpdir(), "sluice-backups-"));
  vi.stubEnv("BACKUP_DIR", backupDir);
  vi.stubEnv("BACKUP_ENCRYPTION_KEY", "");
  admin = (await makeApiKey("admin")).key;
  analyst = (await makeApiKey("analyst")).key;
  operator = (await makeApiKey("operator")).key;
  await applySample("listings");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(backupDir, { recursive: true, force: true });
});

type Route = { [m: string]: (r: Request, c: { params: Promise<{ id: string }> }) => Promise<Response> };
function call(route: Route, method: string, key: string, id = "", body?: unknown): Promise<Response> {
  const req = new Request(`${BASE}/api/v1/backups/${id}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return route[method]!(req, { params: Promise.resolve({ id }) });
}

const header = ["external_id", "domain", "email", "country", "price", "rating", "created_at", "url", "name"];
const row = (i: number, name = `Shop ${i}`) => [
  i,
  `shop${i}.example.com`,
  `info@shop${i}.example.com`,
  "US",
  "10.00",
  "4.5",
  "2026-01-01T00:00:00Z",
  `https://shop${i}.example.com/`,
  name,
];

async function stageAndPromote(rows: (string | number)[][]): Promise<string> {
  const accepted = await uploadAccepted(admin, "listings", toCsv([header, ...rows]), {
    fileName: `b-${randomBytes(3).toString("hex")}.csv`,
  });
  expect((await promotableJob(admin, accepted.jobId)).status).toBe("succeeded");
  const res = await promoteRoute.POST(
    new Request(`${BASE}/x`, { method: "POST", headers: { authorization: `Bearer ${admin}` } }),
    { params: Promise.resolve({ id: accepted.batchId }) },
  );
  expect(res.status).toBe(200);
  return accepted.batchId;
}

/** Row-order independent checksum of every table a restore puts back. */
async function checksums(): Promise<Record<string, string>> {
  const tables = [
    "production.listings",
    "staging.listings",
    "history.listings",
    "app.datasets",
    "app.batches",
    "app.uploads",
    "app.promotions",
    "app.quality_reports",
    "app.batch_chunks",
  ];
  const out: Record<string, string> = {};
  for (const t of tables) {
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) AS sum FROM ${t} x`,
    );
    out[t] = `${rows[0].n}:${rows[0].sum}`;
  }
  return out;
}

async function backupNow(reason = "test"): Promise<BackupRow> {
  const res = await call(backupsRoute as unknown as Route, "POST", admin, "", { reason });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(202);
  await finishedJob(admin, body.jobId, 60_000);
  return getOne(body.backupId);
}

async function getOne(id: string): Promise<BackupRow> {
  const res = await call(oneRoute as unknown as Route, "GET", admin, id);
  expect(res.status).toBe(200);
  return (await res.json()) as BackupRow;
}

async function verify(id: string): Promise<BackupRow> {
  const res = await call(verifyRoute as unknown as Route, "POST", admin, id);
  expect(res.status).toBe(202);
  await finishedJob(admin, (await res.json()).jobId, 60_000);
  return getOne(id);
}

/** Flips one byte inside the first data part of the archive. */
async function flipByte(id: string): Promise<void> {
  const file = path.join(backupDir, `${id}.tar`);
  const bytes = await readFile(file);
  // The entry's 512-byte header starts with its name (block-aligned); its data follows.
  let at = bytes.indexOf(Buffer.from("parts/0001"));
  while (at % 512 !== 0) at = bytes.indexOf(Buffer.from("parts/0001"), at + 1);
  expect(at).toBeGreaterThan(0);
  const dataStart = at + 512;
  bytes[dataStart + 20] = bytes[dataStart + 20]! ^ 0xff;
  await writeFile(file, bytes);
}

describe("backup and restore", () => {
  it("round trip: backs up, a later promotion changes data, restore makes every table identical to the backup", async () => {
    await stageAndPromote([row(1), row(2), row(3)]);
    const before = await checksums();
    const backup = await backupNow("before the second batch");
    expect(backup).toMatchObject({
      status: "succeeded",
      trigger: "manual",
      engine: "builtin",
      encrypted: false,
    });
    expect(backup.rowCounts["production.listings"]).toBe(3);
    expect(backup.sizeBytes).toBeGreaterThan(0);

    await stageAndPromote([row(2, "Renamed"), row(4), row(5)]);
    expect(await checksums()).not.toEqual(before);
    const laterUser = await makeUser({ role: "operator" });
    const laterKey = await makeApiKey("analyst");
    const auditBefore = await pool().query("SELECT count(*)::int AS n FROM app.audit_events");

    const preview = await (await call(restoreRoute as unknown as Route, "GET", admin, backup.id)).json();
    expect(preview.refusal).toBeNull();
    expect(preview.tables).toContainEqual({
      table: "production.listings",
      rowsNow: 5,
      rowsInBackup: 3,
      mode: "replace",
    });
    expect(preview.promotionsUndone).toHaveLength(1);

    const res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await checksums()).toEqual(before);
    const audit = await pool().query(
      "SELECT count(*)::int AS n FROM app.audit_events WHERE action = 'backup.restore'",
    );
    expect(audit.rows[0].n).toBe(1);
    // Users, API keys, the audit log and the catalog only move forward.
    const kept = await pool().query(
      "SELECT (SELECT count(*) FROM app.users WHERE id = $1)::int AS users, (SELECT count(*) FROM app.api_keys WHERE id = $2)::int AS keys, (SELECT count(*) FROM app.audit_events)::int AS audit",
      [laterUser.user.id, laterKey.id],
    );
    expect(kept.rows[0]).toEqual({ users: 1, keys: 1, audit: auditBefore.rows[0].n + 1 });
    expect((await getOne(backup.id)).status).toBe("succeeded");
    // The pipeline works on the restored tables: a new batch promotes.
    await stageAndPromote([row(6)]);
  });

  it("restores one dataset from a backup, leaving the rest as it is", async () => {
    const backup = await backupNow();
    const before = await checksums();
    await stageAndPromote([row(7), row(8)]);
    const res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {
      dataset: "listings",
    });
    expect(res.status).toBe(200);
    expect(await checksums()).toEqual(before);
    const missing = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {
      dataset: "nope",
    });
    expect(missing.status).toBe(404);
  });

  it("is all-or-nothing: a restore that fails midway leaves every table as it was", async () => {
    const backup = await backupNow();
    await stageAndPromote([row(9)]);
    // Something outside Sluice's backup holds on to the current dataset row: deleting it must fail.
    await pool().query(
      "CREATE TABLE public.blocker (dataset_id uuid REFERENCES app.datasets(id)); INSERT INTO public.blocker SELECT id FROM app.datasets",
    );
    try {
      const before = await checksums();
      const res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
      expect(res.status).toBe(409);
      expect((await res.json()).error.message).toMatch(/rolled back; nothing changed: .*blocker/);
      expect(await checksums()).toEqual(before);
    } finally {
      await pool().query("DROP TABLE public.blocker");
    }
  });

  it("waits for pipeline work on the dataset (a promotion in flight) before touching it", async () => {
    const backup = await backupNow();
    const holder = await pool().connect();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock(hashtext('promote:' || 'listings'))");
    let done = false;
    const restoring = call(restoreRoute as unknown as Route, "POST", admin, backup.id, {}).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 750));
    expect(done).toBe(false);
    await holder.query("COMMIT");
    holder.release();
    expect((await restoring).status).toBe(200);
  });

  it("verify passes on a good archive, catches a flipped byte, and restore then refuses without touching data", async () => {
    const backup = await backupNow();
    const ok = await verify(backup.id);
    expect(ok.verifyOk).toBe(true);
    expect(ok.verifyMessage).toMatch(/trial restore/);

    await flipByte(backup.id);
    const bad = await verify(backup.id);
    expect(bad.verifyOk).toBe(false);
    expect(bad.verifyMessage).toMatch(/checksum mismatch/);

    const before = await checksums();
    const res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/damaged: checksum mismatch/);
    expect(await checksums()).toEqual(before);
  });

  it("still verifies and restores archives made before brotli (gzip parts, plain and encrypted)", async () => {
    // Made by the engine as it was before brotli became the default: parts/NNNN.copy.gz[.enc].
    const fixtures = [
      { file: "v1-gzip.tar", id: "ef1b97d6-54e1-4e63-b866-7873c5a408c6", key: "" },
      {
        file: "v1-gzip-encrypted.tar",
        id: "b9c6598f-9b8c-444c-abea-6629e69ecea7",
        key: Buffer.from("sluice-test-fixture-key-32-bytes").toString("base64"),
      },
    ];
    for (const f of fixtures) {
      await copyFile(path.join(import.meta.dirname, "fixtures", f.file), path.join(backupDir, `${f.id}.tar`));
      await insertBackupRow(pool(), {
        id: f.id,
        trigger: "manual",
        reason: "fixture",
        actor: SYSTEM,
        jobId: null,
      });
      await pool().query("UPDATE app.backups SET status = 'succeeded', encrypted = $2 WHERE id = $1", [
        f.id,
        f.key !== "",
      ]);
      vi.stubEnv("BACKUP_ENCRYPTION_KEY", f.key);
      const verified = await verify(f.id);
      expect(verified.verifyMessage).toMatch(/trial restore of 12 tables \(25 rows\)/);
      expect(verified.verifyOk).toBe(true);
    }
    vi.stubEnv("BACKUP_ENCRYPTION_KEY", "");

    // Restore the old archive over today's data, then today's backup over it again.
    const now = await backupNow("before restoring the old archive");
    const before = await checksums();
    const res = await call(restoreRoute as unknown as Route, "POST", admin, fixtures[0]!.id, {});
    expect(res.status, await res.clone().text()).toBe(200);
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n, md5(string_agg(md5(x::text), '' ORDER BY external_id)) AS sum
       FROM (SELECT external_id, domain, email, country, price, rating, created_at, url, name FROM production.listings) x`,
    );
    // The six rows the fixture was made from (odd names included: a backslash, Unicode, a NULL).
    expect(rows[0]).toEqual({ n: 6, sum: "53576e4fae82f3dd5cf46b8cbe453ceb" });
    expect((await call(restoreRoute as unknown as Route, "POST", admin, now.id, {})).status).toBe(200);
    expect(await checksums()).toEqual(before);
  });

  it("compresses parts with brotli by default and with gzip when BACKUP_COMPRESSION=gzip; both round-trip", async () => {
    const partsOf = async (id: string) => {
      const out: { file: string; data: Buffer }[] = [];
      const manifest = await readArchive(
        id,
        () => undefined,
        async (part, stream) => {
          const chunks: Buffer[] = [];
          for await (const c of stream) chunks.push(c as Buffer);
          out.push({ file: part.file, data: Buffer.concat(chunks) });
        },
      );
      return { manifest, parts: out };
    };
    const brotli = await backupNow("brotli");
    const b = await partsOf(brotli.id);
    expect(b.manifest.compression).toBe("brotli");
    expect(b.parts.every((p) => p.file.endsWith(".copy.br"))).toBe(true);
    // Standard streams: any brotli / gzip decoder reads a part back to its COPY text.
    const production = (m: typeof b) =>
      m.parts[m.manifest.parts.findIndex((p) => p.schema === "production" && p.table === "listings")]!;
    expect(brotliDecompressSync(production(b).data).toString()).toContain("\tshop1.example.com\t");

    vi.stubEnv("BACKUP_COMPRESSION", "gzip");
    try {
      const gz = await backupNow("gzip");
      const g = await partsOf(gz.id);
      expect(g.manifest.compression).toBe("gzip");
      expect(g.parts.every((p) => p.file.endsWith(".copy.gz"))).toBe(true);
      expect(gunzipSync(production(g).data).toString()).toBe(
        brotliDecompressSync(production(b).data).toString(),
      );
      expect((await verify(gz.id)).verifyOk).toBe(true);
      const before = await checksums();
      await stageAndPromote([row(20)]);
      expect((await call(restoreRoute as unknown as Route, "POST", admin, gz.id, {})).status).toBe(200);
      expect(await checksums()).toEqual(before);
    } finally {
      vi.stubEnv("BACKUP_COMPRESSION", "");
    }
  });

  it("downloads the archive as a tar with the manifest first", async () => {
    const backup = await backupNow();
    const res = await call(downloadRoute as unknown as Route, "GET", admin, backup.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(backup.sizeBytes);
    expect(bytes.subarray(0, 13).toString()).toBe("manifest.json");
  });

  it("encrypts with BACKUP_ENCRYPTION_KEY; a missing or wrong key is a clear error", async () => {
    const key = randomBytes(32).toString("base64");
    vi.stubEnv("BACKUP_ENCRYPTION_KEY", key);
    const backup = await backupNow("encrypted");
    expect(backup.encrypted).toBe(true);
    const archive = await readFile(path.join(backupDir, `${backup.id}.tar`));
    expect(archive.includes(Buffer.from(key))).toBe(false);
    expect(archive.includes(Buffer.from("shop1.example.com"))).toBe(false);

    vi.stubEnv("BACKUP_ENCRYPTION_KEY", "");
    let res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/encrypted and BACKUP_ENCRYPTION_KEY is not set/);

    vi.stubEnv("BACKUP_ENCRYPTION_KEY", randomBytes(32).toString("base64"));
    res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/not the key this backup was encrypted with/);
    expect((await verify(backup.id)).verifyOk).toBe(false);

    vi.stubEnv("BACKUP_ENCRYPTION_KEY", key);
    expect((await verify(backup.id)).verifyOk).toBe(true);
    res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
    expect(res.status).toBe(200);

    // A malformed key fails the backup with the reason, before anything is written.
    vi.stubEnv("BACKUP_ENCRYPTION_KEY", "dG9vIHNob3J0");
    const id = await insertBackupRow(pool(), { trigger: "manual", reason: null, actor: SYSTEM, jobId: null });
    await expect(runBackup(id)).rejects.toThrow(/must be 32 bytes in base64/);
    expect((await getOne(id)).status).toBe("failed");
    vi.stubEnv("BACKUP_ENCRYPTION_KEY", "");
  });

  it("refuses a backup from a newer schema version", async () => {
    const backup = await backupNow();
    const client = await pool().connect();
    try {
      // Make this database one migration older than the backup.
      await client.query("BEGIN");
      await client.query(
        "UPDATE public._prisma_migrations SET rolled_back_at = now() WHERE migration_name = (SELECT max(migration_name) FROM public._prisma_migrations)",
      );
      await client.query("COMMIT");
      const res = await call(restoreRoute as unknown as Route, "POST", admin, backup.id, {});
      expect(res.status).toBe(409);
      expect((await res.json()).error.message).toMatch(/newer than this database's .*Upgrade Sluice/);
    } finally {
      await client.query("UPDATE public._prisma_migrations SET rolled_back_at = NULL");
      client.release();
    }
  });

  it("fails cleanly when storage is not writable or the disk fills, leaving no partial file", async () => {
    const notADir = path.join(backupDir, "plain-file");
    await writeFile(notADir, "x");
    vi.stubEnv("BACKUP_DIR", path.join(notADir, "backups"));
    const id = await insertBackupRow(pool(), { trigger: "manual", reason: null, actor: SYSTEM, jobId: null });
    await expect(runBackup(id)).rejects.toThrow(/ENOTDIR|not a directory/);
    vi.stubEnv("BACKUP_DIR", backupDir);
    const failed = await getOne(id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^Backup failed: .*ENOTDIR/);

    // Disk full: the archive being written lands on /dev/full.
    const full = await insertBackupRow(pool(), {
      trigger: "manual",
      reason: null,
      actor: SYSTEM,
      jobId: null,
    });
    await symlink("/dev/full", path.join(backupDir, `${full}.tar.partial`));
    await expect(runBackup(full)).rejects.toThrow(/ENOSPC|no space/i);
    expect((await getOne(full)).error).toMatch(/ENOSPC|no space/i);
    const left = await readdir(backupDir, { recursive: true });
    expect(left.filter((f) => f.includes(full))).toEqual([]);
  });

  it("lets one backup run at a time: a second request is refused with a clear message", async () => {
    const first = await call(backupsRoute as unknown as Route, "POST", admin, "", {});
    const second = await call(backupsRoute as unknown as Route, "POST", admin, "", {});
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    expect((await second.json()).error.message).toMatch(/only one backup runs at a time/);
    await finishedJob(admin, (await first.json()).jobId, 60_000);

    // Another process holding the backup lock (a backup in flight elsewhere): refused, recorded.
    const holder = await pool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(5110008)");
      const id = await insertBackupRow(pool(), {
        trigger: "manual",
        reason: null,
        actor: SYSTEM,
        jobId: null,
      });
      await expect(runBackup(id)).rejects.toThrow(/Another backup is running/);
      expect((await getOne(id)).status).toBe("failed");
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
  });

  it("does not let a backup whose worker died block the next one", async () => {
    const { rows } = await pool().query<{ id: string }>(
      "INSERT INTO app.jobs (id, type, status, error) VALUES (gen_random_uuid(), 'backup', 'failed', 'worker died') RETURNING id",
    );
    const stuck = await insertBackupRow(pool(), {
      trigger: "manual",
      reason: null,
      actor: SYSTEM,
      jobId: rows[0]!.id,
    });
    await pool().query("UPDATE app.backups SET status = 'running' WHERE id = $1", [stuck]);
    const res = await call(backupsRoute as unknown as Route, "POST", admin, "", {});
    expect(res.status).toBe(202);
    await finishedJob(admin, (await res.json()).jobId, 60_000);
    const old = await getOne(stuck);
    expect(old.status).toBe("failed");
    expect(old.error).toMatch(/^Interrupted/);
  });

  it("runs a schedule-fired backup from a bare payload, then verifies it", async () => {
    await pool().query("SELECT graphile_worker.add_job('backup', '{}'::json)");
    const row = await vi.waitFor(
      async () => {
        const { rows } = await pool().query(
          "SELECT id, status, verify_ok FROM app.backups WHERE trigger = 'schedule' ORDER BY created_at DESC LIMIT 1",
        );
        expect(rows[0]?.verify_ok).toBe(true);
        return rows[0];
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(row.status).toBe("succeeded");
  });

  it("refuses analysts and operators on every backup route (403)", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    for (const key of [analyst, operator]) {
      const attempts = [
        call(backupsRoute as unknown as Route, "GET", key),
        call(backupsRoute as unknown as Route, "POST", key, "", {}),
        call(oneRoute as unknown as Route, "GET", key, id),
        call(verifyRoute as unknown as Route, "POST", key, id),
        call(restoreRoute as unknown as Route, "POST", key, id, {}),
        call(restoreRoute as unknown as Route, "GET", key, id),
        call(downloadRoute as unknown as Route, "GET", key, id),
      ];
      for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    }
    const bad = await call(oneRoute as unknown as Route, "GET", admin, "../../etc/passwd");
    expect(bad.status).toBe(400);
    // The console's door checks too.
    for (const role of ["analyst", "operator"] as const) {
      const caller = createCaller({ actor: (await makeUser({ role })).actor });
      await expect(caller.backups.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.backups.restore({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.backups.setRetention({ keepDaily: 1, keepWeekly: 1 })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
  });
});

describe("retention", () => {
  const at = (iso: string) => new Date(iso);
  const b = (id: string, iso: string, verifyOk: boolean | null = null, status = "succeeded") => ({
    id,
    status,
    createdAt: at(iso),
    verifyOk,
  });

  it("keeps the newest backup of each of the last N days and M weeks, never the only verified one", () => {
    const backups = [
      b("d1-late", "2026-11-27T10:00:00Z"),
      b("d1-early", "2026-11-27T04:00:00Z"),
      b("d2", "2026-11-26T04:00:00Z"),
      b("d3", "2026-11-25T04:00:00Z"),
      b("w-prev", "2026-11-18T04:00:00Z"),
      b("w-prev2", "2026-11-11T04:00:00Z", true),
      b("running", "2026-10-01T04:00:00Z", null, "running"),
    ];
    const deleted = backupsToDelete(backups, { keepDaily: 2, keepWeekly: 2 }, at("2026-11-27T12:00:00Z"));
    // Days: d1-late, d2. Weeks: d1-late (week of 23 Nov), w-prev (week of 16 Nov). w-prev2 is the only verified one.
    expect(deleted.sort()).toEqual(["d1-early", "d3"]);
    const withVerifiedKept = backupsToDelete(
      [...backups, b("v-new", "2026-11-27T11:00:00Z", true)],
      { keepDaily: 2, keepWeekly: 2 },
      at("2026-11-27T12:00:00Z"),
    );
    expect(withVerifiedKept).toContain("w-prev2");
  });

  it("applyRetention deletes archives and catalog rows it does not keep, and settings come from the table", async () => {
    await pool().query("UPDATE app.backup_settings SET keep_daily = 1, keep_weekly = 0");
    await pool().query("UPDATE app.backups SET verify_ok = NULL");
    const before = await pool().query<{ id: string }>(
      "SELECT id FROM app.backups WHERE status = 'succeeded' ORDER BY created_at DESC",
    );
    expect(before.rows.length).toBeGreaterThan(2);
    const result = await applyRetention();
    const after = await pool().query<{ id: string }>("SELECT id FROM app.backups WHERE status = 'succeeded'");
    expect(after.rows.map((r) => r.id)).toEqual([before.rows[0]!.id]);
    expect(result.deleted.length).toBeGreaterThanOrEqual(before.rows.length - 1);
    const files = (await readdir(backupDir)).filter((f) => f.endsWith(".tar"));
    expect(files).toEqual([`${before.rows[0]!.id}.tar`]);
    await mkdir(backupDir, { recursive: true });
  });
});
