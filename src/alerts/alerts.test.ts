import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { createCaller } from "@/server/api/root";
import { makeUser, setUpTestDatabase, type UserActor } from "../../test/database";
import { setUpWorker } from "../../test/ingest";
import { acknowledgeAlert, listAlerts, openAlertCounts } from "./alerts";
import { evaluateAlerts } from "./evaluate";
import { createRule, type RuleInput, type RuleKind } from "./rules";
import { saveWebhook } from "./webhooks";

setUpTestDatabase();

const db = () => pool();

/** The only enabled rule: earlier tests' rules are switched off so each test sees its own. */
async function onlyRule(kind: RuleKind, params: Record<string, unknown>) {
  await db().query("UPDATE app.alert_rules SET enabled = false");
  return createRule({ name: `${kind}-${randomUUID().slice(0, 6)}`, kind, params } as RuleInput, SYSTEM);
}

async function alertsOf(ruleId: string) {
  const { rows } = await db().query(
    "SELECT id, resolved_at, summary FROM app.alerts WHERE rule_id = $1 ORDER BY fired_at",
    [ruleId],
  );
  return rows as { id: string; resolved_at: Date | null; summary: string }[];
}

async function deliveriesOf(ruleId: string) {
  const { rows } = await db().query(
    `SELECT d.event FROM app.webhook_deliveries d JOIN app.alerts a ON a.id = d.alert_id
     WHERE a.rule_id = $1 ORDER BY d.created_at`,
    [ruleId],
  );
  return rows.map((r) => r.event as string);
}

/**
 * Drives a rule through one firing and one resolve, evaluating twice in each state: exactly one
 * alert, one "firing" and one "resolved" notification, however often the evaluator runs.
 */
async function firesAndResolvesOnce(
  ruleId: string,
  makeTrue: () => Promise<unknown>,
  makeFalse: () => Promise<unknown>,
) {
  await evaluateAlerts();
  expect(await alertsOf(ruleId)).toHaveLength(0);
  await makeTrue();
  const first = await evaluateAlerts();
  expect(first.fired).toHaveLength(1);
  await evaluateAlerts();
  const firing = await alertsOf(ruleId);
  expect(firing).toHaveLength(1);
  expect(firing[0]!.resolved_at).toBeNull();
  expect(await deliveriesOf(ruleId)).toEqual(["firing"]);
  await makeFalse();
  const second = await evaluateAlerts();
  expect(second.resolved).toEqual([firing[0]!.id]);
  await evaluateAlerts();
  const after = await alertsOf(ruleId);
  expect(after).toHaveLength(1);
  expect(after[0]!.resolved_at).toBeInstanceOf(Date);
  expect(await deliveriesOf(ruleId)).toEqual(["firing", "resolved"]);
  return firing[0]!;
}

async function finishedJobs(status: "succeeded" | "failed", n: number) {
  for (let i = 0; i < n; i++) {
    await db().query(
      "INSERT INTO app.jobs (id, type, status, created_at, started_at, finished_at) VALUES ($1, 'ping', $2, now(), now(), now())",
      [randomUUID(), status],
    );
  }
}

async function qualityReport(datasetId: string, overall: number, minScore: number, computedAt: Date) {
  const upload = randomUUID();
  const batch = randomUUID();
  const job = randomUUID();
  await db().query("INSERT INTO app.jobs (id, type, status) VALUES ($1, 'ingest', 'succeeded')", [job]);
  await db().query(
    `INSERT INTO app.uploads (id, dataset_id, file_name, size_bytes, sha256, storage_key, created_by)
     VALUES ($1, $2, 'f.csv', 1, 'x', 'k', 'test')`,
    [upload, datasetId],
  );
  await db().query(
    `INSERT INTO app.batches (id, dataset_id, dataset_version, upload_id, job_id, status, staged_at)
     VALUES ($1, $2, 1, $3, $4, 'staged', now())`,
    [batch, datasetId, upload, job],
  );
  await db().query(
    `INSERT INTO app.quality_reports (batch_id, dataset_id, overall, passed, min_score, scores, profiles, violations, duration_ms, computed_at)
     VALUES ($1, $2, $3::float8, $3::float8 >= $4::float8, $4::float8, '{}', '{}', '{}', 5, $5)`,
    [batch, datasetId, overall, minScore, computedAt],
  );
}

