import { once } from "node:events";
import { createWriteStream } from "node:fs";

/**
 * Writes a CSV in the listings shape of DESIGN.md (10 columns with `id`, which the sample dataset
 * does not have, kept as an extra column so the file is the 10-column reference of the bench),
 * deterministic, with a few quoted fields; about 155 bytes a row.
 */
export async function writeListingsCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  const countries = ["US", "GB", "DE", "FR", "JP", "BR"];
  const words = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli"];
  let bytes = 0;
  const header = "external_id,domain,email,country,price,rating,created_at,url,name,notes\n";
  out.write(header);
  bytes += header.length;
  let buf = "";
  for (let i = 1; i <= rows; i++) {
    const w = words[i % words.length]!;
    const d = `${w.toLowerCase()}-${i}.example.com`;
    const month = String((i % 12) + 1).padStart(2, "0");
    const day = String((i % 28) + 1).padStart(2, "0");
    const name = i % 10 === 0 ? `"${w} ""Shop"", Branch ${i}"` : `${w} Shop ${i}`;
    buf += `${i},${d},info@${d},${countries[i % 6]},${((i % 10000) / 7).toFixed(2)},${(i % 50) / 10},2026-${month}-${day}T12:${String(i % 60).padStart(2, "0")}:00Z,https://${d}/p/${i},${name},note ${i % 97}\n`;
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, "finish");
  return bytes;
}
