import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { AlambiqueError } from "../../spec/errors.js";
import { f32ToF16Bits } from "./half-float.js";

/**
 * A GGUF v3 writer (little-endian), as specified in ggml's docs/gguf.md:
 *
 *   "GGUF" | u32 version=3 | u64 tensor count | u64 KV count
 *   KV*:          string key | u32 value type | value
 *   tensor info*: string name | u32 n_dims | u64 ne[n_dims] | u32 ggml type | u64 offset
 *   zero padding to `general.alignment`, then each tensor's data, padded to the alignment
 *
 * Strings are a u64 byte length then UTF-8 bytes (no terminator); arrays are a
 * u32 item type, a u64 length, then the items. `ne[0]` is the fastest-moving
 * dimension (a row's length): a PyTorch (out, in) weight is written [in, out].
 * Offsets are relative to the start of the data section.
 *
 * The header is built in memory (it holds the vocabulary: at most a few MB);
 * tensor data is streamed chunk by chunk from each tensor's `chunks()`.
 */

export type GgufValue =
  | { type: "uint32"; value: number }
  | { type: "int32"; value: number }
  | { type: "float32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: "string"; value: readonly string[] }
  | { type: "array"; itemType: "uint32" | "int32" | "float32"; value: ArrayLike<number> };

/** Shorthands for metadata values. */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: "uint32", value }),
  i32: (value: number): GgufValue => ({ type: "int32", value }),
  f32: (value: number): GgufValue => ({ type: "float32", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  str: (value: string): GgufValue => ({ type: "string", value }),
  strings: (value: readonly string[]): GgufValue => ({ type: "array", itemType: "string", value }),
  i32s: (value: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "int32", value }),
  u32s: (value: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "uint32", value }),
  f32s: (value: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "float32", value }),
};

export type GgmlType = "f32" | "f16";

export interface GgufTensor {
  name: string;
  /** ne0 first (fastest-moving). 1 to 4 positive integers. */
  dims: readonly number[];
  type: GgmlType;
  /** Yields the tensor's values in storage order; in total exactly the product of `dims`. */
  chunks: () => Iterable<Float32Array>;
}

export interface GgufContents {
  /** Written in this order. `general.alignment` is added by the writer and must not be given. */
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
}

export interface GgufWriteResult {
  bytes: number;
  /** Hex SHA-256 of the file as written. */
  sha256: string;
}

export const GGUF_ALIGNMENT = 32;

const VALUE_TYPE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_TYPE: Record<GgmlType, { id: number; size: number }> = {
  f32: { id: 0, size: 4 },
  f16: { id: 1, size: 2 },
};

/**
 * Writes `contents` to `path` (created or truncated). Throws AlambiqueError
 * `gguf_invalid` for contents that would not make a valid file (bad dims,
 * duplicate names, out-of-range numbers, wrong element counts); file-system
 * errors propagate as they are.
 */
