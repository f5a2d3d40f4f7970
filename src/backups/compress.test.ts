import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BLOCK_BYTES, blocks, brotli, decompressor, parallelGzip } from "./compress";

/** About 3.5 blocks of COPY-like text, cut into uneven chunks the way socket reads arrive. */
function copyText(): { whole: Buffer; chunks: Buffer[] } {
  const lines: string[] = [];
  for (let i = 0; lines.join("").length < 3.5 * BLOCK_BYTES; i++) {
    const part = [];
    for (let j = i; j < i + 500; j++)
      part.push(`${j}\tshop${j}.example.com\t${(j * 7919) % 10007}\tShop ${j}\n`);
    lines.push(part.join(""));
    i += 499;
  }
  const whole = Buffer.from(lines.join(""));
  const chunks: Buffer[] = [];
  for (let at = 0, n = 1; at < whole.length; n = (n * 31 + 7) % 100_003) {
    chunks.push(whole.subarray(at, at + 1 + n));
    at += 1 + n;
  }
  return { whole, chunks };
}

async function through(chunks: Buffer[], ...stages: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      out.push(c);
      done();
    },
  });
  await pipeline([Readable.from(chunks), ...stages, sink]);
  return Buffer.concat(out);
}

describe("backup part compression", () => {
  const { whole, chunks } = copyText();

  it("cuts the stream into full blocks, counting every byte, and loses none at block edges", async () => {
    let counted = 0;
    const sizes: number[] = [];
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunks),
      blocks((n) => {
        counted += n;
      }),
      async (source: AsyncIterable<Buffer>) => {
        for await (const b of source) {
          sizes.push(b.length);
          out.push(Buffer.from(b));
        }
      },
    );
    expect(counted).toBe(whole.length);
    expect(sizes.slice(0, -1).every((s) => s === BLOCK_BYTES)).toBe(true);
    expect(sizes).toHaveLength(Math.ceil(whole.length / BLOCK_BYTES));
    expect(Buffer.concat(out).equals(whole)).toBe(true);
  });

  it("gzip members in order make one stream any gunzip reads back exactly", async () => {
    const gz = await through(
      chunks,
      blocks(() => undefined),
      parallelGzip({ level: 1 }),
    );
    expect(gunzipSync(gz).equals(whole)).toBe(true);
    expect((await through([gz], decompressor("gzip"))).equals(whole)).toBe(true);
    expect(gz.length).toBeLessThan(whole.length / 3);
  });

  it("brotli round-trips and compresses COPY text at least as well as gzip", async () => {
    const br = await through(
      chunks,
      blocks(() => undefined),
      brotli(),
    );
    expect((await through([br], decompressor("brotli"))).equals(whole)).toBe(true);
    const gz = await through(
      chunks,
      blocks(() => undefined),
      parallelGzip({ level: 1 }),
    );
    expect(br.length).toBeLessThanOrEqual(gz.length);
  });

  it("an empty table is a valid empty stream in both", async () => {
    for (const kind of ["gzip", "brotli"] as const) {
      const packed = await through(
        [],
        blocks(() => undefined),
        kind === "gzip" ? parallelGzip({ level: 1 }) : brotli(),
      );
      expect(packed.length).toBeGreaterThan(0);
      expect(await through([packed], decompressor(kind))).toHaveLength(0);
    }
  });
});
