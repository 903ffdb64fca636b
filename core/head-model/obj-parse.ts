import { INPUT_LIMITS, LimitError, type InputLimits } from '../limits/input-limits';

/** A Wavefront OBJ mesh: polygons fan-triangulated, texture indices kept per corner. */
export interface ObjMesh {
  /** V×3 positions. */
  positions: Float32Array;
  /** N×2 texture coordinates (empty when the file has none). */
  uvs: Float32Array;
  /** F×3 position indices (0-based). */
  triangles: Uint32Array;
  /** F×3 texture indices (0-based), or null when faces carry none. */
  uvTriangles: Uint32Array | null;
  /** Number of polygons in the file before triangulation. */
  polygonCount: number;
}

export interface ObjParseOptions extends Pick<InputLimits, 'meshVertices' | 'meshTriangles'> {
  /** Read only `v` lines (blendshape targets share the neutral's faces): about twice as fast. */
  positionsOnly: boolean;
}

export const OBJ_PARSE_DEFAULTS: ObjParseOptions = {
  positionsOnly: false,
  meshVertices: INPUT_LIMITS.meshVertices,
  meshTriangles: INPUT_LIMITS.meshTriangles,
};

const POW10 = Array.from({ length: 40 }, (_, i) => 10 ** i);

/**
 * Parses OBJ bytes without decoding them to a string (a 2.5 MB ICT target parses in a few ms).
 * Polygons become triangle fans (a quad abcd → abc, acd); negative (relative) indices are resolved.
 * Vertex and triangle counts are held to the limits while parsing, and every number must be finite.
 *
 * ```ts
 * const neutral = parseObj(zip.read(entry));
 * const target = parseObj(zip.read(other), { positionsOnly: true }).positions;
 * ```
 */
export function parseObj(bytes: Uint8Array, options: Partial<ObjParseOptions> = {}): ObjMesh {
  const limits = { ...INPUT_LIMITS, ...OBJ_PARSE_DEFAULTS, ...options };
  const { positionsOnly } = limits;
  const pos: number[] = [], uv: number[] = [], tri: number[] = [], uvTri: number[] = [];
  let polygons = 0;
  let anyUv = false;
  const n = bytes.length;
  let i = 0;
  let line = 1;

  const skipSpaces = () => {
    while (i < n && (bytes[i] === 32 || bytes[i] === 9)) i++;
  };
  const fail = (msg: string): never => {
    throw new Error(`OBJ line ${line}: ${msg}`);
  };
  const number = (): number => {
    skipSpaces();
    let sign = 1;
    if (bytes[i] === 45) (sign = -1), i++;
    else if (bytes[i] === 43) i++;
    let mant = 0, digits = 0, exp = 0;
    while (i < n && bytes[i]! >= 48 && bytes[i]! <= 57) (mant = mant * 10 + bytes[i++]! - 48), digits++;
    if (bytes[i] === 46) {
      i++;
      while (i < n && bytes[i]! >= 48 && bytes[i]! <= 57) (mant = mant * 10 + bytes[i++]! - 48), digits++, exp--;
    }
    if (digits === 0) fail('expected a number');
    if (bytes[i] === 101 || bytes[i] === 69) {
      i++;
      let es = 1, e = 0;
      if (bytes[i] === 45) (es = -1), i++;
      else if (bytes[i] === 43) i++;
      while (i < n && bytes[i]! >= 48 && bytes[i]! <= 57) e = e * 10 + bytes[i++]! - 48;
      exp += es * e;
    }
    const value = exp === 0 ? sign * mant : sign * (exp < 0 ? (exp > -40 ? mant / POW10[-exp]! : mant * 10 ** exp) : mant * 10 ** exp);
    if (!Number.isFinite(value)) throw new LimitError('meshCoordinate', `OBJ line ${line}: a number is out of range (not finite)`);
    return value;
  };
  const int = (): number => {
    let sign = 1;
    if (bytes[i] === 45) (sign = -1), i++;
    let v = 0, d = 0;
    while (i < n && bytes[i]! >= 48 && bytes[i]! <= 57) (v = v * 10 + bytes[i++]! - 48), d++;
    if (!d) fail('expected an index');
    return sign * v;
  };
  const toEnd = () => {
    while (i < n && bytes[i] !== 10) i++;
  };
  const corner: number[] = [], cornerUv: number[] = [];

  while (i < n) {
    const c = bytes[i]!;
    const c1 = bytes[i + 1];
    if (c === 118 && (c1 === 32 || c1 === 9)) {
      i += 2;
      pos.push(number(), number(), number());
      if (pos.length > limits.meshVertices * 3) throw new LimitError('meshVertices', `OBJ line ${line}: more than ${limits.meshVertices.toLocaleString('en-US')} vertices`, limits);
    } else if (!positionsOnly && c === 118 && c1 === 116 && (bytes[i + 2] === 32 || bytes[i + 2] === 9)) {
      i += 3;
      uv.push(number(), number());
    } else if (!positionsOnly && c === 102 && (c1 === 32 || c1 === 9)) {
      i += 2;
      corner.length = 0;
      cornerUv.length = 0;
      for (;;) {
        skipSpaces();
        if (i >= n || bytes[i] === 10 || bytes[i] === 13) break;
        let v = int();
        v = v < 0 ? pos.length / 3 + v : v - 1;
        let t = -1;
        if (bytes[i] === 47) {
          i++;
          if (bytes[i] !== 47) {
            t = int();
            t = t < 0 ? uv.length / 2 + t : t - 1;
          }
          if (bytes[i] === 47) {
            i++;
            int(); // normal index: not used
          }
        }
        corner.push(v);
        cornerUv.push(t);
      }
      if (corner.length < 3) fail('face with fewer than 3 corners');
      polygons++;
      if (tri.length / 3 + corner.length - 2 > limits.meshTriangles) {
        throw new LimitError('meshTriangles', `OBJ line ${line}: more than ${limits.meshTriangles.toLocaleString('en-US')} triangles`, limits);
      }
      for (let k = 1; k + 1 < corner.length; k++) {
        tri.push(corner[0]!, corner[k]!, corner[k + 1]!);
        uvTri.push(cornerUv[0]!, cornerUv[k]!, cornerUv[k + 1]!);
        if (cornerUv[0]! >= 0) anyUv = true;
      }
    }
    toEnd();
    i++;
    line++;
  }
  const V = pos.length / 3;
  for (const v of tri) if (v < 0 || v >= V) throw new Error(`OBJ face references vertex ${v + 1} of ${V}`);
  let uvTriangles: Uint32Array | null = null;
  if (anyUv) {
    const N = uv.length / 2;
    for (const t of uvTri) if (t < 0 || t >= N) throw new Error('OBJ faces mix corners with and without texture coordinates, or reference a missing one');
    uvTriangles = Uint32Array.from(uvTri);
  }
  return { positions: Float32Array.from(pos), uvs: Float32Array.from(uv), triangles: Uint32Array.from(tri), uvTriangles, polygonCount: polygons };
}