describe("each kind of rule fires once and resolves once", () => {
  beforeAll(async () => {
    // A webhook no worker delivers to here: it shows what was queued.
    await saveWebhook(null, { name: "log", url: "http://127.0.0.1:9/never" }, SYSTEM);
  });

  it("queue depth above N", async () => {
    const rule = await onlyRule("queue_depth", { threshold: 1, forMinutes: 0 });
    const alert = await firesAndResolvesOnce(
      rule.id,
      () => db().query("SELECT graphile_worker.add_job('ping', '{}'::json) FROM generate_series(1, 2)"),
      () => db().query("SELECT graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs))"),
    );
    expect(alert.summary).toBe("2 waiting jobs (threshold 1)");
  });

  it("queue depth above N waits its window: pending first, fires once the condition held M minutes", async () => {
    const rule = await onlyRule("queue_depth", { threshold: 0, forMinutes: 5 });
    await db().query("SELECT graphile_worker.add_job('ping', '{}'::json)");
    await evaluateAlerts();
    expect(await alertsOf(rule.id)).toHaveLength(0);
    const { rows } = await db().query("SELECT pending_since FROM app.alert_rules WHERE id = $1", [rule.id]);
    expect(rows[0].pending_since).toBeInstanceOf(Date);
    await db().query(
      "UPDATE app.alert_rules SET pending_since = now() - interval '6 minutes' WHERE id = $1",
      [rule.id],
    );
    expect((await evaluateAlerts()).fired).toHaveLength(1);
    await db().query("SELECT graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs))");
    expect((await evaluateAlerts()).resolved).toHaveLength(1);
  });

  it("failure rate above X % over a window", async () => {
    const rule = await onlyRule("failure_rate", { percent: 50, windowMinutes: 15, minJobs: 2 });
    await db().query("DELETE FROM app.jobs");
    const alert = await firesAndResolvesOnce(
      rule.id,
      async () => {
        await finishedJobs("failed", 3);
        await finishedJobs("succeeded", 1);
      },
      () => finishedJobs("succeeded", 5),
    );
    expect(alert.summary).toBe("75.0 % of 4 jobs failed in the last 15 min (threshold 50 %)");
  });

  it("a job running longer than T", async () => {
    const rule = await onlyRule("long_running", { minutes: 1 });
    const id = randomUUID();
    const alert = await firesAndResolvesOnce(
      rule.id,
      () =>
        db().query(
          "INSERT INTO app.jobs (id, type, status, started_at) VALUES ($1, 'ingest', 'running', now() - interval '3 minutes')",
          [id],
        ),
      () => db().query("UPDATE app.jobs SET status = 'succeeded', finished_at = now() WHERE id = $1", [id]),
    );
    expect(alert.summary).toMatch(
      /^1 job\(s\) running longer than 1 min; longest ingest [0-9a-f]{8} for 3 min$/,
    );
  });

  it("no worker alive", async () => {
    const rule = await onlyRule("no_worker", { forMinutes: 0 });
    await db().query("UPDATE app.worker_processes SET stopped_at = now() WHERE stopped_at IS NULL");
    // Fires on the first evaluation (nothing heartbeats), so the helper's "not yet" step is skipped.
    expect((await evaluateAlerts()).fired).toHaveLength(1);
    expect((await evaluateAlerts()).fired).toHaveLength(0);
    await db().query(
      "INSERT INTO app.worker_processes (id, host, pid, concurrency, version) VALUES ($1, 'h', 1, 1, 't')",
      [randomUUID()],
    );
    expect((await evaluateAlerts()).resolved).toHaveLength(1);
    expect(await alertsOf(rule.id)).toHaveLength(1);
    expect(await deliveriesOf(rule.id)).toEqual(["firing", "resolved"]);
  });

  it("batch quality below the dataset's threshold", async () => {
    const datasetId = randomUUID();
    await db().query(
      "INSERT INTO app.datasets (id, name, title, definition) VALUES ($1, 'q_ds', 'Q', '{}')",
      [datasetId],
    );
    const rule = await onlyRule("quality_below", { dataset: "q_ds" });
    await qualityReport(datasetId, 0.95, 0.9, new Date(Date.now() - 60_000));
    const alert = await firesAndResolvesOnce(
      rule.id,
      () => qualityReport(datasetId, 0.5, 0.9, new Date(Date.now() - 30_000)),
      () => qualityReport(datasetId, 0.92, 0.9, new Date()),
    );
    expect(alert.summary).toBe("q_ds: latest batch scored 50.0 (needs 90.0)");
  });

  it("a scheduled backup missed: no successful backup within the allowed hours", async () => {
    const rule = await onlyRule("backup_missed", { maxAgeHours: 26 });
    const backup = (status: string, finished: string) =>
      db().query(
        `INSERT INTO app.backups (status, created_by, finished_at) VALUES ($1, 'test', now() - $2::interval)`,
        [status, finished],
      );
    await backup("succeeded", "2 hours");
    expect((await evaluateAlerts()).fired).toHaveLength(0);
    const alert = await firesAndResolvesOnce(
      rule.id,
      // The recent backup ages past the limit; a failed one does not count.
      async () => {
        await db().query("UPDATE app.backups SET finished_at = now() - interval '30 hours'");
        await backup("failed", "0 hours");
      },
      () => backup("succeeded", "0 hours"),
    );
    expect(alert.summary).toMatch(/^last successful backup 30\.0 h ago \(allowed 26 h\)$/);
  });
});

