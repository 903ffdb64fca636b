import { DECA_DETAIL_CODE_LENGTH, decaDisplacement, type DecaDisplacementOptions } from '../../core/deca/deca-displacement';
import { DECA_UV_SIZE } from '../../core/deca/deca-uv-data';
import type { Affine2D, RgbImage } from '../../core/perception/image-warp';
import type { ProviderPreference } from '../inference/execution-providers';
import { InferenceEngine, type TensorSignature } from '../inference/inference-engine';
import { DECA_CROP_SIZE, decaCropTensor } from './deca-encoder';

const EXP = 50;
const JAW = 3;
const UV_TEXELS = DECA_UV_SIZE * DECA_UV_SIZE;

/** The two converted files (native-models/deca/convert_deca_detail.py). */
export interface DecaDetailFiles {
  /** E_detail: `image` [batch, 3, 224, 224] → `detail` [batch, 128]. */
  encoder: string;
  /** D_detail: `jaw` [batch, 3], `exp` [batch, 50], `detail` [batch, 128] → `uv_z` [batch, 1, 256, 256]. */
  decoder: string;
}

export interface DecaDetailOptions {
  provider?: ProviderPreference;
  /** The process's engine (the inference worker's); models open as `file:<path>` and it is not disposed here. */
  engine?: InferenceEngine;
}

/** What D_detail is conditioned on: the coarse code's expression and jaw pose (axis-angle, pose[3:6]). */
export interface DecaDetailCondition {
  exp: ArrayLike<number>;
  jaw: ArrayLike<number>;
}

/** DECA's UV data as installed: the mask and the optional fixed displacement, 256² each. */
export interface DecaDetailMaps {
  mask: Float32Array;
  fixed: Float32Array | null;
}

export interface DecaDetailResult {
  /** E_detail's 128-value detail code. */
  code: Float32Array;
  /** D_detail's output as it is: 256×256, row 0 = v = 1 (top of DECA's UV image), metres. */
  uvZ: Float32Array;
  /** `uvZ · mask + fixed` (DECA's displacement2normal), 256×256 in the same layout; see `decaDisplacement`. */
  displacement: Float32Array;
}

/**
 * DECA's detail networks, run from the user's converted ONNX files: E_detail (the coarse encoder's
 * 224×224 crop → 128-value detail code) and D_detail (jaw 3, expression 50 and detail code → 256²
 * displacement uv_z in DECA's UV layout). D_detail converted with a single 181-value input (DECA's
 * `torch.cat([pose[:, 3:], exp, detail], 1)`) is accepted too.
 *
 * ```ts
 * const nets = await DecaDetail.open({ encoder: 'E_detail.onnx', decoder: 'D_detail.onnx' });
 * const { code, uvZ } = await nets.run(image, face.decaCrop.toCrop, { exp: code.exp, jaw: code.pose.jaw });
 * ```
 */
export class DecaDetail {
  private constructor(
    private readonly engine: InferenceEngine,
    private readonly ownsEngine: boolean,
    private readonly encoderId: string,
    private readonly decoderId: string,
    private readonly io: { image: string; code: string; inputs: { jaw: string; exp: string; detail: string } | { latent: string }; uvZ: string },
  ) {}

  /** Opens both models and checks their signatures, with a clear error naming the file at fault. */
  static async open(files: DecaDetailFiles, options: DecaDetailOptions = {}): Promise<DecaDetail> {
    const engine = options.engine ?? new InferenceEngine({ resolveModel: (id) => id.slice('file:'.length), provider: options.provider });
    const encoderId = `file:${files.encoder}`, decoderId = `file:${files.decoder}`;
    try {
      const enc = await checked(files.encoder, "DECA's detail encoder (E_detail)", () => encoderIo(engine, encoderId));
      const dec = await checked(files.decoder, "DECA's detail decoder (D_detail)", () => decoderIo(engine, decoderId));
      return new DecaDetail(engine, !options.engine, encoderId, decoderId, { ...enc, ...dec });
    } catch (error) {
      if (!options.engine) await engine.dispose();
      throw error;
    }
  }

