import { DECA_CODE_LENGTH } from '../../core/deca/deca-code';
import { INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';

/**
 * Values the encoder must keep within the limits: every one finite and no larger than
 * `onnxOutputMagnitude`. Throws a {@link LimitError} naming the first value that is not.
 *
 * ```ts
 * checkEncoderOutput(values, 'deca-coarse.onnx'); // throws on NaN, ±Infinity or 1.9e30
 * ```
 */
export function checkEncoderOutput(values: ArrayLike<number>, label: string): void {
  const max = INPUT_LIMITS.onnxOutputMagnitude;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Math.abs(v) <= max)) {
      throw new LimitError('onnxOutputMagnitude', `${label} output value ${i % DECA_CODE_LENGTH} is ${Number.isFinite(v) ? v.toExponential(2) : String(v)}: the model's weights look broken`);
    }
  }
}