describe("the console's view of alerts", () => {
  it("counts open alerts and lets an operator acknowledge one, once", async () => {
    const { actor } = await makeUser({ role: "operator" });
    const rule = await onlyRule("queue_depth", { threshold: 0, forMinutes: 0 });
    await db().query("SELECT graphile_worker.add_job('ping', '{}'::json)");
    const { fired } = await evaluateAlerts();
    expect(await openAlertCounts()).toEqual({ open: 1, unacknowledged: 1 });
    await acknowledgeAlert(fired[0]!, actor);
    expect(await openAlertCounts()).toEqual({ open: 1, unacknowledged: 0 });
    await expect(acknowledgeAlert(fired[0]!, actor)).rejects.toMatchObject({ code: "CONFLICT" });
    const [open] = await listAlerts({ state: "open" });
    expect(open).toMatchObject({ ruleId: rule.id, acknowledgedBy: actor.email });
    const { rows } = await db().query("SELECT action FROM app.audit_events WHERE target_id = $1", [fired[0]]);
    expect(rows.map((r) => r.action)).toEqual(["alert.acknowledge"]);
    await db().query("SELECT graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs))");
    await evaluateAlerts();
  });
});

describe("alert administration is checked on the server", () => {
  const as = (actor: UserActor) => createCaller({ actor });
  let analyst: UserActor;
  let operator: UserActor;
  let admin: UserActor;
  beforeAll(async () => {
    analyst = (await makeUser({ role: "analyst" })).actor;
    operator = (await makeUser({ role: "operator" })).actor;
    admin = (await makeUser({ role: "admin" })).actor;
  });
  const rule = { name: "deep queue", kind: "queue_depth" as const, params: { threshold: 100 } };

  it("refuses analysts the alerts, and operators the rules and webhooks", async () => {
    await expect(as(analyst).alerts.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(analyst).alerts.countsLive()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(operator).alerts.list({})).resolves.toEqual(expect.any(Array));
    await expect(as(operator).alerts.createRule(rule)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(operator).alerts.webhooks()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      as(operator).alerts.saveWebhook({ webhook: { name: "x", url: "http://127.0.0.1/x" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lets an admin create, edit and disable a rule, audited, and names a bad parameter", async () => {
    const created = await as(admin).alerts.createRule(rule);
    expect(created).toMatchObject({
      kind: "queue_depth",
      params: { threshold: 100, forMinutes: 5, states: ["waiting"] },
    });
    const edited = await as(admin).alerts.updateRule({ id: created.id, rule: { ...rule, enabled: false } });
    expect(edited.enabled).toBe(false);
    await expect(
      as(admin).alerts.createRule({ name: "bad", kind: "queue_depth", params: { threshold: -1 } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("params") });
    await expect(as(admin).alerts.createRule(rule)).rejects.toMatchObject({ code: "CONFLICT" });
    const { rows } = await db().query(
      "SELECT action FROM app.audit_events WHERE target_id = $1 ORDER BY id",
      [created.id],
    );
    expect(rows.map((r) => r.action)).toEqual(["alert_rule.create", "alert_rule.update"]);
  });

  it("refuses a webhook URL that is not http(s)", async () => {
    await expect(
      as(admin).alerts.saveWebhook({ webhook: { name: "ftp", url: "ftp://example.com/x" } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("webhooks are delivered by a worker, retried with backoff", () => {
  setUpWorker(2);
  let server: Server;
  let base = "";
  const received: { path: string; body: Record<string, unknown> }[] = [];
  const failuresLeft = new Map<string, number>([
    ["/generic", 1],
    ["/slack", 1],
  ]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = "";
      req.on("data", (c) => {
        data += c;
      });
      req.on("end", () => {
        const left = failuresLeft.get(req.url ?? "") ?? 0;
        if (left > 0) {
          failuresLeft.set(req.url!, left - 1);
          res.writeHead(503).end("try later");
          return;
        }
        received.push({ path: req.url!, body: JSON.parse(data) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await db().query("DELETE FROM app.alert_webhooks");
    await saveWebhook(null, { name: "generic", url: `${base}/generic`, format: "json" }, SYSTEM);
    await saveWebhook(null, { name: "slack", url: `${base}/slack`, format: "slack" }, SYSTEM);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    received.length = 0;
  });

  it("POSTs generic JSON and Slack text after a failed first attempt, and logs both attempts", async () => {
    const rule = await onlyRule("long_running", { minutes: 1 });
    const jobId = randomUUID();
    await db().query(
      "INSERT INTO app.jobs (id, type, status, started_at) VALUES ($1, 'ingest', 'running', now() - interval '2 minutes')",
      [jobId],
    );
    const { fired } = await evaluateAlerts();
    expect(fired).toHaveLength(1);

    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 30_000, interval: 200 });
    const generic = received.find((r) => r.path === "/generic")!.body;
    expect(generic).toMatchObject({
      event: "firing",
      source: "sluice",
      alert: { id: fired[0], rule: { id: rule.id, kind: "long_running" }, resolvedAt: null },
    });
    expect(received.find((r) => r.path === "/slack")!.body).toEqual({
      text: expect.stringMatching(
        /^:rotating_light: \[FIRING\] long_running-\w+: 1 job\(s\) running longer than 1 min/,
      ),
    });
    const { rows } = await db().query(
      "SELECT status, attempts, last_status_code FROM app.webhook_deliveries WHERE alert_id = $1",
      [fired[0]],
    );
    expect(rows).toEqual([
      { status: "delivered", attempts: 2, last_status_code: 204 },
      { status: "delivered", attempts: 2, last_status_code: 204 },
    ]);

    // Resolving sends one more notification to each, and nothing else follows.
    await db().query("UPDATE app.jobs SET status = 'succeeded', finished_at = now() WHERE id = $1", [jobId]);
    received.length = 0;
    await evaluateAlerts();
    await evaluateAlerts();
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 15_000, interval: 200 });
    expect(received.find((r) => r.path === "/generic")!.body).toMatchObject({ event: "resolved" });
    expect(received.find((r) => r.path === "/slack")!.body.text).toMatch(/^:white_check_mark: \[RESOLVED\]/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(2);
  });
});
