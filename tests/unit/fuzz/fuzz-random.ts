/**
 * The fuzz suite's randomness: one seeded generator (mulberry32) per run, so a failure can be replayed
 * with `DECA_FUZZ_SEED=<seed> npx vitest run --project unit tests/unit/fuzz`. Without the variable the
 * fixed default seed is used (and printed); `DECA_FUZZ_SEED=random` draws a fresh one to explore.
 */
export function fuzzSeed(): number {
  const given = process.env.DECA_FUZZ_SEED;
  if (given === 'random') return (Math.random() * 2 ** 32) >>> 0;
  if (given !== undefined && /^\d+$/.test(given)) return Number(given) >>> 0;
  // A fixed seed by default: `npm test` (and CI) run the same inputs every time, so a red run is
  // reproducible and never a coin toss; DECA_FUZZ_SEED=random explores new inputs.
  return DEFAULT_FUZZ_SEED;
}

/** The seed `npm test` runs with. */
export const DEFAULT_FUZZ_SEED = 20261130;

export class FuzzRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** A value that often breaks parsers: boundaries of 8, 16 and 32 bits, zero, one, all ones. */
  interesting(): number {
    return this.pick([0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, this.int(2 ** 32)]);
  }

  /**
   * A mutated copy of `input`: a few of bit flips, random or interesting bytes and 16/32-bit words,
   * truncation, cut-outs, duplicated or inserted runs.
   */
  mutate(input: Uint8Array, rounds = 1 + this.int(4)): Buffer {
    let b = Buffer.from(input);
    for (let r = 0; r < rounds; r++) {
      const at = b.length ? this.int(b.length) : 0;
      switch (this.int(9)) {
        case 0:
          if (b.length) b[at] = b[at]! ^ (1 << this.int(8));
          break;
        case 1:
          if (b.length) b[at] = this.int(256);
          break;
        case 2:
          if (b.length >= 2) b.writeUInt16LE(this.interesting() & 0xffff, Math.min(at, b.length - 2));
          break;
        case 3:
          if (b.length >= 4) b.writeUInt32LE(this.interesting() >>> 0, Math.min(at, b.length - 4));
          break;
        case 4:
          b = b.subarray(0, at);
          break;
        case 5: {
          const len = this.int(Math.min(64, b.length - at) + 1);
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
          break;
        }
        case 6: {
          const len = this.int(Math.min(64, b.length - at) + 1);
          b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
          break;
        }
        case 7:
          b = Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(16)), b.subarray(at)]);
          break;
        default:
          if (b.length) b.fill(this.pick([0, 0xff, 0x20, 0x30]), at, Math.min(b.length, at + 1 + this.int(32)));
      }
    }
    return b;
  }

  /** Text that tends to upset validators: control characters, huge or odd Unicode, prototype names. */
  nastyString(): string {
    return this.pick([
      '',
      ' ',
      'Ann',
      '__proto__',
      'constructor',
      'toString',
      'a\nb',
      '\u0000',
      '\u001b[2J',
      '\u202egpj.exe',
      '\ud800',
      '../../etc/passwd',
      '%2e%2e%2f',
      'x'.repeat(300),
      'y'.repeat(5000),
      '😀'.repeat(50),
      'null',
      '0',
      String(this.int(1e9)),
    ]);
  }

  /** A random JSON-ish value (for API payloads), nested up to `depth`. */
  value(depth = 2): unknown {
    const kind = this.int(depth > 0 ? 11 : 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1, 1.5, -0, 2 ** 53, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER + 2, 42, this.int(1000)]);
      case 3:
        return this.pick([NaN, Infinity, -Infinity]);
      case 4:
      case 5:
        return this.nastyString();
      case 6:
        return undefined;
      case 7:
        return this.int(100);
      case 8:
        return Array.from({ length: this.int(5) }, () => this.value(depth - 1));
      case 9:
        return Array.from({ length: this.pick([0, 1, 1001, 3000]) }, () => this.int(3));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) out[this.chance(0.3) ? this.nastyString() : this.pick(['name', 'id', 'path', 'subjectId', 'packId', 'format', 'shape'])] = this.value(depth - 1);
        return out;
      }
    }
  }
}

/** True for an error a person can act on: an Error of ours with a real message, not a JavaScript engine failure. */
export function isClearError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError) return false;
  const m = error.message;
  return m.length > 3 && m.length < 2000 && !/undefined|is not a function|Cannot read properties|outside the bounds|Invalid (typed )?array length|Maximum call stack/.test(m);
}
