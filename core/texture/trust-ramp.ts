import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';
import { skinEdges } from './skin-edges';

export interface TrustRampOptions {
  /** Distance over the surface (metres) from a large unseen area within which photo colour fades into the fill. */
  blendLength: number;
  /**
   * Smallest unseen area (m²) that photo colour fades towards: the scalp, the back of the head, under
   * the chin. Smaller ones — the skin behind the eyeballs, inside the nostrils — keep their
   * surroundings' photo colour sharp (the eyelids are not blurred for the eye socket behind them).
   */
  minHoleArea: number;
}

export const TRUST_RAMP_DEFAULTS: TrustRampOptions = { blendLength: 0.03, minHoleArea: 0.002 };

/**
 * Per vertex, how far photo colour may be trusted for being away from what no photo saw: 0 on and
 * next to a large unseen area (`unseen` vertices connected over skin edges, `minHoleArea` or more),
 * rising smoothly to 1 at `blendLength` from it over the surface (shortest paths along mesh edges).
 * Blending photo and fill by it makes the edge of what the photos saw a fade a centimetre or two wide
 * instead of a line where texel detail meets the smooth fill.
 *
 * ```ts
 * const ramp = trustRamp(model, unseen); // texel trust = min(confidence, interpolated ramp)
 * ```
 */
export function trustRamp(model: HeadModel, unseen: Uint8Array, options: Partial<TrustRampOptions> = {}): Float32Array {
  const o = { ...TRUST_RAMP_DEFAULTS, ...options };
  const V = model.template.length / 3, P = model.template, tri = model.triangles;
  const parts = triangleParts(model);
  const T = tri.length / 3;
  const { offset: deg, neighbour: nbr, length } = skinEdges(model);
  // Vertex areas: a third of each skin triangle's (Heron's formula on its edge lengths).
  const area = new Float64Array(V);
  const d = (a: number, b: number) => Math.hypot(P[a * 3]! - P[b * 3]!, P[a * 3 + 1]! - P[b * 3 + 1]!, P[a * 3 + 2]! - P[b * 3 + 2]!);
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    const a = tri[t * 3]!, b = tri[t * 3 + 1]!, c = tri[t * 3 + 2]!;
    const ab = d(a, b), bc = d(b, c), ca = d(c, a), s = (ab + bc + ca) / 2;
    const A = Math.sqrt(Math.max(0, s * (s - ab) * (s - bc) * (s - ca)));
    area[a] += A / 3;
    area[b] += A / 3;
    area[c] += A / 3;
  }
  // Unseen components and their areas; only large ones are sources.
  const comp = new Int32Array(V).fill(-1);
  const compArea: number[] = [];
  const stack: number[] = [];
  for (let v = 0; v < V; v++) {
    if (!unseen[v] || comp[v]! >= 0) continue;
    const id = compArea.length;
    let sum = 0;
    comp[v] = id;
    stack.push(v);
    while (stack.length) {
      const u = stack.pop()!;
      sum += area[u]!;
      for (let e = deg[u]!; e < deg[u + 1]!; e++) {
        const w = nbr[e]!;
        if (unseen[w] && comp[w]! < 0) (comp[w] = id), stack.push(w);
      }
    }
    compArea.push(sum);
  }
  const dist = new Float64Array(V).fill(Infinity);
  for (let v = 0; v < V; v++) if (comp[v]! >= 0 && compArea[comp[v]!]! >= o.minHoleArea) dist[v] = 0;
  // Shortest paths by relaxation sweeps, alternating direction; only distances below blendLength matter.
  // A vertex with no neighbour that near can gain nothing from a sweep: only those with one (`near`,
  // set as distances fall below it — they never rise) are relaxed, in the same order.
  const bl = o.blendLength;
  const near = new Uint8Array(V);
  const markNeighbours = (v: number) => {
    for (let e = deg[v]!; e < deg[v + 1]!; e++) near[nbr[e]!] = 1;
  };
  for (let v = 0; v < V; v++) if (dist[v]! < bl) markNeighbours(v);
  for (let sweep = 0, changed = true; changed && sweep < 500; sweep++) {
    changed = false;
    const forward = sweep % 2 === 0;
    for (let k = 0; k < V; k++) {
      const v = forward ? k : V - 1 - k;
      if (!near[v]) continue;
      for (let e = deg[v]!; e < deg[v + 1]!; e++) {
        const u = nbr[e]!;
        if (!(dist[u]! < bl)) continue;
        const through = dist[u]! + length[e]!;
        if (through < dist[v]! - 1e-9) {
          (dist[v] = through), (changed = true);
          if (through < bl) markNeighbours(v);
        }
      }
    }
  }
  const ramp = new Float32Array(V);
  for (let v = 0; v < V; v++) {
    const x = Math.min(1, dist[v]! / o.blendLength);
    ramp[v] = x * x * (3 - 2 * x);
  }
  return ramp;
}
