/** Keyframed animation of a head: morph weights and joint rotations over time. */
export interface AnimationClip {
  name: string;
  /** Key times in seconds, increasing. */
  times: Float32Array;
  /** Morph name → one weight per key. */
  morphWeights: Record<string, Float32Array>;
  /** Joint name → one unit quaternion (x, y, z, w) per key, relative to the rest pose. */
  jointRotations: Record<string, Float32Array>;
}

/**
 * A short test clip: the jaw opens and closes (joint and `jawOpen` morph) and the eyes blink,
 * for checking that a rig and its blendshapes animate in another program.
 *
 * ```ts
 * const clip = demoClip(['jawOpen', 'eyeBlinkLeft', 'eyeBlinkRight']);
 * ```
 */
export function demoClip(morphNames: readonly string[], seconds = 2, fps = 30): AnimationClip {
  const n = Math.round(seconds * fps) + 1;
  const times = Float32Array.from({ length: n }, (_, i) => i / fps);
  const wave = (t: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / seconds);
  const morphWeights: Record<string, Float32Array> = {};
  const jawMorph = morphNames.includes('jawOpen') ? 'jawOpen' : morphNames[0];
  if (jawMorph) morphWeights[jawMorph] = times.map((t) => wave(t));
  for (const blink of ['eyeBlinkLeft', 'eyeBlinkRight']) {
    if (morphNames.includes(blink)) morphWeights[blink] = times.map((t) => Math.max(0, 1 - Math.abs(t - seconds / 2) * 8));
  }
  const jaw = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const angle = 0.25 * wave(times[i]!); // radians about +X: the chin moves down
    jaw.set([Math.sin(angle / 2), 0, 0, Math.cos(angle / 2)], i * 4);
  }
  return { name: 'demo', times, morphWeights, jointRotations: { jaw } };
}

/**
 * One weight track per morph, in the head's morph order, for a clip: the clip's own track, or the
 * morph's initial weight held for every key. Both writers use it, so a GLB's `weights` channel and
 * an FBX's DeformPercent curves carry the same curves (one per blendshape).
 *
 * ```ts
 * for (const { name, weights } of morphTracks(clip, head.morphs)) writeCurve(name, weights);
 * ```
 */
export function morphTracks(clip: AnimationClip, morphs: readonly { name: string; weight: number }[]): { name: string; weights: Float32Array }[] {
  return morphs.map((m) => ({ name: m.name, weights: clip.morphWeights[m.name] ?? new Float32Array(clip.times.length).fill(m.weight) }));
}
