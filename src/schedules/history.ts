import type pg from "pg";

/** Removes finished schedule runs and pulls older than `days`; the latest run of each schedule stays. */
export async function pruneScheduleHistory(db: Pick<pg.Pool, "query">, days: number) {
  const runs = await db.query(
    `DELETE FROM app.schedule_runs r WHERE r.finished_at < now() - make_interval(days => $1)
       AND r.fired_at < (SELECT max(fired_at) FROM app.schedule_runs x WHERE x.schedule_id = r.schedule_id)`,
    [days],
  );
  const pulls = await db.query(
    `DELETE FROM app.pulls p WHERE p.started_at < now() - make_interval(days => $1)
       AND p.started_at < (SELECT max(started_at) FROM app.pulls x WHERE x.pull_source_id = p.pull_source_id)`,
    [days],
  );
  return { runsRemoved: runs.rowCount ?? 0, pullsRemoved: pulls.rowCount ?? 0 };
}
