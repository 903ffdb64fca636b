import { DECA_CROP_SIZE, type DecaEncoder } from './deca-encoder';

/**
 * Runs a model that has DECA's signature on two fixed probe crops (mid-grey, and a smooth colour
 * gradient) and checks what comes out, so an encoder with the right shape but garbage weights is
 * refused at install time instead of feeding 1e30s into every fit.
 *
 * ```ts
 * await probeEncoder(await DecaEncoder.open(file), file);
 * ```
 */
export async function probeEncoder(encoder: DecaEncoder, label: string): Promise<void> {
  const hw = DECA_CROP_SIZE * DECA_CROP_SIZE;
  const probe = new Float32Array(2 * 3 * hw).fill(0.5);
  for (let p = 0; p < hw; p++) {
    const x = (p % DECA_CROP_SIZE) / DECA_CROP_SIZE, y = Math.floor(p / DECA_CROP_SIZE) / DECA_CROP_SIZE;
    probe[3 * hw + p] = 0.3 + 0.5 * x;
    probe[4 * hw + p] = 0.2 + 0.4 * y;
    probe[5 * hw + p] = 0.6 - 0.3 * x * y;
  }
  // encodeTensor checks every output value against the limits.
  await encoder.encodeTensor(probe, 2, label);
}
