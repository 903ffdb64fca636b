/** A head point an artist can pin on a profile: its iBUG-68 index and what to call it. */
export interface NamedPinPoint {
  landmark: number;
  name: string;
}

/**
 * The head points a profile shows, in the order the pin list offers them: the midline's points (the
 * ones a silhouette gives) and, per side, the outer eye corner and the mouth corner. iBUG's 36/48
 * are the subject's right eye and mouth corner (seen in a profile that faces image-right), 45/54
 * the left ones (a profile facing image-left).
 */
export const PROFILE_PIN_POINTS: readonly NamedPinPoint[] = [
  { landmark: 27, name: 'sellion (nose bridge)' },
  { landmark: 30, name: 'nose tip' },
  { landmark: 33, name: 'subnasale (under the nose)' },
  { landmark: 51, name: 'upper lip' },
  { landmark: 57, name: 'lower lip' },
  { landmark: 8, name: 'chin' },
  { landmark: 45, name: 'outer eye corner (left eye)' },
  { landmark: 54, name: 'mouth corner (left)' },
  { landmark: 36, name: 'outer eye corner (right eye)' },
  { landmark: 48, name: 'mouth corner (right)' },
];

/** The subject's left side's points: seen when the profile faces image-left. */
const LEFT_SIDE = new Set([45, 54]);
const RIGHT_SIDE = new Set([36, 48]);

/** Where a profile's points are known: (iBUG index, pixel) from its pins, its silhouette or its fitted head. */
export type KnownPoints = ReadonlyMap<number, readonly [number, number]>;

/**
 * Which way a profile looks in the photo (-1 image-left, +1 image-right, 0 unknown): the nose tip
 * (30) lies ahead of the sellion (27) or, on a fitted head, of the jaw's ends (0 and 16).
 *
 * ```ts
 * profileFacing(new Map([[27, [348, 594]], [30, [271, 761]]])); // -1
 * ```
 */
export function profileFacing(points: KnownPoints, model: readonly (readonly number[])[] | null = null): -1 | 0 | 1 {
  const tip = points.get(30), bridge = points.get(27);
  if (tip && bridge && Math.abs(tip[0] - bridge[0]) > 1) return tip[0] < bridge[0] ? -1 : 1;
  if (model && model.length === 68) {
    const back = (model[0]![0]! + model[16]![0]!) / 2, nose = model[30]![0]!;
    if (Math.abs(nose - back) > 1) return nose < back ? -1 : 1;
  }
  return 0;
}

/**
 * The named points a profile offers for pinning: all of them while its facing is unknown, else the
 * midline and the side the camera sees (a hidden eye corner cannot be placed on the photo).
 *
 * ```ts
 * profilePinPoints(-1).map((p) => p.landmark); // [27, 30, 33, 51, 57, 8, 45, 54]
 * ```
 */
export function profilePinPoints(facing: -1 | 0 | 1): NamedPinPoint[] {
  const hidden = facing < 0 ? RIGHT_SIDE : facing > 0 ? LEFT_SIDE : new Set<number>();
  return PROFILE_PIN_POINTS.filter((p) => !hidden.has(p.landmark));
}

/**
 * A profile's draggable handles before any pin moves them: each offered point where the silhouette
 * read it or, failing that, where the fitted head's landmark projects (`model`, 68 pixels; null
 * before the photo is fitted). Points known neither way get no handle: they are placed from the list.
 *
 * ```ts
 * const handles = profileHandles(face.profile?.points ?? [], reconstruction?.modelLandmarks68 ?? null);
 * ```
 */
export function profileHandles(silhouette: readonly (readonly number[])[], model: readonly (readonly number[])[] | null): { landmark: number; x: number; y: number }[] {
  const seen = new Map<number, readonly [number, number]>(silhouette.map((p) => [p[0]!, [p[1]!, p[2]!] as const]));
  const offered = profilePinPoints(profileFacing(seen, model));
  return offered.flatMap(({ landmark }) => {
    const at = seen.get(landmark) ?? (model && model.length === 68 ? ([model[landmark]![0]!, model[landmark]![1]!] as const) : null);
    return at ? [{ landmark, x: at[0], y: at[1] }] : [];
  });
}
