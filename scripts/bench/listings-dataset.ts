/** The dataset the database-level benches (promote, backup) fill: the DESIGN.md listings shape. */
export const benchListings = {
  name: "bench_listings",
  title: "Bench listings",
  key: ["external_id"],
  columns: [
    { name: "external_id", type: "integer", required: true },
    { name: "domain", type: "domain" },
    { name: "email", type: "email" },
    { name: "country", type: "enum", values: ["US", "GB", "DE", "FR", "JP", "BR"] },
    { name: "price", type: "decimal" },
    { name: "rating", type: "decimal" },
    { name: "created_at", type: "timestamp" },
    { name: "url", type: "url" },
    { name: "name", type: "text" },
  ],
};

export const benchListingsColumns =
  "external_id, domain, email, country, price, rating, created_at, url, name";

/** One digest of production.bench_listings, to show a restore or revert left it exactly as before. */
export async function benchProductionChecksum(p: {
  query: (sql: string) => Promise<{ rows: { sum: string }[] }>;
}) {
  const { rows } = await p.query(
    "SELECT md5(string_agg(md5(t::text), '' ORDER BY t.external_id)) AS sum FROM production.bench_listings t",
  );
  return rows[0]!.sum;
}
