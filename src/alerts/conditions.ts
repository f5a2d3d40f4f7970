import type pg from "pg";
import { env } from "@/env";
import { currentDepth } from "@/metrics/samples";
import { lastBackupAt } from "@/metrics/summary";
import { PRIORITIES, type Priority } from "@/queue/priorities";
import { countLiveWorkers } from "@/queue/worker-registry";
import { type RuleKind, type RuleParams, ruleParamsByKind } from "./rules";

type Queryable = Pick<pg.ClientBase, "query">;

export interface Observation {
  holds: boolean;
  /** One line for people: what was seen. */
  summary: string;
  /** The numbers behind it (posted with the webhook). */
  details: Record<string, unknown>;
  /** How long the condition must hold before the alert fires. */
  forMinutes: number;
}

type Check<K extends RuleKind> = (
  c: Queryable,
  p: RuleParams<K>,
  rule: { createdAt: Date },
) => Promise<Observation>;

const checks: { [K in RuleKind]: Check<K> } = {
  async queue_depth(c, p) {
    const { depth } = await currentDepth(c);
    const priorities: readonly Priority[] = p.priority ? [p.priority] : PRIORITIES;
    const n = priorities.reduce((s, pr) => s + p.states.reduce((t, st) => t + (depth[pr][st] ?? 0), 0), 0);
    return {
      holds: n > p.threshold,
      summary: `${n} ${p.states.join("/")} jobs${p.priority ? ` at ${p.priority} priority` : ""} (threshold ${p.threshold})`,
      details: { depth: n, threshold: p.threshold },
      forMinutes: p.forMinutes,
    };
  },
  async failure_rate(c, p) {
    const { rows } = await c.query<{ ok: number; bad: number }>(
      `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS ok, count(*) FILTER (WHERE status = 'failed')::int AS bad
       FROM app.jobs WHERE finished_at >= now() - make_interval(mins => $1) AND status IN ('succeeded', 'failed')`,
      [p.windowMinutes],
    );
    const { ok, bad } = rows[0]!;
    const total = ok + bad;
    const rate = total === 0 ? 0 : (bad / total) * 100;
    return {
      holds: total >= p.minJobs && rate > p.percent,
      summary: `${rate.toFixed(1)} % of ${total} jobs failed in the last ${p.windowMinutes} min (threshold ${p.percent} %)`,
      details: { failed: bad, finished: total, percent: rate, threshold: p.percent },
      forMinutes: 0,
    };
  },
  async long_running(c, p) {
    const { rows } = await c.query<{ id: string; type: string; seconds: number }>(
      `SELECT id, type, EXTRACT(EPOCH FROM now() - started_at)::float8 AS seconds FROM app.jobs
       WHERE status = 'running' AND started_at < now() - make_interval(secs => $1) ORDER BY started_at LIMIT 20`,
      [p.minutes * 60],
    );
    const oldest = rows[0];
    return {
      holds: rows.length > 0,
      summary: oldest
        ? `${rows.length}${rows.length === 20 ? "+" : ""} job(s) running longer than ${p.minutes} min; longest ${oldest.type} ${oldest.id.slice(0, 8)} for ${Math.round(oldest.seconds / 60)} min`
        : `no job running longer than ${p.minutes} min`,
      details: { jobs: rows.map((r) => ({ id: r.id, type: r.type, runningSeconds: Math.round(r.seconds) })) },
      forMinutes: 0,
    };
  },
  async no_worker(c, p) {
    const n = await countLiveWorkers(c);
    return {
      holds: n === 0,
      summary: n === 0 ? "no worker process is heartbeating" : `${n} worker(s) alive`,
      details: { workersAlive: n, deadAfterSeconds: env().WORKER_DEAD_AFTER_SECONDS },
      forMinutes: p.forMinutes,
    };
  },
  async quality_below(c, p) {
    const { rows } = await c.query<{ dataset: string; overall: number; min_score: number; batch_id: string }>(
      `SELECT DISTINCT ON (q.dataset_id) d.name AS dataset, q.overall, q.min_score, q.batch_id, q.passed
       FROM app.quality_reports q JOIN app.datasets d ON d.id = q.dataset_id
       WHERE $1::text IS NULL OR d.name = $1
       ORDER BY q.dataset_id, q.computed_at DESC`,
      [p.dataset ?? null],
    );
    const failing = rows.filter((r) => r.overall < r.min_score);
    return {
      holds: failing.length > 0,
      summary: failing.length
        ? failing
            .map(
              (r) =>
                `${r.dataset}: latest batch scored ${(r.overall * 100).toFixed(1)} (needs ${(r.min_score * 100).toFixed(1)})`,
            )
            .join("; ")
        : `latest quality reports pass${p.dataset ? ` for ${p.dataset}` : ""}`,
      details: {
        failing: failing.map((r) => ({
          dataset: r.dataset,
          batchId: r.batch_id,
          score: r.overall,
          minScore: r.min_score,
        })),
      },
      forMinutes: 0,
    };
  },
  async backup_missed(_c, p, rule) {
    const last = await lastBackupAt();
    // With no backup at all, the clock starts when the rule was made.
    const since = last ?? rule.createdAt;
    const ageHours = (Date.now() - since.getTime()) / 3_600_000;
    return {
      holds: ageHours > p.maxAgeHours,
      summary: last
        ? `last successful backup ${ageHours.toFixed(1)} h ago (allowed ${p.maxAgeHours} h)`
        : `no successful backup in the ${ageHours.toFixed(1)} h since the rule was made (allowed ${p.maxAgeHours} h)`,
      details: { lastBackupAt: last?.toISOString() ?? null, maxAgeHours: p.maxAgeHours },
      forMinutes: 0,
    };
  },
};

/** Observes a rule's condition now. Parameters are parsed again: a rule stored by an older version still checks sanely. */
export function observe(
  c: Queryable,
  rule: { kind: RuleKind; params: unknown; createdAt: Date },
): Promise<Observation> {
  const params = ruleParamsByKind[rule.kind].parse(rule.params);
  return (checks[rule.kind] as Check<typeof rule.kind>)(c, params as never, rule);
}