  /** E_detail on crops already in the model's layout (N×3×224×224 in [0, 1]): a 128-value code each. */
  async encodeTensor(nchw: Float32Array, count = 1): Promise<Float32Array[]> {
    const per = 3 * DECA_CROP_SIZE * DECA_CROP_SIZE;
    if (nchw.length !== per * count) throw new Error(`expected ${count}×3×224×224 values, got ${nchw.length}`);
    const out = await this.engine.run(this.encoderId, { [this.io.image]: { data: nchw, dims: [count, 3, DECA_CROP_SIZE, DECA_CROP_SIZE] } });
    const values = out[this.io.code]!.data;
    return Array.from({ length: count }, (_, i) => values.slice(i * DECA_DETAIL_CODE_LENGTH, (i + 1) * DECA_DETAIL_CODE_LENGTH));
  }

  /** D_detail: uv_z (256×256, row 0 = v = 1) for each detail code and its coarse condition. */
  async decode(items: readonly (DecaDetailCondition & { code: ArrayLike<number> })[]): Promise<Float32Array[]> {
    const n = items.length;
    if (n === 0) return [];
    const jaw = new Float32Array(n * JAW), exp = new Float32Array(n * EXP), detail = new Float32Array(n * DECA_DETAIL_CODE_LENGTH);
    items.forEach((it, i) => {
      if (it.jaw.length !== JAW || it.exp.length !== EXP || it.code.length !== DECA_DETAIL_CODE_LENGTH) {
        throw new Error(`D_detail takes jaw 3, expression 50 and a 128-value code; item ${i} has ${it.jaw.length}, ${it.exp.length} and ${it.code.length}`);
      }
      jaw.set(Array.from(it.jaw), i * JAW);
      exp.set(Array.from(it.exp), i * EXP);
      detail.set(Array.from(it.code), i * DECA_DETAIL_CODE_LENGTH);
    });
    const ins = this.io.inputs;
    let feeds;
    if ('latent' in ins) {
      // DECA's order: torch.cat([pose[:, 3:], exp, detail], dim=1).
      const latent = new Float32Array(n * (JAW + EXP + DECA_DETAIL_CODE_LENGTH));
      for (let i = 0; i < n; i++) {
        const o = i * (JAW + EXP + DECA_DETAIL_CODE_LENGTH);
        latent.set(jaw.subarray(i * JAW, (i + 1) * JAW), o);
        latent.set(exp.subarray(i * EXP, (i + 1) * EXP), o + JAW);
        latent.set(detail.subarray(i * DECA_DETAIL_CODE_LENGTH, (i + 1) * DECA_DETAIL_CODE_LENGTH), o + JAW + EXP);
      }
      feeds = { [ins.latent]: { data: latent, dims: [n, latent.length / n] } };
    } else {
      feeds = {
        [ins.jaw]: { data: jaw, dims: [n, JAW] },
        [ins.exp]: { data: exp, dims: [n, EXP] },
        [ins.detail]: { data: detail, dims: [n, DECA_DETAIL_CODE_LENGTH] },
      };
    }
    const values = (await this.engine.run(this.decoderId, feeds))[this.io.uvZ]!.data;
    return Array.from({ length: n }, (_, i) => values.slice(i * UV_TEXELS, (i + 1) * UV_TEXELS));
  }

  /** Both networks on one face: the crop (perception's DECA crop transform) and its coarse expression and jaw. */
  async run(image: RgbImage, toCrop: Affine2D | undefined, condition: DecaDetailCondition): Promise<{ code: Float32Array; uvZ: Float32Array }> {
    const [code] = await this.encodeTensor(decaCropTensor(image, toCrop));
    const [uvZ] = await this.decode([{ ...condition, code: code! }]);
    return { code: code!, uvZ: uvZ! };
  }

