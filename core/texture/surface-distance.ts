/**
 * Shortest distances along a mesh's edges (as `skinEdges` lists them: CSR `offset`, `neighbour`,
 * edge `length`) from the `source` vertices (Dijkstra), up to `limit` (farther vertices keep
 * Infinity). Vertices with no edge are Infinity unless sources.
 *
 * ```ts
 * const { offset, neighbour, length } = skinEdges(model);
 * const d = surfaceDistance(offset, neighbour, length, onEar, 0.03); // metres over the skin, ≤ 3 cm
 * ```
 */
export function surfaceDistance(offset: Int32Array, neighbour: Int32Array, length: Float64Array, source: Uint8Array, limit: number): Float64Array {
  const V = source.length;
  const dist = new Float64Array(V).fill(Infinity);
  const heap = new MinHeap();
  for (let v = 0; v < V; v++) if (source[v]) (dist[v] = 0), heap.push(v, 0);
  while (heap.size) {
    const [v, d] = heap.pop();
    if (d > dist[v]!) continue;
    for (let e = offset[v]!; e < offset[v + 1]!; e++) {
      const u = neighbour[e]!, nd = d + length[e]!;
      if (nd < dist[u]! && nd <= limit) (dist[u] = nd), heap.push(u, nd);
    }
  }
  return dist;
}

/** Binary min-heap of (vertex, distance) pairs. */
class MinHeap {
  private items: number[] = [];
  private keys: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(item: number, key: number): void {
    const it = this.items, k = this.keys;
    let i = it.length;
    it.push(item), k.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      (it[i] = it[p]!), (k[i] = k[p]!);
      i = p;
    }
    (it[i] = item), (k[i] = key);
  }
  pop(): [number, number] {
    const it = this.items, k = this.keys;
    const top: [number, number] = [it[0]!, k[0]!];
    const lastItem = it.pop()!, lastKey = k.pop()!;
    const n = it.length;
    if (n) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && k[c + 1]! < k[c]!) c++;
        if (k[c]! >= lastKey) break;
        (it[i] = it[c]!), (k[i] = k[c]!);
        i = c;
      }
      (it[i] = lastItem), (k[i] = lastKey);
    }
    return top;
  }
}
