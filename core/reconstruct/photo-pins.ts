import { ApiError } from '../api/api-error';
import type { Pin, SurfacePin } from '../api/contract';
import { INPUT_LIMITS, LimitError } from '../limits/input-limits';

export type { LandmarkPin, Pin, SurfacePin } from '../api/contract';

/**
 * A photo's pins (the `pins.json` format): pixels of the upright photo, origin top left. Surface
 * pins name triangles of one pack's mesh (`pack`); fits on another pack leave them out.
 *
 * ```json
 * { "pack": "ict-facekit", "pins": [{ "landmark": 8, "x": 412, "y": 610 }, { "triangle": 5120, "barycentric": [0.2, 0.3, 0.5], "x": 400, "y": 455 }] }
 * ```
 */
export interface PhotoPins {
  /** The pack whose triangles surface pins name (null when there are only landmark pins). */
  pack: string | null;
  pins: Pin[];
}

/** What a pin is checked against: the photo's upright size and, when known, the pack's triangle count. */
export interface PinBounds {
  width: number;
  height: number;
  /** Triangles of the pack's mesh (surface pins must index one); null: not checked here. */
  triangles: number | null;
}

/**
 * True for a {@link SurfacePin}.
 *
 * ```ts
 * const surface = pins.filter(isSurfacePin);
 * ```
 */
export const isSurfacePin = (p: Pin): p is SurfacePin => 'triangle' in p;

/** Keys `pins get --json` prints besides the pins (PhotoPinsView): ignored, so its output can be set again. */
const VIEW_KEYS = new Set(['photoId', 'revision', 'undoable', 'fitStale']);

/** How far barycentric weights may stray below 0 or their sum from 1 (rounding in a file). */
const BARYCENTRIC_SLACK = 1e-3;

/**
 * Checks parsed JSON as a photo's pins and returns them normalised (barycentric weights summing to
 * 1, no unknown keys). Throws a `bad-request` {@link ApiError} naming the pin and what is wrong (an
 * index out of range, a non-finite coordinate, a pixel outside the photo, a landmark pinned twice),
 * or a {@link LimitError} past `pinsPerPhoto`.
 *
 * ```ts
 * const pins = parsePhotoPins(JSON.parse(text), { width: 1350, height: 1350, triangles: null });
 * ```
 */
export function parsePhotoPins(value: unknown, bounds: PinBounds): PhotoPins {
  const bad = (what: string): never => {
    throw new ApiError('bad-request', `pins: ${what}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) bad('expected an object { "pins": [...] }');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (k !== 'pins' && k !== 'pack' && !VIEW_KEYS.has(k)) bad(`unknown key "${k}" (expected "pins" and optionally "pack")`);
  if (!Array.isArray(v.pins)) bad('"pins" must be an array');
  const list = v.pins as unknown[];
  if (list.length > INPUT_LIMITS.pinsPerPhoto) throw new LimitError('pinsPerPhoto', `The photo has ${list.length} pins`);
  if (v.pack !== undefined && v.pack !== null && (typeof v.pack !== 'string' || !v.pack)) bad('"pack" must be a pack id (a non-empty string)');
  const pack = typeof v.pack === 'string' ? v.pack : null;
  const seen = new Set<number>();
  const pins = list.map((raw, i): Pin => {
    const at = `pin ${i}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad(`${at} must be an object`);
    const p = raw as Record<string, unknown>;
    const surface = 'triangle' in p;
    const keys = surface ? ['triangle', 'barycentric', 'x', 'y'] : ['landmark', 'x', 'y'];
    if (!surface && !('landmark' in p)) bad(`${at} needs "landmark" (0…67) or "triangle" and "barycentric"`);
    for (const k of Object.keys(p)) if (!keys.includes(k)) bad(`${at} has unknown key "${k}" (a ${surface ? 'surface' : 'landmark'} pin has ${keys.map((x) => `"${x}"`).join(', ')})`);
    for (const k of ['x', 'y'] as const) {
      if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) bad(`${at}: ${k} must be a finite number (got ${JSON.stringify(p[k]) ?? 'nothing'})`);
    }
    const x = p.x as number, y = p.y as number;
    if (x < 0 || y < 0 || x > bounds.width || y > bounds.height) bad(`${at} at (${x}, ${y}) is outside the ${bounds.width}×${bounds.height} photo`);
    if (!surface) {
      const l = p.landmark;
      if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > 67) bad(`${at}: landmark must be an integer 0…67 (got ${JSON.stringify(l)})`);
      if (seen.has(l as number)) bad(`landmark ${l} is pinned twice`);
      seen.add(l as number);
      return { landmark: l as number, x, y };
    }
    if (pack === null) bad(`${at} is a surface pin: the file needs "pack" (the head model whose triangles it names)`);
    const t = p.triangle;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) bad(`${at}: triangle must be a non-negative integer (got ${JSON.stringify(t)})`);
    if (bounds.triangles !== null && (t as number) >= bounds.triangles) bad(`${at}: triangle ${t} is out of range (the pack's mesh has ${bounds.triangles} triangles)`);
    const b = p.barycentric;
    if (!Array.isArray(b) || b.length !== 3 || b.some((w) => typeof w !== 'number' || !Number.isFinite(w))) bad(`${at}: barycentric must be three finite numbers`);
    const w = b as number[];
    const sum = w[0]! + w[1]! + w[2]!;
    if (w.some((c) => c < -BARYCENTRIC_SLACK) || Math.abs(sum - 1) > BARYCENTRIC_SLACK) bad(`${at}: barycentric [${w.join(', ')}] must be ≥ 0 and sum to 1`);
    const clamped = w.map((c) => Math.max(0, c));
    const total = clamped[0]! + clamped[1]! + clamped[2]!;
    return { triangle: t as number, barycentric: clamped.map((c) => c / total) as [number, number, number], x, y };
  });
  return { pack: pins.some(isSurfacePin) ? pack : null, pins };
}

/**
 * The pins that apply to a fit on `packId`: every landmark pin, and the surface pins when they name
 * that pack's triangles.
 *
 * ```ts
 * const pins = pinsForPack(stored, 'ict-facekit');
 * ```
 */
export function pinsForPack(pins: PhotoPins | null, packId: string): Pin[] {
  if (!pins) return [];
  return pins.pins.filter((p) => !isSurfacePin(p) || pins.pack === packId);
}