export async function writeGguf(path: string, contents: GgufContents): Promise<GgufWriteResult> {
  const header = encodeHeader(contents);
  const hash = createHash("sha256");
  const file = await open(path, "w");
  let bytes = 0;
  const put = async (chunk: Uint8Array): Promise<void> => {
    hash.update(chunk);
    let done = 0;
    while (done < chunk.length) done += (await file.write(chunk, done, chunk.length - done)).bytesWritten;
    bytes += chunk.length;
  };
  try {
    await put(header);
    for (const tensor of contents.tensors) {
      let written = 0;
      for (const chunk of tensor.chunks()) {
        written += chunk.length;
        if (written > elementCount(tensor.dims)) break;
        await put(encodeData(chunk, tensor.type));
      }
      if (written !== elementCount(tensor.dims)) {
        throw invalid(`tensor ${tensor.name} yielded ${written} values for dims [${tensor.dims}]`);
      }
      await put(new Uint8Array(padding(bytes)));
    }
  } finally {
    await file.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Header, KVs, tensor infos and the padding before the data section. */
function encodeHeader({ metadata, tensors }: GgufContents): Uint8Array {
  const out = new ByteSink();
  out.raw(new TextEncoder().encode("GGUF"));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length + 1);
  const keys = new Set<string>();
  for (const [key, value] of [...metadata, ["general.alignment", gguf.u32(GGUF_ALIGNMENT)] as const]) {
    if (keys.has(key)) throw invalid(`metadata key ${key} given twice (general.alignment is the writer's)`);
    keys.add(key);
    out.string(key);
    out.value(key, value);
  }
  const names = new Set<string>();
  let offset = 0;
  for (const tensor of tensors) {
    const { name, dims, type } = tensor;
    if (names.has(name)) throw invalid(`tensor ${name} given twice`);
    names.add(name);
    if (dims.length < 1 || dims.length > 4 || dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
      throw invalid(`tensor ${name} has invalid dims [${dims}]`);
    }
    out.string(name);
    out.u32(dims.length);
    for (const d of dims) out.u64(d);
    out.u32(GGML_TYPE[type].id);
    out.u64(offset);
    offset += elementCount(dims) * GGML_TYPE[type].size;
    offset += padding(offset);
  }
  out.raw(new Uint8Array(padding(out.length)));
  return out.bytes();
}

function encodeData(chunk: Float32Array, type: GgmlType): Uint8Array {
  if (type === "f16") {
    const half = new Uint16Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) half[i] = f32ToF16Bits(chunk[i]!);
    return littleEndian(half);
  }
  return littleEndian(chunk);
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The array's bytes in little-endian order (a view when the host already is). */
function littleEndian(array: Float32Array | Uint16Array): Uint8Array {
  const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (hostIsLittleEndian) return view;
  const copy = view.slice();
  const width = array.BYTES_PER_ELEMENT;
  for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  return copy;
}

const elementCount = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const padding = (length: number): number => (GGUF_ALIGNMENT - (length % GGUF_ALIGNMENT)) % GGUF_ALIGNMENT;

function invalid(message: string): AlambiqueError {
  return new AlambiqueError(`cannot write GGUF: ${message}`, {
    code: "gguf_invalid",
    status: 500,
    retryable: false,
    hint: "this is a bug in the caller of the GGUF writer; report it with the message above",
  });
}

/** A growable little-endian byte buffer for the header. */
class ByteSink {
  #buffer = new Uint8Array(1 << 16);
  #view = new DataView(this.#buffer.buffer);
  length = 0;

  #reserve(extra: number): DataView {
    if (this.length + extra > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.length + extra));
      grown.set(this.#buffer.subarray(0, this.length));
      this.#buffer = grown;
      this.#view = new DataView(grown.buffer);
    }
    return this.#view;
  }
  bytes(): Uint8Array {
    return this.#buffer.slice(0, this.length);
  }
  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
  u32(v: number): void {
    this.#reserve(4).setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.#reserve(4).setInt32(this.length, v, true);
    this.length += 4;
  }
  f32(v: number): void {
    this.#reserve(4).setFloat32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    this.#reserve(8).setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    this.raw(bytes);
  }
  value(key: string, v: GgufValue): void {
    this.u32(VALUE_TYPE[v.type]);
    if (v.type === "array") {
      this.u32(VALUE_TYPE[v.itemType]);
      this.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) this.#scalar(key, v.itemType, v.value[i]!);
    } else {
      this.#scalar(key, v.type, v.value);
    }
  }
  #scalar(key: string, type: Exclude<GgufValue["type"], "array">, v: number | string | boolean): void {
    if (type === "string") {
      this.string(v as string);
    } else if (type === "bool") {
      this.raw(new Uint8Array([v ? 1 : 0]));
    } else if (type === "float32") {
      this.f32(v as number);
    } else {
      const n = v as number;
      const [min, max] = type === "uint32" ? [0, 0xffffffff] : [-0x80000000, 0x7fffffff];
      if (!Number.isInteger(n) || n < min || n > max) throw invalid(`${key}: ${n} is not a valid ${type}`);
      if (type === "uint32") this.u32(n);
      else this.i32(n);
    }
  }
}
