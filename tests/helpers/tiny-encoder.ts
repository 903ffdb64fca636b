import { DECA_CODE_LENGTH } from '../../core/deca/deca-code';
import { OnnxGraph } from '../../native-models/onnx/onnx-graph';

/**
 * A tiny stand-in with DECA's signature: image [batch, 3, 224, 224] → params [batch, 236], computed as
 * mean RGB (per channel, over the crop) · W + b, so a test can predict every output value.
 */
export function tinyEncoder(w: Float32Array, b: Float32Array, size = 224, outputs = DECA_CODE_LENGTH): Uint8Array {
  const g = new OnnxGraph('tiny-deca');
  const x = g.input('image', ['batch', 3, size, size]);
  const mean = g.node('ReduceMean', [x], { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  const y = g.node('Add', [g.node('MatMul', [mean, g.constFloat('w', [3, outputs], w)]), g.constFloat('b', [outputs], b)]);
  g.output(y, 'params', ['batch', outputs]);
  return g.toBytes();
}
