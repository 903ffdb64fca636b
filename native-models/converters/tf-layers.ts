import type { OnnxAttr, OnnxGraph } from '../onnx/onnx-graph';
import type { TfjsWeight } from '../tfjs-weights';

/** TF padding: 'same' (extra padding at the end, ONNX SAME_UPPER), 'valid', or explicit [top, bottom, left, right]. */
export type TfPadding = 'same' | 'valid' | [number, number, number, number];

function paddingAttrs(padding: TfPadding): Record<string, OnnxAttr> {
  if (padding === 'same') return { auto_pad: { s: 'SAME_UPPER' } };
  if (padding === 'valid') return { auto_pad: { s: 'VALID' } };
  const [t, b, l, r] = padding;
  return { pads: { ints: [t, l, b, r] } };
}

/** TF conv filter [kh, kw, in, out] as ONNX weight [out, in, kh, kw]. */
export function convFilterToOnnx(w: TfjsWeight): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o]!;
  return { dims: [cout, cin, kh, kw], data: out };
}

/** TF depthwise filter [kh, kw, C, m] as ONNX grouped-conv weight [C*m, 1, kh, kw]. */
export function depthwiseFilterToOnnx(w: TfjsWeight): { dims: number[]; data: Float32Array } {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < c; i++)
        for (let j = 0; j < m; j++) out[((i * m + j) * kh + y) * kw + x] = src[((y * kw + x) * c + i) * m + j]!;
  return { dims: [c * m, 1, kh, kw], data: out };
}

/**
 * A TF `conv2d` (+ optional bias) on an NCHW tensor.
 *
 * ```ts
 * const y = conv2d(g, x, weights.get('conv0/filters')!, weights.get('conv0/bias'), 2, 'same');
 * ```
 */
export function conv2d(g: OnnxGraph, x: string, filter: TfjsWeight, bias: TfjsWeight | undefined, stride: number, padding: TfPadding): string {
  const w = convFilterToOnnx(filter);
  const inputs = [x, g.constFloat('W', w.dims, w.data)];
  if (bias) inputs.push(g.constFloat('B', [bias.data.length], bias.data as Float32Array));
  return g.node('Conv', inputs, { strides: { ints: [stride, stride] }, kernel_shape: { ints: w.dims.slice(2) }, ...paddingAttrs(padding) });
}

/** A TF `depthwiseConv2d` (+ optional bias) on an NCHW tensor. */
export function depthwiseConv2d(g: OnnxGraph, x: string, filter: TfjsWeight, bias: TfjsWeight | undefined, stride: number, padding: TfPadding): string {
  const w = depthwiseFilterToOnnx(filter);
  const inputs = [x, g.constFloat('DW', w.dims, w.data)];
  if (bias) inputs.push(g.constFloat('DB', [bias.data.length], bias.data as Float32Array));
  return g.node('Conv', inputs, { strides: { ints: [stride, stride] }, kernel_shape: { ints: w.dims.slice(2) }, group: { i: w.dims[0]! }, ...paddingAttrs(padding) });
}

/** Adds a per-channel vector to an NCHW tensor (broadcast over H, W). */
export function addChannelVector(g: OnnxGraph, x: string, v: Float32Array, hint = 'bias'): string {
  return g.node('Add', [x, g.constFloat(hint, [1, v.length, 1, 1], v)]);
}

/** Multiplies an NCHW tensor by a per-channel vector. */
export function mulChannelVector(g: OnnxGraph, x: string, v: Float32Array, hint = 'scale'): string {
  return g.node('Mul', [x, g.constFloat(hint, [1, v.length, 1, 1], v)]);
}

/** NHWC → NCHW. */
export function toNchw(g: OnnxGraph, x: string): string {
  return g.node('Transpose', [x], { perm: { ints: [0, 3, 1, 2] } });
}

/** NCHW → NHWC. */
export function toNhwc(g: OnnxGraph, x: string): string {
  return g.node('Transpose', [x], { perm: { ints: [0, 2, 3, 1] } });
}
