import { OnnxGraph } from '../onnx/onnx-graph';
import type { TfjsWeight } from '../tfjs-weights';
import { addChannelVector, conv2d, depthwiseConv2d, mulChannelVector, toNchw } from './tf-layers';

// face-api normalizes both nets' input the same way: subtract the RGB mean, divide by 255.
const MEAN_RGB = [122.782, 117.001, 104.298];

function weightGetter(weights: Map<string, TfjsWeight>) {
  return (name: string): TfjsWeight => {
    const w = weights.get(name);
    if (!w) throw new Error(`face-api weights: missing tensor "${name}"`);
    return w;
  };
}

function normalizedInput(g: OnnxGraph, size: number): string {
  const x = g.input('image', ['batch', size, size, 3]);
  const centered = g.node('Sub', [x, g.constFloat('mean_rgb', [1, 1, 1, 3], MEAN_RGB)]);
  return toNchw(g, g.node('Div', [centered, g.constFloat('255', [], [255])]));
}

/**
 * face-api's FaceLandmark68Net (layout from its `FaceFeatureExtractor` and `denseBlock4`) as ONNX.
 * Input `image` [N,112,112,3], RGB 0..255 (face crop padded to square); output `landmarks` [N,136]:
 * x0,y0,x1,y1… in 0..1 of the input crop, iBUG 68-point order.
 *
 * ```ts
 * const onnx = buildLandmark68Net(readTfjsWeights(manifest, dir));
 * ```
 */
export function buildLandmark68Net(weights: Map<string, TfjsWeight>): Uint8Array {
  const w = weightGetter(weights);
  const g = new OnnxGraph('face_landmark_68');
  const sep = (x: string, prefix: string, stride: number) => {
    const dw = depthwiseConv2d(g, x, w(`${prefix}/depthwise_filter`), undefined, stride, 'same');
    return conv2d(g, dw, w(`${prefix}/pointwise_filter`), w(`${prefix}/bias`), 1, 'same');
  };
  const relu = (x: string) => g.node('Relu', [x]);
  const add = (a: string, b: string) => g.node('Add', [a, b]);
  const denseBlock4 = (x: string, prefix: string, first: boolean) => {
    const out1 = relu(first ? conv2d(g, x, w(`${prefix}/conv0/filters`), w(`${prefix}/conv0/bias`), 2, 'same') : sep(x, `${prefix}/conv0`, 2));
    const out2 = sep(out1, `${prefix}/conv1`, 1);
    const out3 = sep(relu(add(out1, out2)), `${prefix}/conv2`, 1);
    const out4 = sep(relu(add(out1, add(out2, out3))), `${prefix}/conv3`, 1);
    return relu(add(out1, add(out2, add(out3, out4))));
  };
  let x = normalizedInput(g, 112);
  x = denseBlock4(x, 'dense0', true);
  x = denseBlock4(x, 'dense1', false);
  x = denseBlock4(x, 'dense2', false);
  x = denseBlock4(x, 'dense3', false);
  x = g.node('AveragePool', [x], { kernel_shape: { ints: [7, 7] }, strides: { ints: [2, 2] }, auto_pad: { s: 'VALID' } });
  x = g.node('Flatten', [x], { axis: { i: 1 } });
  const fcW = w('fc/weights');
  x = g.node('MatMul', [x, g.constFloat('fc_w', fcW.shape, fcW.data as Float32Array)]);
  x = g.node('Add', [x, g.constFloat('fc_b', [136], w('fc/bias').data as Float32Array)]);
  g.output(x, 'landmarks', ['batch', 136]);
  return g.toBytes();
}

/**
 * face-api's FaceRecognitionNet (dlib's ResNet-34-like face descriptor, layout from its
 * `FaceRecognitionNet`, `residualLayer` and `convLayer`) as ONNX. Input `image` [N,150,150,3],
 * RGB 0..255 (aligned face chip); output `descriptor` [N,128] (same person when distance < ~0.6).
 *
 * ```ts
 * const onnx = buildFaceRecognitionNet(readTfjsWeights(manifest, dir));
 * ```
 */
export function buildFaceRecognitionNet(weights: Map<string, TfjsWeight>): Uint8Array {
  const w = weightGetter(weights);
  const g = new OnnxGraph('face_recognition');
  // Spatial size is tracked statically: the input is fixed at 150×150, so every shape is known.
  let size = 150;
  let channels = 3;
  const convLayer = (x: string, prefix: string, stride: number, withRelu: boolean, padding: 'same' | 'valid') => {
    const filters = w(`${prefix}/conv/filters`);
    let out = conv2d(g, x, filters, w(`${prefix}/conv/bias`), stride, padding);
    out = mulChannelVector(g, out, w(`${prefix}/scale/weights`).data as Float32Array);
    out = addChannelVector(g, out, w(`${prefix}/scale/biases`).data as Float32Array);
    return withRelu ? g.node('Relu', [out]) : out;
  };
  const residual = (x: string, prefix: string) => {
    let out = convLayer(x, `${prefix}/conv1`, 1, true, 'same');
    out = convLayer(out, `${prefix}/conv2`, 1, false, 'same');
    return g.node('Relu', [g.node('Add', [out, x])]);
  };
  const residualDown = (x: string, prefix: string) => {
    const outChannels = w(`${prefix}/conv1/conv/filters`).shape[3]!;
    let out = convLayer(x, `${prefix}/conv1`, 2, true, 'valid');
    out = convLayer(out, `${prefix}/conv2`, 1, false, 'same');
    const outSize = Math.floor((size - 3) / 2) + 1;
    const pooledSize = Math.floor(size / 2);
    let pooled = g.node('AveragePool', [x], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, auto_pad: { s: 'VALID' } });
    // face-api pads the conv branch with a zero row and column at the end when it comes out one smaller.
    if (outSize !== pooledSize) out = g.node('Pad', [out, g.constInt64('pads', [0, 0, 0, 0, 0, 0, pooledSize - outSize, pooledSize - outSize])]);
    // …and zero-fills the extra channels of the shortcut when the block widens.
    if (outChannels !== channels) pooled = g.node('Pad', [pooled, g.constInt64('pads', [0, 0, 0, 0, 0, outChannels - channels, 0, 0])]);
    size = pooledSize;
    channels = outChannels;
    return g.node('Relu', [g.node('Add', [pooled, out])]);
  };

  let x = normalizedInput(g, 150);
  x = convLayer(x, 'conv32_down', 2, true, 'valid');
  size = Math.floor((size - 7) / 2) + 1;
  x = g.node('MaxPool', [x], { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, auto_pad: { s: 'VALID' } });
  size = Math.floor((size - 3) / 2) + 1;
  channels = 32;
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p);
  x = residualDown(x, 'conv64_down');
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p);
  x = residualDown(x, 'conv128_down');
  for (const p of ['conv128_1', 'conv128_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down');
  for (const p of ['conv256_1', 'conv256_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down_out');
  x = g.node('ReduceMean', [x], { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  const fc = w('fc');
  x = g.node('MatMul', [x, g.constFloat('fc', fc.shape, fc.data as Float32Array)]);
  g.output(x, 'descriptor', ['batch', 128]);
  return g.toBytes();
}
