import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GGMLQuantizationType, GGUFValueType, gguf as readGguf } from "@huggingface/gguf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { GGUF_ALIGNMENT, type GgufContents, type GgufTensor, gguf, writeGguf } from "./gguf-writer.js";
import { f32ToF16Bits } from "./half-float.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "alambique-gguf-writer-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const matrix = Float32Array.from([1, -2, 3.5, 0.25, -0.125, 1e-3]);
const vector = Float32Array.from([0.1, -0.2, 0.3, 65504, -1e-8]);

const contents: GgufContents = {
  metadata: [
    ["general.architecture", gguf.str("llama")],
    ["test.u32", gguf.u32(4294967295)],
    ["test.i32", gguf.i32(-7)],
    ["test.f32", gguf.f32(0.5)],
    ["test.bool", gguf.bool(true)],
    ["test.unicode", gguf.str("panadería ¿Cuándo? ñ 🍞")],
    ["test.strings", gguf.strings(["a", "Ġb", ""])],
    ["test.i32s", gguf.i32s([1, -1, 3])],
    ["test.u32s", gguf.u32s([0, 7])],
    ["test.f32s", gguf.f32s([1.5, -2.25])],
  ],
  tensors: [
    // Three chunks, so the streaming path joins them.
    {
      name: "m",
      dims: [3, 2],
      type: "f32",
      chunks: () => [matrix.subarray(0, 2), matrix.subarray(2, 5), matrix.subarray(5)],
    },
    { name: "v", dims: [5], type: "f16", chunks: () => [vector] },
    { name: "last", dims: [1, 1, 1], type: "f32", chunks: () => [Float32Array.of(42)] },
  ],
};

describe("writeGguf", () => {
  it("writes a file that an independent GGUF reader parses, with the same metadata and value types", async () => {
    const path = join(dir, "all-types.gguf");
    const result = await writeGguf(path, contents);
    const file = await readFile(path);
    expect(result.bytes).toBe(file.length);
    expect(file.subarray(0, 4).toString("latin1")).toBe("GGUF");
    expect(file.readUInt32LE(4)).toBe(3);

    const parsed = await readGguf(path, { allowLocalFile: true, typedMetadata: true });
    const meta = parsed.typedMetadata;
    expect(meta.version.value).toBe(3);
    expect(meta.tensor_count.value).toBe(3n);
    expect(meta.kv_count.value).toBe(BigInt(contents.metadata.length + 1));
    expect(meta["general.alignment"]).toEqual({ value: GGUF_ALIGNMENT, type: GGUFValueType.UINT32 });
    expect(meta["test.u32"]).toEqual({ value: 4294967295, type: GGUFValueType.UINT32 });
    expect(meta["test.i32"]).toEqual({ value: -7, type: GGUFValueType.INT32 });
    expect(meta["test.f32"]).toEqual({ value: 0.5, type: GGUFValueType.FLOAT32 });
    expect(meta["test.bool"]).toEqual({ value: true, type: GGUFValueType.BOOL });
    expect(meta["test.unicode"]?.value).toBe("panadería ¿Cuándo? ñ 🍞");
    expect(meta["test.strings"]).toEqual({
      value: ["a", "Ġb", ""],
      type: GGUFValueType.ARRAY,
      subType: GGUFValueType.STRING,
    });
    expect(meta["test.i32s"]).toMatchObject({ value: [1, -1, 3], subType: GGUFValueType.INT32 });
    expect(meta["test.u32s"]).toMatchObject({ value: [0, 7], subType: GGUFValueType.UINT32 });
    expect(meta["test.f32s"]).toMatchObject({ value: [1.5, -2.25], subType: GGUFValueType.FLOAT32 });
  });

  it("lays tensors out aligned, ne0 first, with the data it was given (F32 and F16)", async () => {
    const path = join(dir, "layout.gguf");
    const result = await writeGguf(path, contents);
    const parsed = await readGguf(path, { allowLocalFile: true });
    const file = await readFile(path);
    expect(parsed.tensorInfos.map((t) => [t.name, t.shape, t.dtype])).toEqual([
      ["m", [3n, 2n], GGMLQuantizationType.F32],
      ["v", [5n], GGMLQuantizationType.F16],
      ["last", [1n, 1n, 1n], GGMLQuantizationType.F32],
    ]);
    const base = Number(parsed.tensorDataOffset);
    expect(base % GGUF_ALIGNMENT).toBe(0);
    const [m, v, last] = parsed.tensorInfos.map((t) => base + Number(t.offset));
    for (const offset of [m, v, last]) expect(offset! % GGUF_ALIGNMENT).toBe(0);

    const floats = (at: number, n: number) =>
      Array.from({ length: n }, (_, i) => file.readFloatLE(at + 4 * i));
    expect(floats(m!, 6)).toEqual(Array.from(matrix));
    expect(Array.from({ length: 5 }, (_, i) => file.readUInt16LE(v! + 2 * i))).toEqual(
      Array.from(vector, (x) => f32ToF16Bits(x)),
    );
    expect(floats(last!, 1)).toEqual([42]);
    // The file ends with the last tensor, padded to the alignment.
    expect(result.bytes).toBe(last! + GGUF_ALIGNMENT);
  });

  it("is deterministic and reports the SHA-256 of what it wrote", async () => {
    const a = await writeGguf(join(dir, "a.gguf"), contents);
    const b = await writeGguf(join(dir, "b.gguf"), contents);
    expect(a.sha256).toBe(b.sha256);
    const { createHash } = await import("node:crypto");
    expect(
      createHash("sha256")
        .update(await readFile(join(dir, "a.gguf")))
        .digest("hex"),
    ).toBe(a.sha256);
  });

  const tensor = (over: Partial<GgufTensor>): GgufTensor => ({
    name: "t",
    dims: [2],
    type: "f32",
    chunks: () => [new Float32Array(2)],
    ...over,
  });
  it.each<[string, GgufContents]>([
    ["a tensor with too few values", { metadata: [], tensors: [tensor({ dims: [3] })] }],
    ["a tensor with too many values", { metadata: [], tensors: [tensor({ dims: [1] })] }],
    ["a zero dimension", { metadata: [], tensors: [tensor({ dims: [0] })] }],
    ["five dimensions", { metadata: [], tensors: [tensor({ dims: [1, 1, 1, 1, 2] })] }],
    ["a duplicate tensor name", { metadata: [], tensors: [tensor({}), tensor({})] }],
    [
      "a duplicate key",
      {
        metadata: [
          ["k", gguf.u32(1)],
          ["k", gguf.u32(2)],
        ],
        tensors: [],
      },
    ],
    ["general.alignment from the caller", { metadata: [["general.alignment", gguf.u32(64)]], tensors: [] }],
    ["a negative uint32", { metadata: [["k", gguf.u32(-1)]], tensors: [] }],
    ["a fractional int32", { metadata: [["k", gguf.i32s([1.5])]], tensors: [] }],
  ])("rejects %s with gguf_invalid", async (_, bad) => {
    const error = await writeGguf(join(dir, "bad.gguf"), bad).catch((e: unknown) => e);
    expect(AlambiqueError.isInstance(error) && error.code).toBe("gguf_invalid");
  });
});
