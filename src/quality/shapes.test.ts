import { describe, expect, it } from "vitest";
import {
  MAX_LENGTH,
  MAX_SHAPES,
  MIN_LENGTH,
  mergeLengths,
  mergeShapes,
  OTHER_SHAPE,
  ShapeCounter,
} from "./shapes";

const chunkOf = (values: string[]) => {
  const sh = new ShapeCounter();
  for (const v of values) sh.add(v);
  return { col: Object.fromEntries(sh.counts) };
};

describe("length ranges counted with the shapes", () => {
  it("counts characters as Postgres does (code points), also past the shaped first 60", () => {
    const long = `${"a".repeat(59)}🙂${"b".repeat(10)}🙂`; // a pair straddling the 60th unit, one further on
    const chunk = chunkOf(["Shop 12", "🙂🙂", long, "été"]);
    expect(chunk.col[MIN_LENGTH]).toBe(2);
    expect(chunk.col[MAX_LENGTH]).toBe(59 + 1 + 10 + 1);
    expect(mergeLengths([chunk]).get("col")).toEqual({ min: 2, max: 71 });
    // A lone half of a pair is one character (Postgres would store it as U+FFFD).
    expect(chunkOf(["a\udc00b"]).col[MAX_LENGTH]).toBe(3);
  });

  it("keeps the length entries out of the patterns and out of the shape limit", () => {
    // Punctuation is kept as it is: 512 three-character shapes.
    const shapeNo = (i: number) => [64, 8, 1].map((d) => "!#$%&*+-"[Math.floor(i / d) % 8]).join("");
    const sh = new ShapeCounter();
    for (let i = 0; i < MAX_SHAPES; i++) sh.add(shapeNo(i));
    sh.add(shapeNo(MAX_SHAPES));
    const shapes = Object.fromEntries(sh.counts);
    expect(shapes[OTHER_SHAPE]).toBe(1); // MAX_SHAPES shapes kept, the next counted as other
    const top = mergeShapes([{ col: shapes }], 1000).get("col")!;
    expect(top).toHaveLength(MAX_SHAPES + 1);
    expect(top.some((p) => p.pattern === MIN_LENGTH || p.pattern === MAX_LENGTH)).toBe(false);
  });

  it("merges chunks, and leaves a column out when it cannot be sure", () => {
    const a = chunkOf(["abcd", "abcdef"]);
    const b = chunkOf(["ab", "abcde"]);
    expect(mergeLengths([a, b, null]).get("col")).toEqual({ min: 2, max: 6 });
    // A chunk counted by an older loader (shapes without lengths).
    expect(mergeLengths([a, { col: { a: 2 } }]).has("col")).toBe(false);
    // A removed duplicate may have been the shortest or longest; one in between changes nothing.
    expect(mergeLengths([a, b], [{ column: "col", value: "abc" }]).get("col")).toEqual({ min: 2, max: 6 });
    expect(mergeLengths([a, b], [{ column: "col", value: "xy" }]).has("col")).toBe(false);
    expect(mergeLengths([a, b], [{ column: "col", value: "🙂🙂🙂🙂🙂🙂" }]).has("col")).toBe(false);
  });
});
