import { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import { Camera } from '@babylonjs/core/Cameras/camera';
import { Engine } from '@babylonjs/core/Engines/engine';
import { DirectionalLight } from '@babylonjs/core/Lights/directionalLight';
import { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight';
import { Color4 } from '@babylonjs/core/Maths/math.color';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';
import { Scene } from '@babylonjs/core/scene';

export interface HeadSceneOptions {
  /** Camera distance (metres) and the point it orbits. */
  radius: number;
  targetY: number;
  /** Intensities of the sky (hemispheric) and key (directional, from the upper front) lights. */
  sky: number;
  key: number;
  /** Keep the drawing buffer so the canvas can be read back (screenshots, tests). */
  preserveDrawingBuffer: boolean;
}

export const HEAD_SCENE_DEFAULTS: HeadSceneOptions = { radius: 0.7, targetY: 0, sky: 0.55, key: 0.8, preserveDrawingBuffer: false };

/**
 * How the head is lit: `studio` (the scene's sky and key), `flat` (sky only: the texture as it is),
 * `raking` (a low light from the side that shows relief: the detail layer, fit bumps, seams).
 */
export type HeadLighting = 'studio' | 'flat' | 'raking';

/** Where the orbit camera is: enough to put another view's camera at the same place. */
export interface CameraState {
  alpha: number;
  beta: number;
  radius: number;
  target: [number, number, number];
}

/** Orthographic bounds (metres, camera space) for a canvas of the given width ÷ height (see `photoFrame`). */
export type OrthoBounds = (aspect: number) => { left: number; right: number; bottom: number; top: number };

export interface HeadScene {
  engine: Engine;
  scene: Scene;
  /** Back to the camera the view opened with (facing the head; the photo's camera while one is set). */
  resetView(): void;
  setLighting(lighting: HeadLighting): void;
  /**
   * Looks through a photo's orthographic camera (bounds per canvas shape, kept as the canvas resizes),
   * from the front; null: back to the perspective orbit camera. Orbiting still works; reset returns here.
   */
  setPhotoCamera(bounds: OrthoBounds | null): void;
  camera(): CameraState;
  setCamera(state: CameraState): void;
  /** Calls `listener` whenever the camera moves (orbit, zoom, reset); returns the unsubscribe. */
  onCameraMoved(listener: (state: CameraState) => void): () => void;
  dispose(): void;
}

/**
 * A Babylon scene for looking at a head: right-handed (+Z out of the face, as packs and glTF are),
 * an orbit camera on the canvas, sky and key lights, rendering until disposed; the canvas's size
 * is watched until `dispose`. Plain objects: keep them out of Vue's reactivity.
 *
 * ```ts
 * const { scene, dispose } = createHeadScene(canvas, { radius: 0.42 });
 * ```
 */
export function createHeadScene(canvas: HTMLCanvasElement, options: Partial<HeadSceneOptions> = {}): HeadScene {
  const o = { ...HEAD_SCENE_DEFAULTS, ...options };
  const engine = new Engine(canvas, true, { preserveDrawingBuffer: o.preserveDrawingBuffer, stencil: false });
  const scene = new Scene(engine);
  scene.useRightHandedSystem = true;
  scene.clearColor = new Color4(0.15, 0.16, 0.18, 1);
  const camera = new ArcRotateCamera('camera', Math.PI / 2, Math.PI / 2, o.radius, new Vector3(0, o.targetY, 0), scene);
  camera.minZ = 0.01;
  camera.wheelPrecision = 400;
  camera.lowerRadiusLimit = 0.2;
  camera.upperRadiusLimit = 3;
  camera.attachControl(canvas, true);
  const sky = new HemisphericLight('sky', new Vector3(0, 1, 0.3), scene);
  sky.intensity = o.sky;
  const key = new DirectionalLight('key', new Vector3(0.35, -0.45, -0.82), scene);
  key.intensity = o.key;
  engine.runRenderLoop(() => scene.render());
  let ortho: OrthoBounds | null = null;
  const fitOrtho = () => {
    if (!ortho) return;
    const b = ortho(engine.getRenderWidth() / Math.max(1, engine.getRenderHeight()));
    camera.orthoLeft = b.left;
    camera.orthoRight = b.right;
    camera.orthoBottom = b.bottom;
    camera.orthoTop = b.top;
  };
  // Watch the canvas itself, not the window: a canvas created inside a closed <dialog> (or any hidden
  // box) has no size yet, and would otherwise stay at its 300×150 default, stretched, after showModal.
  const resized = new ResizeObserver(() => {
    engine.resize();
    fitOrtho();
  });
  resized.observe(canvas);
  const resetView = () => {
    // A drag's leftover inertia would otherwise keep turning the camera after the reset.
    camera.inertialAlphaOffset = camera.inertialBetaOffset = camera.inertialRadiusOffset = 0;
    camera.inertialPanningX = camera.inertialPanningY = 0;
    // The target first: setting it re-derives alpha, beta and radius from the camera's last position,
    // which would undo them (a reset from an orbited view came back tilted).
    // The photo's camera looks at the origin: its bounds are measured from there.
    camera.target = new Vector3(0, ortho ? 0 : o.targetY, 0);
    camera.alpha = Math.PI / 2;
    camera.beta = Math.PI / 2;
    // Orthographic: the distance only has to keep the whole head past the near plane.
    camera.radius = ortho ? 1 : o.radius;
  };
  const state = (): CameraState => ({ alpha: camera.alpha, beta: camera.beta, radius: camera.radius, target: [camera.target.x, camera.target.y, camera.target.z] });
  return {
    engine,
    scene,
    resetView,
    setPhotoCamera: (bounds) => {
      ortho = bounds;
      camera.mode = bounds ? Camera.ORTHOGRAPHIC_CAMERA : Camera.PERSPECTIVE_CAMERA;
      fitOrtho();
      resetView();
    },
    camera: state,
    setCamera: (s) => {
      // The target first (see resetView).
      camera.target = new Vector3(...s.target);
      camera.alpha = s.alpha;
      camera.beta = s.beta;
      camera.radius = s.radius;
    },
    onCameraMoved: (listener) => {
      const observer = camera.onViewMatrixChangedObservable.add(() => listener(state()));
      return () => camera.onViewMatrixChangedObservable.remove(observer);
    },
    setLighting: (lighting) => {
      sky.intensity = lighting === 'flat' ? 1 : lighting === 'raking' ? 0.15 : o.sky;
      key.intensity = lighting === 'flat' ? 0 : lighting === 'raking' ? 1.1 : o.key;
      // Raking: from the subject's left, nearly along the face, slightly from above.
      key.direction = lighting === 'raking' ? new Vector3(-0.95, -0.2, -0.25) : new Vector3(0.35, -0.45, -0.82);
    },
    dispose: () => {
      resized.disconnect();
      engine.dispose();
    },
  };
}
