import { Transform } from "node:stream";
import { constants, createBrotliCompress, createBrotliDecompress, createGunzip, gzip } from "node:zlib";

/**
 * Compression of backup parts. The COPY text arrives as one Buffer per socket read (tens of KB);
 * `blocks` copies it once into 1 MB blocks, which the compressor takes whole, off the main thread.
 */
export const BLOCK_BYTES = 1024 * 1024;

/**
 * Counts bytes as they pass and copies them into `size`-byte blocks (one copy, no concatenation of
 * small Buffers), so the compressor, the cipher, the hash and the file see few large writes.
 */
export function blocks(onBytes: (n: number) => void, size = BLOCK_BYTES): Transform {
  let block = Buffer.allocUnsafe(size);
  let used = 0;
  return new Transform({
    readableHighWaterMark: 2,
    readableObjectMode: true,
    transform(chunk: Buffer, _e, done) {
      onBytes(chunk.length);
      let at = 0;
      while (at < chunk.length) {
        const n = chunk.copy(block, used, at);
        used += n;
        at += n;
        if (used === size) {
          this.push(block);
          block = Buffer.allocUnsafe(size);
          used = 0;
        }
      }
      done();
    },
    flush(done) {
      done(null, used ? block.subarray(0, used) : undefined);
    },
  });
}

export interface GzipOptions {
  level: number;
  /** Blocks being compressed at once on libuv's thread pool. */
  inFlight?: number;
}

/**
 * gzip in parallel: each block becomes its own gzip member, compressed on libuv's thread pool with
 * a few in flight, and the members are written in order. Concatenated members are one valid gzip
 * stream (RFC 1952), which `gunzip` and Node's Gunzip read whole.
 *
 * A 4 KB window (windowBits 12, memLevel 9) at level 1: on COPY text this measured about a quarter
 * less CPU than zlib's default 32 KB window and compresses slightly better (the matches that pay
 * are between neighbouring rows); any inflater reads it, since a window is only an upper bound.
 */
export function parallelGzip({ level, inFlight = 4 }: GzipOptions): Transform {
  const queue: Promise<Buffer>[] = [];
  let empty = true;
  const compress = (b: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      gzip(b, { level, windowBits: 12, memLevel: 9 }, (err, out) => (err ? reject(err) : resolve(out))),
    );
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 1,
    transform(block: Buffer, _e, done) {
      empty = false;
      queue.push(compress(block));
      if (queue.length < inFlight) return done();
      queue
        .shift()!
        .then((out) => done(null, out))
        .catch(done);
    },
    flush(done) {
      // An empty table still gets a (valid, empty) gzip stream.
      if (empty) queue.push(compress(Buffer.alloc(0)));
      (async () => {
        for (const p of queue) this.push(await p);
      })().then(() => done(), done);
    },
  });
}

/**
 * Brotli at quality 1 (RFC 7932; `brotli -d` reads it): one stream per part, compressed on libuv's
 * thread pool. On COPY text it measured about 2.4× less CPU than gzip level 1 and 10 % smaller, so
 * a single thread keeps ahead of Postgres producing the text and the main thread only moves blocks.
 */
export function brotli(): Transform {
  return createBrotliCompress({
    chunkSize: 256 * 1024,
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_LGWIN]: 16,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
}

export function decompressor(kind: "gzip" | "brotli"): Transform {
  return kind === "brotli" ? createBrotliDecompress() : createGunzip();
}
