import { DECA_CODE_LENGTH, splitDecaCode, type DecaCode } from '../../core/deca/deca-code';
import { squareCrop, warpToTensor, type Affine2D, type RgbImage } from '../../core/perception/image-warp';
import type { ProviderPreference } from '../inference/execution-providers';
import { INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import { InferenceEngine } from '../inference/inference-engine';
import { checkEncoderOutput } from './check-encoder-output';

export const DECA_CROP_SIZE = 224;

export interface DecaEncoderOptions {
  provider?: ProviderPreference;
  /**
   * The process's inference engine (the compute pool's inference worker owns it); the file is then
   * opened there as model `file:<path>` and the engine is not disposed with the encoder. Without one
   * the encoder opens its own (tests, `encoder install`'s check).
   */
  engine?: InferenceEngine;
}

/**
 * DECA's coarse encoder E_c, run from an ONNX file the user supplies (converted from their
 * `deca_model.tar` with `native-models/deca/convert_deca_encoder.py`): a 224×224 RGB face crop in
 * [0, 1], NCHW, in; 236 coarse parameters out.
 *
 * ```ts
 * const encoder = await DecaEncoder.open('deca-coarse.onnx');
 * const code = await encoder.encodeCrop(image, face.decaCrop.toCrop);
 * ```
 */
export class DecaEncoder {
  private constructor(
    private readonly engine: InferenceEngine,
    private readonly modelId: string,
    private readonly ownsEngine: boolean,
    private readonly input: string,
    private readonly output: string,
  ) {}

  /** Opens the model and checks that it has DECA's signature, with a clear error otherwise. */
  static async open(file: string, options: DecaEncoderOptions = {}): Promise<DecaEncoder> {
    const engine = options.engine ?? new InferenceEngine({ resolveModel: (id) => id.slice('file:'.length), provider: options.provider });
    const modelId = `file:${file}`;
    try {
      const { inputs, outputs } = await engine.signature(modelId);
      const image = inputs.length === 1 ? inputs[0]! : null;
      const fixed = (shape: (number | string)[], want: number[]) => shape.length === want.length && want.every((w, i) => w < 0 || shape[i] === w || typeof shape[i] === 'string');
      if (!image || !fixed(image.shape, [-1, 3, DECA_CROP_SIZE, DECA_CROP_SIZE])) {
        throw new Error(`expects one input of shape [batch, 3, 224, 224]; this model takes ${inputs.map((i) => `${i.name} [${i.shape.join(', ')}]`).join(', ')}`);
      }
      // Per image, no output may be larger than the limit (dimension 0 is the batch).
      for (const o of outputs) {
        const perImage = o.shape.slice(1).reduce<number>((n, d) => n * (typeof d === 'number' && d > 0 ? d : 1), 1);
        if (perImage > INPUT_LIMITS.onnxOutputValues) throw new LimitError('onnxOutputValues', `output ${o.name} [${o.shape.join(', ')}] has ${perImage} values per image`);
      }
      const code = outputs.find((o) => o.shape[o.shape.length - 1] === DECA_CODE_LENGTH);
      if (!code) throw new Error(`must output ${DECA_CODE_LENGTH} values per image; its outputs are ${outputs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join(', ')}`);
      return new DecaEncoder(engine, modelId, !options.engine, image.name, code.name);
    } catch (error) {
      if (!options.engine) await engine.dispose();
      throw new Error(`${file} is not a DECA coarse encoder: ${(error as Error).message}`);
    }
  }

  /**
   * Encodes crops already in the model's layout: N×3×224×224, values in [0, 1]. Outputs that are not
   * finite or over the magnitude limit are refused (a LimitError), never handed on as a code.
   */
  async encodeTensor(nchw: Float32Array, count = 1, label = 'The DECA encoder'): Promise<DecaCode[]> {
    const per = 3 * DECA_CROP_SIZE * DECA_CROP_SIZE;
    if (nchw.length !== per * count) throw new Error(`expected ${count}×3×224×224 values, got ${nchw.length}`);
    const out = await this.engine.run(this.modelId, { [this.input]: { data: nchw, dims: [count, 3, DECA_CROP_SIZE, DECA_CROP_SIZE] } });
    const values = out[this.output]!.data;
    if (values.length !== count * DECA_CODE_LENGTH) throw new Error(`${label} gave ${values.length} values for ${count} image(s), expected ${count}×${DECA_CODE_LENGTH}`);
    checkEncoderOutput(values, label);
    return Array.from({ length: count }, (_, i) => splitDecaCode(values.subarray(i * DECA_CODE_LENGTH, (i + 1) * DECA_CODE_LENGTH)));
  }

  /**
   * Crops a face with perception's DECA crop transform (photo → 224×224) and encodes it. Without
   * a transform the whole image is squeezed into the crop (for images that are crops already).
   */
  async encodeCrop(image: RgbImage, toCrop?: Affine2D): Promise<DecaCode> {
    return (await this.encodeTensor(decaCropTensor(image, toCrop)))[0]!;
  }

  /** Releases the encoder's own engine; a shared engine stays open (its owner disposes it). */
  async dispose(): Promise<void> {
    if (this.ownsEngine) await this.engine.dispose();
  }
}

/**
 * DECA's network input for a face: the photo warped by perception's DECA crop transform to 224×224
 * RGB in [0, 1], NCHW. Without a transform the whole image is squeezed into the crop. E_flame and
 * E_detail take the same crop (decalib/deca.py encodes one `images` tensor with both).
 *
 * ```ts
 * const nchw = decaCropTensor(image, face.decaCrop.toCrop);
 * ```
 */
export function decaCropTensor(image: RgbImage, toCrop?: Affine2D): Float32Array {
  const m = toCrop ?? squareCrop(image.width / 2, image.height / 2, Math.max(image.width, image.height), DECA_CROP_SIZE);
  return toNchw(warpToTensor(image, m, DECA_CROP_SIZE, DECA_CROP_SIZE, { scale: 1 / 255 }));
}

/** NHWC (what the warp produces) to NCHW (what DECA's PyTorch network takes). */
function toNchw(nhwc: Float32Array): Float32Array {
  const hw = DECA_CROP_SIZE * DECA_CROP_SIZE;
  const out = new Float32Array(3 * hw);
  for (let p = 0; p < hw; p++) for (let c = 0; c < 3; c++) out[c * hw + p] = nhwc[p * 3 + c]!;
  return out;
}
