import { ARKIT_BLENDSHAPES } from '../expression/arkit-names';
import { clipDuration, sampleClip, type ExpressionClip } from '../expression/expression-clip';
import { axisAngleToQuaternion } from './clip-animation';
import { quaternionToEulerXyz } from './fbx/fbx-scene-helpers';

/**
 * The 52 blendshape columns of a Live Link Face CSV, in the app's order (Unreal's
 * EARFaceBlendShape order: ARKit's, except JawRight/JawLeft and MouthRight/MouthLeft come right
 * before left), PascalCase as the app writes them.
 */
export const LIVE_LINK_FACE_BLENDSHAPES = [
  'EyeBlinkLeft', 'EyeLookDownLeft', 'EyeLookInLeft', 'EyeLookOutLeft', 'EyeLookUpLeft', 'EyeSquintLeft', 'EyeWideLeft',
  'EyeBlinkRight', 'EyeLookDownRight', 'EyeLookInRight', 'EyeLookOutRight', 'EyeLookUpRight', 'EyeSquintRight', 'EyeWideRight',
  'JawForward', 'JawRight', 'JawLeft', 'JawOpen', 'MouthClose', 'MouthFunnel', 'MouthPucker', 'MouthRight', 'MouthLeft',
  'MouthSmileLeft', 'MouthSmileRight', 'MouthFrownLeft', 'MouthFrownRight', 'MouthDimpleLeft', 'MouthDimpleRight',
  'MouthStretchLeft', 'MouthStretchRight', 'MouthRollLower', 'MouthRollUpper', 'MouthShrugLower', 'MouthShrugUpper',
  'MouthPressLeft', 'MouthPressRight', 'MouthLowerDownLeft', 'MouthLowerDownRight', 'MouthUpperUpLeft', 'MouthUpperUpRight',
  'BrowDownLeft', 'BrowDownRight', 'BrowInnerUp', 'BrowOuterUpLeft', 'BrowOuterUpRight', 'CheekPuff', 'CheekSquintLeft',
  'CheekSquintRight', 'NoseSneerLeft', 'NoseSneerRight', 'TongueOut',
] as const;

/** The 9 rotation columns after the blendshapes (radians). */
export const LIVE_LINK_FACE_ROTATIONS = ['HeadYaw', 'HeadPitch', 'HeadRoll', 'LeftEyeYaw', 'LeftEyePitch', 'LeftEyeRoll', 'RightEyeYaw', 'RightEyePitch', 'RightEyeRoll'] as const;

/** The CSV's header line (without the newline). */
export const ARKIT_CSV_HEADER = ['Timecode', 'BlendShapeCount', ...LIVE_LINK_FACE_BLENDSHAPES, ...LIVE_LINK_FACE_ROTATIONS].join(',');

/** Index into ARKIT_BLENDSHAPES of each Live Link Face column. */
const COLUMN_SOURCE = LIVE_LINK_FACE_BLENDSHAPES.map((name) => ARKIT_BLENDSHAPES.findIndex((a) => a.toLowerCase() === name.toLowerCase()));

/**
 * A clip as an ARKit CSV in Live Link Face's layout (Unreal's LiveLinkFaceImporter, Unity's and
 * Blender's Live Link Face readers take it): the header `Timecode,BlendShapeCount,EyeBlinkLeft,…,
 * TongueOut,HeadYaw,HeadPitch,HeadRoll,LeftEyeYaw,…,RightEyeRoll`, then one row per frame at the
 * clip's fps from its first key to its last (frame i at i / fps s, between keys the linear blend
 * {@link sampleClip} gives). `Timecode` is `HH:MM:SS:FF.mmm`: FF the frame within the second at
 * the clip's rate, mmm thousandths of a frame (000 on whole frames); `BlendShapeCount` is 61 (52
 * weights + 9 rotations) as the app writes it. Weights are 0…1; the head rotation is 0 (a clip has
 * no head motion); eye yaw/pitch/roll are the eye joints' rotations about the head's +Y, +X and +Z
 * axes in radians (0 when the clip has no eye pose). Lines end with CRLF, like the app's files.
 *
 * ```ts
 * writeFileSync('take.csv', arkitCsv(clip));
 * ```
 */
export function arkitCsv(clip: ExpressionClip): string {
  const frames = Math.floor(clipDuration(clip) * clip.fps + 1e-6) + 1;
  const t0 = clip.keys[0]!.time;
  const lines = [ARKIT_CSV_HEADER];
  for (let i = 0; i < frames; i++) {
    const e = sampleClip(clip, t0 + i / clip.fps);
    const eyes = e.eyePose ? [...eyeAngles(e.eyePose.left), ...eyeAngles(e.eyePose.right)] : [0, 0, 0, 0, 0, 0];
    const values = [...COLUMN_SOURCE.map((k) => e.arkit[k]!), 0, 0, 0, ...eyes];
    lines.push([liveLinkTimecode(i, clip.fps), String(LIVE_LINK_FACE_BLENDSHAPES.length + LIVE_LINK_FACE_ROTATIONS.length), ...values.map((v) => v.toFixed(6))].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * Frame `i` at `fps` as Live Link Face's `HH:MM:SS:FF.mmm` timecode.
 *
 * ```ts
 * liveLinkTimecode(65, 30); // '00:00:02:05.000'
 * ```
 */
export function liveLinkTimecode(i: number, fps: number): string {
  const seconds = i / fps;
  const whole = Math.floor(seconds + 1e-9);
  const frame = (seconds - whole) * fps;
  const ff = Math.floor(frame + 1e-6);
  const sub = Math.min(999, Math.max(0, Math.round((frame - ff) * 1000)));
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(Math.floor(whole / 3600))}:${two(Math.floor(whole / 60) % 60)}:${two(whole % 60)}:${two(ff)}.${String(sub).padStart(3, '0')}`;
}

/** Yaw (about +Y), pitch (about +X), roll (about +Z), radians, of an eye's axis-angle rotation. */
function eyeAngles(r: readonly number[]): [number, number, number] {
  const [ex, ey, ez] = quaternionToEulerXyz(...axisAngleToQuaternion(r));
  const rad = Math.PI / 180;
  return [ey * rad, ex * rad, ez * rad];
}
