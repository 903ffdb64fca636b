import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../core/perception/image-warp';
import type { FloatTensor, InferenceEngine } from '../../../main/inference/inference-engine';
import { FaceAnalyzer } from '../../../main/perception/face-analyzer';

/**
 * The status rules with a scripted engine (no models): what each net "sees" is set by the test,
 * so each branch — too small, profile, landmark failure, mesh rejected — is reached on purpose.
 */
interface Script {
  /** Face box side in the 256-pixel detector input, and the eye distance of its key points. */
  boxSide: number;
  eyeDistance: number;
  landmarks: (i: number) => [number, number];
  meshFlag: number;
}

function scriptedEngine(script: Script) {
  const calls: string[] = [];
  const engine = {
    async run(id: string, inputs: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
      calls.push(id);
      const batch = Object.values(inputs)[0]!.dims[0]!;
      if (id === 'blazeface') {
        const scores16 = new Float32Array(512).fill(-20);
        const boxes16 = new Float32Array(512 * 16);
        // Anchor 2·(8·16 + 8) sits at (136, 136) in the 256×256 input.
        const a = 2 * (8 * 16 + 8);
        scores16[a] = 5;
        const e = script.eyeDistance / 2;
        boxes16.set([-8, -8, script.boxSide, script.boxSide, -e - 8, -20, e - 8, -20, -8, 0, -8, 20, -50, -10, 34, -10], a * 16);
        return {
          scores_16: { data: scores16, dims: [1, 512, 1] },
          boxes_16: { data: boxes16, dims: [1, 512, 16] },
          scores_8: { data: new Float32Array(384).fill(-20), dims: [1, 384, 1] },
          boxes_8: { data: new Float32Array(384 * 16), dims: [1, 384, 16] },
        };
      }
      if (id === 'landmark68') {
        const out = new Float32Array(136);
        for (let i = 0; i < 68; i++) [out[2 * i], out[2 * i + 1]] = script.landmarks(i);
        return { landmarks: { data: out, dims: [1, 136] } };
      }
      if (id === 'facemesh') return { mesh: { data: new Float32Array(1404 * batch), dims: [batch, 1404] }, face_flag: { data: new Float32Array([script.meshFlag]), dims: [batch, 1] } };
      if (id === 'iris') return { eye_points: { data: new Float32Array(228 * batch), dims: [batch, 1, 1, 228] } };
      if (id === 'recognition') return { descriptor: { data: new Float32Array(128).fill(0.25), dims: [1, 128] } };
      throw new Error(`unexpected model ${id}`);
    },
  };
  return { engine: engine as unknown as InferenceEngine, calls };
}

const image: RgbImage = { width: 256, height: 256, data: new Uint8Array(256 * 256 * 3).fill(100) };
/** A plausible spread of 68 points over the middle of the crop (eyes 36–47 on a line, mouth lower). */
const spread = (i: number): [number, number] => {
  if (i >= 36 && i < 42) return [0.35, 0.4];
  if (i >= 42 && i < 48) return [0.65, 0.4];
  if (i >= 48) return [0.5, 0.72];
  return [0.1 + 0.8 * ((i % 17) / 16), 0.25 + 0.6 * Math.floor(i / 17) / 3];
};

async function analyze(script: Script) {
  const { engine, calls } = scriptedEngine(script);
  const analyzer = new FaceAnalyzer({ engine });
  const photo = await analyzer.analyzeImage(image);
  await analyzer.dispose(); // a shared engine is not disposed by the analyzer
  return { photo, calls };
}

describe('face status rules', () => {
  it("a face under minFaceSize is 'too_small' and no landmark model runs", async () => {
    const { photo, calls } = await analyze({ boxSide: 30, eyeDistance: 13, landmarks: spread, meshFlag: 1 });
    expect(photo.faces).toHaveLength(1);
    expect(photo.faces[0]!.status).toBe('too_small');
    expect(photo.faces[0]!.landmarks68).toBeNull();
    expect(photo.selected).toBeNull();
    expect(calls).toEqual(['blazeface']);
  });

  it("eyes nearly on top of each other (a profile) give 'profile' before any landmark model", async () => {
    const { photo, calls } = await analyze({ boxSide: 120, eyeDistance: 6, landmarks: spread, meshFlag: 1 });
    expect(photo.faces[0]!.status).toBe('profile');
    expect(Math.abs(photo.faces[0]!.detectorYaw)).toBeGreaterThan(80);
    expect(calls).toEqual(['blazeface']);
  });

  it("landmarks collapsed to a point are 'landmarks_failed', with no points reported", async () => {
    const { photo } = await analyze({ boxSide: 120, eyeDistance: 54, landmarks: () => [0.5, 0.5], meshFlag: 1 });
    const f = photo.faces[0]!;
    expect(f.status).toBe('landmarks_failed');
    expect([f.landmarks68, f.mesh468, f.embedding, f.pose]).toEqual([null, null, null, null]);
    expect(photo.selected).toBeNull();
  });

  it('a mesh the mesh net does not believe in is left out, the rest is kept', async () => {
    const { photo, calls } = await analyze({ boxSide: 120, eyeDistance: 54, landmarks: spread, meshFlag: 0.2 });
    const f = photo.faces[0]!;
    expect(f.status).toBe('ok');
    expect(f.landmarks68).toHaveLength(68);
    expect(f.mesh468).toBeNull();
    expect(f.pose).toBeNull();
    expect(f.embedding).toEqual(new Array(128).fill(0.25));
    expect(photo.selected).toBe(0);
    expect(f.eyes?.left.lids).toHaveLength(16);
    expect(f.eyes?.right.lids).toHaveLength(16);
    expect(calls).toEqual(['blazeface', 'landmark68', 'landmark68', 'facemesh', 'iris', 'recognition']);
  });
});
