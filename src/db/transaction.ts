import type pg from "pg";

/**
 * Runs `fn` in a transaction on one pooled connection: COMMIT when it returns, ROLLBACK when it
 * throws (the error goes on). A connection whose rollback fails (e.g. it died mid-COPY) is
 * discarded rather than handed to the next caller.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
