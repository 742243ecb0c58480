/**
 * Deterministic normally distributed numbers for random weights.
 *
 * xoshiro128** (32-bit state words, so no BigInt in the hot loop) seeded by
 * splitmix32 from the forge seed and an FNV-1a hash of a stream name (the
 * tensor name): each tensor gets its own stream, so a tensor's values do not
 * depend on which tensors come before it or on chunk sizes. Normals come from
 * Box–Muller. V8 implements Math.log/cos/sin in software (fdlibm), so the same
 * seed gives the same bits on every platform.
 */
export class SeededNormal {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare: number | undefined;

  /** `seed` is an unsigned 32-bit integer; `stream` names an independent sequence. */
  constructor(seed: number, stream: string) {
    let state = (seed ^ fnv1a(stream)) >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      return mix32(state);
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    // The all-zero state is xoshiro's one fixed point.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** Next uniform unsigned 32-bit integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Next standard normal (mean 0, standard deviation 1). */
  next(): number {
    if (this.#spare !== undefined) {
      const spare = this.#spare;
      this.#spare = undefined;
      return spare;
    }
    // u1 in (0, 1] keeps log finite; u2 in [0, 1).
    const u1 = (this.nextUint32() + 1) / 4294967296;
    const u2 = this.nextUint32() / 4294967296;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fills `out` with normals of the given standard deviation (mean 0). */
  fill(out: Float32Array, std: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.next() * std;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** splitmix32's finaliser (a strong 32-bit avalanche). */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