  /**
   * Runs both networks on a probe (a smooth synthetic crop, neutral expression) and throws when any
   * output is not finite: a broken conversion must not reach a reconstruction.
   */
  async probe(): Promise<void> {
    const per = DECA_CROP_SIZE * DECA_CROP_SIZE;
    const crop = Float32Array.from({ length: 3 * per }, (_, i) => 0.5 + 0.3 * Math.sin(i / 997) * (1 - Math.floor(i / per) / 3));
    const [code] = await this.encodeTensor(crop);
    const bad = (a: Float32Array) => a.findIndex((v) => !Number.isFinite(v));
    if (bad(code!) >= 0) throw new Error(`E_detail gives a non-finite detail code on a probe image (value ${bad(code!)} is ${code![bad(code!)]}); convert it again from deca_model.tar`);
    const [uvZ] = await this.decode([{ code: code!, exp: new Float32Array(EXP), jaw: new Float32Array(JAW) }]);
    const k = bad(uvZ!);
    if (k >= 0) throw new Error(`D_detail gives a non-finite displacement on a probe code (texel ${k} is ${uvZ![k]}); convert it again from deca_model.tar`);
  }

  /** Releases the models' own engine; a shared engine stays open. */
  async dispose(): Promise<void> {
    if (this.ownsEngine) await this.engine.dispose();
  }
}

/**
 * DECA's detail stage for one face: E_detail's code, D_detail's uv_z and the displacement DECA builds
 * its detail surface from (`uvZ · mask + fixed`).
 *
 * ```ts
 * const { code, displacement } = await decaDetail(nets, maps, image, toCrop, { exp: coarse.exp, jaw: coarse.pose.jaw });
 * ```
 */
export async function decaDetail(
  nets: DecaDetail,
  maps: DecaDetailMaps,
  image: RgbImage,
  toCrop: Affine2D | undefined,
  condition: DecaDetailCondition,
  options: Partial<DecaDisplacementOptions> = {},
): Promise<DecaDetailResult> {
  const { code, uvZ } = await nets.run(image, toCrop, condition);
  return { code, uvZ, displacement: decaDisplacement(uvZ, maps.mask, maps.fixed, options) };
}

async function checked<T>(file: string, what: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    throw new Error(`${file} is not ${what}: ${(error as Error).message}`);
  }
}

const describe = (list: TensorSignature[]) => list.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ');
/** A declared shape fits `want` (−1: any; symbolic dimensions fit anything). */
const fits = (shape: (number | string)[], want: number[]) => shape.length === want.length && want.every((w, i) => w < 0 || shape[i] === w || typeof shape[i] === 'string');

async function encoderIo(engine: InferenceEngine, id: string) {
  const { inputs, outputs } = await engine.signature(id);
  const image = inputs.length === 1 ? inputs[0]! : null;
  if (!image || !fits(image.shape, [-1, 3, DECA_CROP_SIZE, DECA_CROP_SIZE])) throw new Error(`expects one input of shape [batch, 3, 224, 224]; this model takes ${describe(inputs)}`);
  const code = outputs.find((o) => fits(o.shape, [-1, DECA_DETAIL_CODE_LENGTH]));
  if (!code) throw new Error(`must output [batch, ${DECA_DETAIL_CODE_LENGTH}] (the detail code); its outputs are ${describe(outputs)}`);
  return { image: image.name, code: code.name };
}

async function decoderIo(engine: InferenceEngine, id: string) {
  const { inputs, outputs } = await engine.signature(id);
  const bySize = (k: number) => inputs.find((i) => fits(i.shape, [-1, k]));
  let io: { jaw: string; exp: string; detail: string } | { latent: string };
  if (inputs.length === 1 && bySize(JAW + EXP + DECA_DETAIL_CODE_LENGTH)) io = { latent: inputs[0]!.name };
  else if (inputs.length === 3 && bySize(JAW) && bySize(EXP) && bySize(DECA_DETAIL_CODE_LENGTH)) io = { jaw: bySize(JAW)!.name, exp: bySize(EXP)!.name, detail: bySize(DECA_DETAIL_CODE_LENGTH)!.name };
  else throw new Error(`expects jaw [batch, 3], exp [batch, 50] and detail [batch, 128] (or one [batch, 181] input); this model takes ${describe(inputs)}`);
  const uvZ = outputs.find((o) => fits(o.shape, [-1, 1, DECA_UV_SIZE, DECA_UV_SIZE]));
  if (!uvZ) throw new Error(`must output [batch, 1, 256, 256] (DECA's uv_z); its outputs are ${describe(outputs)}`);
  return { inputs: io, uvZ: uvZ.name };
}
