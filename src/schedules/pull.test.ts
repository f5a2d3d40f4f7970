import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/auth/actor";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { createCaller } from "@/server/api/root";
import { makeUser, setUpTestDatabase } from "../../test/database";
import { setUpUploadDir, setUpWorker } from "../../test/ingest";
import { createPullSource, listPulls } from "./pull";
import { blockedAddressReason, openPullUrl } from "./pull-fetch";
import { getSchedule, runScheduleNow } from "./schedules";

setUpTestDatabase();
setUpUploadDir();
setUpWorker(2);

/**
 * A CSV server on loopback whose answer each test sets: the bytes, a status, or a stall.
 */
let answer: {
  status: number;
  body: string;
  stallMs?: number;
  /** Sends the headers and the first bytes, then holds the rest this long. */
  stallBodyMs?: number;
  /** A 302 to `to`, for requests of `from` (every request without it). */
  redirect?: { from?: string; to: string };
} = { status: 200, body: "" };
let requests = 0;
let server: Server;
let base = "";

const CITIES = "code,name\nPAR,Paris\nBER,Berlin\nROM,Rome\n";

let admin: Actor;
let operator: Actor;
beforeAll(async () => {
  // The feed is on loopback: allowed here as on an on-prem install; the network tests turn it off.
  vi.stubEnv("PULL_ALLOW_PRIVATE_NETWORKS", "1");
  server = createServer((req, res) => {
    requests += 1;
    const send = () => {
      const { redirect } = answer;
      if (redirect && (!redirect.from || redirect.from === req.url)) {
        res.writeHead(302, { location: redirect.to }).end();
        return;
      }
      res.writeHead(answer.status, { "content-type": "text/csv" });
      if (answer.stallBodyMs) {
        res.write(answer.body.slice(0, 10));
        setTimeout(() => res.end(answer.body.slice(10)), answer.stallBodyMs);
        return;
      }
      res.end(answer.status === 200 ? answer.body : "not here");
    };
    if (answer.stallMs) setTimeout(send, answer.stallMs);
    else send();
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await applyDataset(
    {
      name: "cities",
      title: "Cities",
      key: ["code"],
      columns: [
        { name: "code", type: "text", required: true },
        { name: "name", type: "text", required: true },
      ],
      quality: { minScore: 50 },
      promotion: { auto: true },
    },
    SYSTEM,
  );
  admin = (await makeUser({ role: "admin" })).actor;
  operator = (await makeUser({ role: "operator" })).actor;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function runAndWait(name: string, status: string) {
  const started = await runScheduleNow(name, operator);
  return vi.waitFor(
    async () => {
      const run = await db().scheduleRun.findUniqueOrThrow({ where: { id: started.runId } });
      expect(run.status).toBe(status);
      return run;
    },
    { timeout: 25_000, interval: 100 },
  );
}

const productionCount = async () =>
  (await pool().query("SELECT count(*)::int AS n FROM production.cities")).rows[0].n as number;

describe("pull sources", () => {
  it("refuses a URL that is not http(s), a dataset without auto promotion for the promote step, and non-admins", async () => {
    await expect(
      createPullSource(
        { name: "ftp", url: "ftp://127.0.0.1/x.csv", dataset: "cities", cron: "0 * * * *" },
        admin,
      ),
    ).rejects.toThrow(/url: only http:\/\/ and https:\/\/ URLs can be pulled/);
    await expect(
      createPullSource({ name: "junk", url: "not a url", dataset: "cities", cron: "0 * * * *" }, admin),
    ).rejects.toThrow(/url: not a URL/);
    await applyDataset(
      { name: "manual_only", title: "Manual", key: [], columns: [{ name: "code", type: "text" }] },
      SYSTEM,
    );
    await expect(
      createPullSource(
        { name: "nope", url: `${base}/x.csv`, dataset: "manual_only", cron: "0 * * * *", autoPromote: true },
        admin,
      ),
    ).rejects.toThrow(/dataset "manual_only" does not allow automatic promotion/);
    await expect(
      createCaller({ actor: operator }).schedules.createPullSource({
        name: "op",
        url: `${base}/x.csv`,
        dataset: "cities",
        cron: "0 * * * *",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("pulls the CSV into the dataset, then ingests and promotes it as a chain", async () => {
    await createPullSource(
      {
        name: "cities-feed",
        url: `${base}/cities.csv`,
        dataset: "cities",
        cron: "0 * * * *",
        autoPromote: true,
      },
      admin,
    );
    answer = { status: 200, body: CITIES };
    const run = await runAndWait("cities-feed", "succeeded");
    const steps = run.steps as { task: string; status: string }[];
    expect(steps.map((s) => [s.task, s.status])).toEqual([
      ["pull_source", "succeeded"],
      ["ingest", "succeeded"],
      ["promote_batch", "succeeded"],
    ]);
    const [pull] = await listPulls("cities-feed");
    expect(pull).toMatchObject({ status: "fetched", httpStatus: 200, bytes: CITIES.length, error: null });
    const batch = await db().batch.findUniqueOrThrow({
      where: { id: pull!.batchId! },
      include: { upload: true },
    });
    expect(batch).toMatchObject({ status: "staged", valid: 3, rejected: 0 });
    const promotion = await db().promotion.findFirstOrThrow({ where: { batchId: batch.id } });
    expect(promotion).toMatchObject({ auto: true, inserted: 3, status: "applied" });
    expect(batch.upload.fileName).toBe("cities.csv");
    expect(await productionCount()).toBe(3);
    const view = await getSchedule("cities-feed");
    expect(view.chain.map((c) => [c.task, c.status])).toEqual([
      ["pull_source", "succeeded"],
      ["ingest", "succeeded"],
      ["promote_batch", "succeeded"],
    ]);
  });

  it("recognises unchanged content by SHA-256 and skips loading it", async () => {
    const batchesBefore = await db().batch.count();
    const uploadsBefore = await db().upload.count();
    const run = await runAndWait("cities-feed", "skipped");
    expect(run.error).toMatch(/Unchanged since the pull of .* \(same SHA-256\); not loaded again/);
    const [pull, previous] = await listPulls("cities-feed");
    expect(pull).toMatchObject({
      status: "unchanged",
      httpStatus: 200,
      batchId: null,
      sha256: previous!.sha256,
    });
    expect(await db().batch.count()).toBe(batchesBefore);
    expect(await db().upload.count()).toBe(uploadsBefore);
    expect((await getSchedule("cities-feed")).lastOutcome).toBe("skipped");
  });

  it("records a 404 as a failed pull with the HTTP status, and stops the chain", async () => {
    answer = { status: 404, body: "" };
    const run = await runAndWait("cities-feed", "failed");
    expect(run.error).toBe(`${base}/cities.csv answered HTTP 404 Not Found`);
    const [pull] = await listPulls("cities-feed");
    expect(pull).toMatchObject({ status: "failed", httpStatus: 404, batchId: null });
    expect((run.steps as unknown[]).length).toBe(1);
    const job = await db().job.findUniqueOrThrow({ where: { id: pull!.jobId! } });
    expect(job).toMatchObject({ status: "failed", attempts: 1, error: run.error });
  });

  it("gives up on a server that does not answer within the timeout", async () => {
    await createPullSource(
      { name: "slow-feed", url: `${base}/slow.csv`, dataset: "cities", cron: "0 * * * *", timeoutSeconds: 1 },
      admin,
    );
    answer = { status: 200, body: CITIES, stallMs: 3_000 };
    const run = await runAndWait("slow-feed", "failed");
    expect(run.error).toBe(`${base}/slow.csv did not answer in full within 1 s (timeout)`);
    // The timeout covers the body too: headers on time, then a stall.
    answer = { status: 200, body: CITIES, stallBodyMs: 3_000 };
    const stalled = await runAndWait("slow-feed", "failed");
    expect(stalled.error).toBe(`${base}/slow.csv did not answer in full within 1 s (timeout)`);
  });

  it("refuses a download over the upload limit, keeping nothing of it", async () => {
    vi.stubEnv("UPLOAD_MAX_BYTES", "20");
    try {
      answer = { status: 200, body: `${CITIES}LIS,Lisbon\n` };
      const uploadsBefore = await db().upload.count();
      const run = await runAndWait("cities-feed", "failed");
      expect(run.error).toMatch(/(over|larger than) the upload limit of 20 bytes$/);
      const [pull] = await listPulls("cities-feed");
      expect(pull).toMatchObject({ status: "failed", httpStatus: 200, batchId: null });
      expect(await db().upload.count()).toBe(uploadsBefore);
    } finally {
      vi.stubEnv("UPLOAD_MAX_BYTES", "");
    }
  });

  it("loads changed content again; a dataset without auto-promotion only stages it", async () => {
    // Auto-promotion is the dataset's choice (it would promote every passing batch, pulled or not).
    await applyDataset(
      {
        name: "cities_manual",
        title: "Cities (promoted by hand)",
        key: ["code"],
        columns: [
          { name: "code", type: "text", required: true },
          { name: "name", type: "text", required: true },
        ],
        quality: { minScore: 50 },
      },
      SYSTEM,
    );
    await createPullSource(
      { name: "cities-stage-only", url: `${base}/cities2.csv`, dataset: "cities_manual", cron: "0 * * * *" },
      admin,
    );
    answer = { status: 200, body: `${CITIES}MAD,Madrid\n` };
    const run = await runAndWait("cities-stage-only", "succeeded");
    expect((run.steps as { task: string }[]).map((s) => s.task)).toEqual(["pull_source", "ingest"]);
    const [pull] = await listPulls("cities-stage-only");
    const batch = await db().batch.findUniqueOrThrow({ where: { id: pull!.batchId! } });
    expect(batch).toMatchObject({ status: "staged", valid: 4 });
    // Give a wrongly queued promotion time to happen before looking.
    await vi.waitFor(async () =>
      expect(await db().qualityReport.count({ where: { batchId: batch.id } })).toBe(1),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await db().promotion.count({ where: { batchId: batch.id } })).toBe(0);
    expect(requests).toBeGreaterThanOrEqual(5);
  });
});

describe("the network a pull may reach", () => {
  const ALLOW = "(set PULL_ALLOW_PRIVATE_NETWORKS=1 to allow private networks)";
  const open = (url: string) => openPullUrl(url, { timeoutMs: 5_000, accept: "text/csv" });
  const refusingPrivate = async (fn: () => Promise<void>) => {
    vi.stubEnv("PULL_ALLOW_PRIVATE_NETWORKS", "0");
    try {
      await fn();
    } finally {
      vi.stubEnv("PULL_ALLOW_PRIVATE_NETWORKS", "1");
    }
  };

  it("knows loopback, link-local, private and unspecified addresses, IPv4 and IPv6", () => {
    expect(blockedAddressReason("127.0.0.1")).toBe("a loopback address");
    expect(blockedAddressReason("::1")).toBe("a loopback address");
    expect(blockedAddressReason("::ffff:127.0.0.1")).toBe("a loopback address");
    expect(blockedAddressReason("169.254.169.254")).toMatch(/^a link-local address/);
    expect(blockedAddressReason("fe80::1")).toMatch(/^a link-local address/);
    for (const ip of ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.20", "fd00::1", "fc00::2"]) {
      expect(blockedAddressReason(ip), ip).toBe("a private-network address");
    }
    expect(blockedAddressReason("0.0.0.0")).toBe("an unspecified or reserved address");
    expect(blockedAddressReason("::")).toBe("an unspecified or reserved address");
    for (const ip of ["8.8.8.8", "172.32.0.1", "192.169.0.1", "2606:4700::1111"]) {
      expect(blockedAddressReason(ip), ip).toBeNull();
    }
  });

  it("refuses the cloud metadata address when the source is saved and when it is fetched", async () => {
    await refusingPrivate(async () => {
      await expect(
        createPullSource(
          {
            name: "metadata",
            url: "http://169.254.169.254/latest/meta-data/",
            dataset: "cities",
            cron: "0 * * * *",
          },
          admin,
        ),
      ).rejects.toThrow(
        /url: 169\.254\.169\.254 is a link-local address \(where cloud metadata services live\); pulls may not reach private networks/,
      );
      await expect(open("http://169.254.169.254/latest/meta-data/iam/")).rejects.toThrow(
        `Refused to pull http://169.254.169.254/latest/meta-data/iam/: 169.254.169.254 is a link-local address (where cloud metadata services live) ${ALLOW}`,
      );
      await expect(open(`http://[::ffff:127.0.0.1]:${new URL(base).port}/x.csv`)).rejects.toThrow(
        /: ::ffff:7f00:1 is a loopback address/,
      );
    });
  });

  it("refuses a loopback feed when it is pulled, naming the URL and why, without connecting", async () => {
    // Saved while allowed (or by a name that resolved elsewhere then): the fetch is what checks.
    await createPullSource(
      { name: "guarded-feed", url: `${base}/guarded.csv`, dataset: "cities_manual", cron: "0 * * * *" },
      admin,
    );
    answer = { status: 200, body: `${CITIES}OSL,Oslo\n` };
    const before = requests;
    await refusingPrivate(async () => {
      const run = await runAndWait("guarded-feed", "failed");
      expect(run.error).toBe(`Refused to pull ${base}/guarded.csv: 127.0.0.1 is a loopback address ${ALLOW}`);
      const [pull] = await listPulls("guarded-feed");
      expect(pull).toMatchObject({ status: "failed", httpStatus: null, batchId: null, error: run.error });
    });
    expect(requests).toBe(before);
  });

  it("refuses a host name that resolves to loopback, checked at connection time", async () => {
    const url = `http://localhost:${new URL(base).port}/cities.csv`;
    const before = requests;
    await refusingPrivate(async () => {
      await expect(open(url)).rejects.toThrow(
        new RegExp(
          `^Refused to pull ${url}: localhost resolves to (127\\.0\\.0\\.1|::1), a loopback address`,
        ),
      );
    });
    expect(requests).toBe(before);
  });

  it("checks every redirect: no other protocol, and at most five hops", async () => {
    answer = { status: 200, body: CITIES, redirect: { to: "ftp://127.0.0.1/cities.csv" } };
    await expect(open(`${base}/moved.csv`)).rejects.toThrow(
      `Refused to pull ${base}/moved.csv (redirected to ftp://127.0.0.1/cities.csv): only http:// and https:// URLs can be pulled`,
    );
    answer = { status: 200, body: CITIES, redirect: { to: "/again.csv" } };
    await expect(open(`${base}/loop.csv`)).rejects.toThrow(`${base}/loop.csv redirected more than 5 times`);
  });

  it("with PULL_ALLOW_PRIVATE_NETWORKS=1, pulls the loopback feed, following a redirect", async () => {
    answer = { status: 200, body: `${CITIES}OSL,Oslo\n` };
    const run = await runAndWait("guarded-feed", "succeeded");
    expect((run.steps as { task: string }[]).map((s) => s.task)).toEqual(["pull_source", "ingest"]);
    answer = { status: 200, body: CITIES, redirect: { from: "/old-path.csv", to: `${base}/cities.csv` } };
    const res = await open(`${base}/old-path.csv`);
    expect(res.status).toBe(200);
    expect(Buffer.concat(await res.body.toArray()).toString()).toBe(CITIES);
  });
});
