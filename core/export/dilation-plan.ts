/**
 * How to grow a map's known texels outwards ring by ring: each target texel (in ring order) takes
 * the mean of its already-known 8-neighbours. Planned once for a set of known texels and applied to
 * any number of maps over that set (a static map and its wrinkle maps share one plan), so texture
 * filtering (bilinear, mip maps, bicubic taps) near an edge reads the edge's own values, not a
 * neighbouring chart's or empty space.
 */
export interface DilationPlan {
  /** Target texels, ring by ring. */
  target: Int32Array;
  /** Sources of target i: `sources[start[i] … start[i + 1])`. */
  start: Int32Array;
  sources: Int32Array;
}

export interface DilationPlanOptions {
  /** How many rings to grow. */
  rings: number;
  /** Only texels inside [x0, y0, x1, y1) (half-open) are grown into; the whole grid when null. */
  window: readonly [number, number, number, number] | null;
}

export const DILATION_PLAN_DEFAULTS: DilationPlanOptions = { rings: 4, window: null };

/**
 * Plans the dilation of the texels `known` marks (1) on a `width × height` grid.
 *
 * ```ts
 * const plan = dilationPlan(known, 256, 256, { rings: 3 });
 * applyDilation(plan, values, 1);
 * ```
 */
export function dilationPlan(known: Uint8Array, width: number, height: number, options: Partial<DilationPlanOptions> = {}): DilationPlan {
  const o = { ...DILATION_PLAN_DEFAULTS, ...options };
  const [x0, y0, x1, y1] = o.window ?? [0, 0, width, height];
  const wx0 = Math.max(0, x0), wy0 = Math.max(0, y0), wx1 = Math.min(width, x1), wy1 = Math.min(height, y1);
  // 1: known or grown in an earlier ring; 2: queued for the ring being planned.
  const state = new Uint8Array(known.length);
  for (let i = 0; i < known.length; i++) if (known[i]) state[i] = 1;
  const target: number[] = [], start: number[] = [0], sources: number[] = [];
  /** Calls `f` with each in-grid 8-neighbour of texel i. */
  const neighbours = (i: number, f: (j: number, x: number, y: number) => void) => {
    const x = i % width, y = (i - x) / width;
    for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
      for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) if (nx !== x || ny !== y) f(ny * width + nx, nx, ny);
    }
  };
  // Ring 0: unknown texels of the window beside known ones; later rings: unknown neighbours of the last.
  let frontier: number[] = [];
  for (let y = wy0; y < wy1; y++) {
    const up = Math.max(0, y - 1) * width, mid = y * width, down = Math.min(height - 1, y + 1) * width;
    for (let x = wx0; x < wx1; x++) {
      if (state[mid + x]) continue;
      const l = Math.max(0, x - 1), r = Math.min(width - 1, x + 1);
      if (state[up + l] === 1 || state[up + x] === 1 || state[up + r] === 1 || state[mid + l] === 1 || state[mid + r] === 1 || state[down + l] === 1 || state[down + x] === 1 || state[down + r] === 1) {
        frontier.push(mid + x);
      }
    }
  }
  for (const i of frontier) state[i] = 2;
  for (let ring = 0; ring < o.rings && frontier.length; ring++) {
    for (const i of frontier) {
      neighbours(i, (j) => {
        if (state[j] === 1) sources.push(j);
      });
      target.push(i);
      start.push(sources.length);
    }
    // Marked known after the whole ring is planned, so a ring reads only earlier rings.
    const grown = frontier;
    for (const i of grown) state[i] = 1;
    frontier = [];
    if (ring + 1 === o.rings) break;
    for (const i of grown) {
      neighbours(i, (j, x, y) => {
        if (state[j] === 0 && x >= wx0 && y >= wy0 && x < wx1 && y < wy1) {
          state[j] = 2;
          frontier.push(j);
        }
      });
    }
  }
  return { target: Int32Array.from(target), start: Int32Array.from(start), sources: Int32Array.from(sources) };
}

/**
 * Applies a plan in place to an interleaved map with `channels` values per texel (integer arrays
 * are rounded).
 *
 * ```ts
 * applyDilation(plan, rgb, 3);
 * ```
 */
export function applyDilation(plan: DilationPlan, values: Float32Array | Uint8Array, channels: number): void {
  const round = values instanceof Uint8Array;
  for (let k = 0; k < plan.target.length; k++) {
    const a = plan.start[k]!, b = plan.start[k + 1]!, t = plan.target[k]! * channels;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let s = a; s < b; s++) sum += values[plan.sources[s]! * channels + c]!;
      values[t + c] = round ? Math.round(sum / (b - a)) : sum / (b - a);
    }
  }
}
