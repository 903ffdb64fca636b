import { ProceduralTexture } from '@babylonjs/core/Materials/Textures/Procedurals/proceduralTexture';
import { Texture } from '@babylonjs/core/Materials/Textures/texture';
import type { Scene } from '@babylonjs/core/scene';

/** Wrinkle maps one blend reads (named packs have 8 groups, PCA packs the first 8 modes): more are left out. */
export const MAX_WRINKLE_MAPS = 8;

export interface WrinkleNormalMapOptions {
  /** Called once the sources are loaded and the first blend is drawn (the texture can go on a material). */
  onReady: () => void;
  /** Called after each blend is drawn into the texture. */
  onBlended: () => void;
  /** Called when a source map cannot be loaded: the blend never becomes ready. */
  onError: (message: string) => void;
}

export const WRINKLE_NORMAL_MAP_DEFAULTS: WrinkleNormalMapOptions = { onReady: () => {}, onBlended: () => {}, onError: () => {} };

/**
 * The blend, per texel: the wrinkle maps' tangent-space slopes (x, y) lerped over the static map's by
 * each group's weight — normal = lerp(static, wrinkle_g, a_g) for each group, the export's documented
 * blend (README "Export files"), summed where groups overlap — and z rebuilt so the normal stays unit.
 */
const FRAGMENT = `
precision highp float;
varying vec2 vUV;
uniform sampler2D staticMap;
${Array.from({ length: MAX_WRINKLE_MAPS }, (_, g) => `uniform sampler2D wrinkle${g};\nuniform float weight${g};`).join('\n')}
vec2 slope(sampler2D map) { return texture2D(map, vUV).xy * 2.0 - 1.0; }
void main(void) {
  vec2 s = slope(staticMap);
  vec2 n = s;
${Array.from({ length: MAX_WRINKLE_MAPS }, (_, g) => `  if (weight${g} > 0.0) n += weight${g} * (slope(wrinkle${g}) - s);`).join('\n')}
  float z = sqrt(max(0.0, 1.0 - dot(n, n)));
  gl_FragColor = vec4(n * 0.5 + 0.5, z * 0.5 + 0.5, 1.0);
}`;

/**
 * A subject's detail normal map with their wrinkles blended in on the GPU by the current pose's
 * weights: the static map and up to {@link MAX_WRINKLE_MAPS} wrinkle maps (PNG data, loaded once) go
 * into a render-once procedural texture, drawn again only when the weights change. The texture is a
 * material's bump texture like any normal map (same UVs, same tangents, same OpenGL convention).
 *
 * ```ts
 * const map = new WrinkleNormalMap(scene, staticPng, wrinklePngs, { onReady: () => (skin.bumpTexture = map.texture) });
 * map.setWeights(poser.pose(p).wrinkles);
 * ```
 */
export class WrinkleNormalMap {
  /** The blended normal map; null until every source has loaded. */
  texture: ProceduralTexture | null = null;
  private readonly sources: Texture[];
  private readonly weights = new Float32Array(MAX_WRINKLE_MAPS);
  private disposed = false;
  private readonly options: WrinkleNormalMapOptions;

  /** `staticPng` and `wrinklePngs`: base64 PNGs (the rig's `detail`). */
  constructor(
    private readonly scene: Scene,
    staticPng: string,
    wrinklePngs: readonly string[],
    options: Partial<WrinkleNormalMapOptions> = {},
  ) {
    this.options = { ...WRINKLE_NORMAL_MAP_DEFAULTS, ...options };
    const urls = [staticPng, ...wrinklePngs.slice(0, MAX_WRINKLE_MAPS)].map((b64) => `data:image/png;base64,${b64}`);
    let left = urls.length;
    // No mips on the sources: the blend reads each texel once, at its centre.
    this.sources = urls.map(
      (url, i) =>
        new Texture(url, scene, true, true, Texture.BILINEAR_SAMPLINGMODE, () => --left === 0 && this.start(), (message) => {
          if (!this.disposed) this.options.onError(`Detail map ${i} could not be loaded: ${message ?? 'unknown error'}`);
        }),
    );
  }

  /** The wrinkle groups' weights (0…1, the rig's `detail.wrinkles` order); the map is blended again when they change. */
  setWeights(weights: ArrayLike<number>): void {
    let changed = false;
    for (let g = 0; g < MAX_WRINKLE_MAPS; g++) {
      const w = g < weights.length ? Math.min(1, Math.max(0, weights[g]!)) : 0;
      if (w !== this.weights[g]) (this.weights[g] = w), (changed = true);
    }
    if (!changed || !this.texture) return;
    this.uniforms(this.texture);
    this.texture.resetRefreshCounter();
  }

  dispose(): void {
    this.disposed = true;
    this.texture?.dispose();
    this.texture = null;
    for (const t of this.sources) t.dispose();
  }

  private start(): void {
    if (this.disposed) return;
    // Mip maps on the blend: the material samples it minified when the head is small on screen.
    // The sources' own size: one blended texel per source texel.
    const size = this.sources[0]!.getSize().width || 1024;
    const texture = new ProceduralTexture('wrinkle-normal-map', size, { fragmentSource: FRAGMENT }, this.scene, null, true);
    texture.refreshRate = 0; // render once; resetRefreshCounter draws it again
    texture.setTexture('staticMap', this.sources[0]!);
    // Unused samplers read the static map with weight 0 (a sampler must be bound).
    for (let g = 0; g < MAX_WRINKLE_MAPS; g++) texture.setTexture(`wrinkle${g}`, this.sources[g + 1] ?? this.sources[0]!);
    this.uniforms(texture);
    let first = true;
    texture.onGeneratedObservable.add(() => {
      if (first) (first = false), this.options.onReady();
      this.options.onBlended();
    });
    this.texture = texture;
  }

  private uniforms(texture: ProceduralTexture): void {
    for (let g = 0; g < MAX_WRINKLE_MAPS; g++) texture.setFloat(`weight${g}`, this.weights[g]!);
  }
}
