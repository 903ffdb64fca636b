import { node, P, type FbxNode, type FbxProperty } from './fbx-binary';

/** FBX time units per second (KTime). */
export const KTIME_PER_SECOND = 46186158000;

/** One `P` entry of a `Properties70` block: name, type, label, flags, then values. */
export function prop70(name: string, type: string, label: string, flags: string, ...values: (number | string | FbxProperty)[]): FbxNode {
  return node('P', [
    P.str(name),
    P.str(type),
    P.str(label),
    P.str(flags),
    ...values.map((v) => (typeof v === 'string' ? P.str(v) : typeof v === 'number' ? (type === 'int' || type === 'enum' || type === 'bool' ? P.i32(v) : type === 'KTime' ? P.i64(v) : P.f64(v)) : v)),
  ]);
}

export function properties70(...entries: FbxNode[]): FbxNode {
  return node('Properties70', [], entries);
}

/** The "Name\0\1Class" form FBX uses for object names. */
export function objectName(name: string, cls: string): FbxProperty {
  return P.str(`${name}\u0000\u0001${cls}`);
}

/** An object-object connection (child → parent). */
export function connectOO(child: bigint, parent: bigint): FbxNode {
  return node('C', [P.str('OO'), P.i64(child), P.i64(parent)]);
}

/** An object-property connection (child → parent's property, e.g. a texture → "DiffuseColor"). */
export function connectOP(child: bigint, parent: bigint, property: string): FbxNode {
  return node('C', [P.str('OP'), P.i64(child), P.i64(parent), P.str(property)]);
}

/** A translation-only matrix, as FBX stores it (16 doubles, translation in 12..14). */
export function translationMatrix(x: number, y: number, z: number): number[] {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, x, y, z, 1];
}

/**
 * Euler angles in degrees for FBX's default XYZ order (R = Rz·Ry·Rx) from a unit quaternion.
 *
 * ```ts
 * quaternionToEulerXyz(0.2474, 0, 0, 0.9689); // ≈ [28.6, 0, 0]
 * ```
 */
export function quaternionToEulerXyz(x: number, y: number, z: number, w: number): [number, number, number] {
  const rx = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const ry = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
  const rz = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  const deg = 180 / Math.PI;
  return [rx * deg, ry * deg, rz * deg];
}

/** An AnimationCurve object: linear keys at `times` (s) with `values`. */
export function animationCurve(id: bigint, times: Float32Array, values: ArrayLike<number>): FbxNode {
  return node('AnimationCurve', [P.i64(id), objectName('', 'AnimCurve'), P.str('')], [
    node('Default', [P.f64(values[0] ?? 0)]),
    node('KeyVer', [P.i32(4008)]),
    node('KeyTime', [P.i64s(Array.from(times, (t) => t * KTIME_PER_SECOND))]),
    node('KeyValueFloat', [P.f32s(values)]),
    // One attribute block for every key: linear interpolation.
    node('KeyAttrFlags', [P.i32s([0x4])]),
    node('KeyAttrDataFloat', [P.f32s([0, 0, 0, 0])]),
    node('KeyAttrRefCount', [P.i32s([times.length])]),
  ]);
}
