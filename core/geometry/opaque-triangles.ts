/**
 * The one rule for see-through overlays: a triangle with any corner in the model's `overlays`
 * region (eye wetness, lash shells) is see-through, so it is never drawn into a z-buffer where it
 * would hide what lies beneath, never occludes in a depth test, and never bakes into the texture.
 * Returns 1 for every other (opaque) triangle.
 *
 * ```ts
 * const r = rasterizeFit(v, model.triangles, cam, w, h, { triangleMask: opaqueTriangles(model.triangles, model.regions.overlays) });
 * ```
 */
export function opaqueTriangles(triangles: ArrayLike<number>, overlays: ArrayLike<number> | undefined): Uint8Array {
  const T = triangles.length / 3;
  const mask = new Uint8Array(T).fill(1);
  if (!overlays?.length) return mask;
  let V = 0;
  for (let i = 0; i < triangles.length; i++) V = Math.max(V, triangles[i]! + 1);
  const hidden = new Uint8Array(V);
  for (let i = 0; i < overlays.length; i++) if (overlays[i]! < V) hidden[overlays[i]!] = 1;
  for (let t = 0; t < T; t++) if (hidden[triangles[t * 3]!] || hidden[triangles[t * 3 + 1]!] || hidden[triangles[t * 3 + 2]!]) mask[t] = 0;
  return mask;
}

/**
 * The triangles the studio draws of a head: its opaque ones (see {@link opaqueTriangles}) without its
 * lash strips (`lashes` region): drawn solid with the skin's colours they are dark bands over the
 * eyes, so the renders and 3D views leave them out, as the exported files do.
 *
 * ```ts
 * const mask = drawnTriangles(model);
 * ```
 */
export function drawnTriangles(model: { triangles: ArrayLike<number>; regions: Record<string, ArrayLike<number> | undefined> }): Uint8Array {
  const overlays = model.regions.overlays, lashes = model.regions.lashes;
  if (!lashes?.length) return opaqueTriangles(model.triangles, overlays);
  return opaqueTriangles(model.triangles, [...Array.from(overlays ?? []), ...Array.from(lashes)]);
}
