import { OnnxGraph, type OnnxAttr, type OnnxDim } from '../onnx/onnx-graph';
import type { TfjsWeight } from '../tfjs-weights';
import { conv2d, depthwiseConv2d, toNchw, toNhwc, type TfPadding } from './tf-layers';

/** A node of a TFJS graph model's `modelTopology.node` list. */
export interface TfjsGraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { s?: string; i?: string; f?: number; list?: { i?: string[]; s?: string[] }; shape?: { dim?: { size: string }[] } }>;
}

/** What to call the graph's outputs in ONNX: TF node name → ONNX output name and shape. */
export interface TfjsGraphOutputs {
  [tfNodeName: string]: { name: string; shape: OnnxDim[] };
}

interface Value {
  name: string;
  /** 'nchw': a 4-D activation transposed to NCHW; 'plain': any other tensor, in TF's own layout. */
  layout: 'nchw' | 'plain';
}

const decode = (s: string | undefined) => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));

function padding(node: TfjsGraphNode): TfPadding {
  const p = decode(node.attr?.padding?.s);
  if (p === 'SAME') return 'same';
  if (p === 'VALID') return 'valid';
  if (p === 'EXPLICIT') {
    const e = (node.attr?.explicit_paddings?.list?.i ?? []).map(Number);
    return [e[2]!, e[3]!, e[4]!, e[5]!];
  }
  throw new Error(`${node.name}: unsupported padding "${p}"`);
}

function stride(node: TfjsGraphNode): number {
  const s = (node.attr?.strides?.list?.i ?? ['1', '1', '1', '1']).map(Number);
  if (s[1] !== s[2]) throw new Error(`${node.name}: unequal strides ${s.join(',')}`);
  const d = (node.attr?.dilations?.list?.i ?? ['1', '1', '1', '1']).map(Number);
  if (d.some((v) => v !== 1)) throw new Error(`${node.name}: dilated convolutions are not supported`);
  return s[1]!;
}

/**
 * Converts a TFJS graph model (the kind `@vladmandic/human` ships: BlazeFace, FaceMesh, Iris) to ONNX.
 * Covers the ops those models use (_FusedConv2D with BiasAdd/Relu/Prelu, DepthwiseConv2dNative,
 * AddV2, Relu, Prelu, Sigmoid, MaxPool, Pad, Reshape, ConcatV2, Identity). Activations run in NCHW inside;
 * the input stays NHWC like the original so that both take the same tensor.
 *
 * ```ts
 * const onnx = convertTfjsGraph('blazeface', model.modelTopology.node, weights, { Identity: { name: 'scores', shape: [1, 512, 1] } });
 * ```
 */
export function convertTfjsGraph(name: string, nodes: readonly TfjsGraphNode[], weights: Map<string, TfjsWeight>, outputs: TfjsGraphOutputs): Uint8Array {
  const g = new OnnxGraph(name);
  const values = new Map<string, Value>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const weight = (n: string): TfjsWeight => {
    const w = weights.get(n.split(':')[0]!);
    if (!w) throw new Error(`${name}: no weight for constant "${n}"`);
    return w;
  };
  const nchw = (n: string): string => {
    const v = values.get(n.split(':')[0]!);
    if (!v) throw new Error(`${name}: input "${n}" used before it is defined`);
    if (v.layout !== 'nchw') throw new Error(`${name}: "${n}" is not a 4-D activation`);
    return v.name;
  };
  const plain = (n: string): string => {
    const v = values.get(n.split(':')[0]!)!;
    return v.layout === 'nchw' ? toNhwc(g, v.name) : v.name;
  };
  const channelVector = (w: TfjsWeight, hint: string) => g.constFloat(hint, [1, w.data.length, 1, 1], w.data as Float32Array);

  // The topology is listed in no particular order: visit depth-first from the outputs.
  const visiting = new Set<string>();
  const visit = (nodeName: string): void => {
    if (values.has(nodeName) || byName.get(nodeName)?.op === 'Const') return;
    const node = byName.get(nodeName);
    if (!node) throw new Error(`${name}: unknown node "${nodeName}"`);
    if (visiting.has(nodeName)) throw new Error(`${name}: cycle at "${nodeName}"`);
    visiting.add(nodeName);
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    for (const i of inputs) visit(i.split(':')[0]!);
    values.set(nodeName, convertNode(node, inputs));
  };

  const convertNode = (node: TfjsGraphNode, inputs: string[]): Value => {
    const [a, b, c, d] = inputs as [string, string, string, string];
    switch (node.op) {
      case 'Placeholder': {
        const dims = (node.attr?.shape?.shape?.dim ?? []).map((x) => Number(x.size));
        const shape = dims.map((x, i) => (x < 0 ? (i === 0 ? 'batch' : `d${i}`) : x));
        return { name: toNchw(g, g.input(node.name, shape)), layout: 'nchw' };
      }
      case '_FusedConv2D': {
        const fused = (node.attr?.fused_ops?.list?.s ?? []).map(decode);
        if (fused[0] !== 'BiasAdd') throw new Error(`${node.name}: fused ops ${fused.join('+')} not supported`);
        let y = conv2d(g, nchw(a), weight(b), weight(c), stride(node), padding(node));
        if (fused[1] === 'Relu') y = g.node('Relu', [y]);
        else if (fused[1] === 'Prelu') y = g.node('PRelu', [y, channelVector(weight(d), 'alpha')]);
        else if (fused[1] !== undefined) throw new Error(`${node.name}: activation ${fused[1]} not supported`);
        return { name: y, layout: 'nchw' };
      }
      case 'DepthwiseConv2dNative':
        return { name: depthwiseConv2d(g, nchw(a), weight(b), undefined, stride(node), padding(node)), layout: 'nchw' };
      case 'AddV2':
      case 'Add': {
        const bothNchw = values.get(a.split(':')[0]!)?.layout === 'nchw' && values.get(b.split(':')[0]!)?.layout === 'nchw';
        if (!bothNchw) throw new Error(`${node.name}: Add is only supported between activations`);
        return { name: g.node('Add', [nchw(a), nchw(b)]), layout: 'nchw' };
      }
      case 'Relu':
      case 'Sigmoid': {
        const v = values.get(a.split(':')[0]!)!;
        return { name: g.node(node.op, [v.name]), layout: v.layout };
      }
      case 'Prelu':
        return { name: g.node('PRelu', [nchw(a), channelVector(weight(b), 'alpha')]), layout: 'nchw' };
      case 'MaxPool': {
        const k = (node.attr?.ksize?.list?.i ?? []).map(Number);
        const p = padding(node);
        const pad: Record<string, OnnxAttr> = p === 'same' ? { auto_pad: { s: 'SAME_UPPER' } } : p === 'valid' ? { auto_pad: { s: 'VALID' } } : { pads: { ints: [p[0], p[2], p[1], p[3]] } };
        return { name: g.node('MaxPool', [nchw(a)], { kernel_shape: { ints: [k[1]!, k[2]!] }, strides: { ints: [stride(node), stride(node)] }, ...pad }), layout: 'nchw' };
      }
      case 'Pad': {
        const p = Array.from(weight(b).data); // NHWC [[n0,n1],[h0,h1],[w0,w1],[c0,c1]]
        const pads = [p[0]!, p[6]!, p[2]!, p[4]!, p[1]!, p[7]!, p[3]!, p[5]!];
        return { name: g.node('Pad', [nchw(a), g.constInt64('pads', pads)]), layout: 'nchw' };
      }
      case 'Reshape': {
        const shape = Array.from(weight(b).data);
        return { name: g.node('Reshape', [plain(a), g.constInt64('shape', shape)]), layout: 'plain' };
      }
      case 'ConcatV2': {
        // The last input is the axis; activations are concatenated in NCHW, so NHWC's axis moves.
        const parts = inputs.slice(0, -1);
        const axis = Number(weight(inputs[inputs.length - 1]!).data[0]);
        const allNchw = parts.every((p) => values.get(p.split(':')[0]!)?.layout === 'nchw');
        if (!allNchw) throw new Error(`${node.name}: Concat is only supported between activations`);
        const nchwAxis = [0, 2, 3, 1][axis < 0 ? axis + 4 : axis]!;
        return { name: g.node('Concat', parts.map(nchw), { axis: { i: nchwAxis } }), layout: 'nchw' };
      }
      case 'Identity':
        return values.get(a.split(':')[0]!)!;
      default:
        throw new Error(`${name}: TF op ${node.op} (${node.name}) is not supported by the converter`);
    }
  };

  for (const [tfName, spec] of Object.entries(outputs)) {
    visit(tfName);
    const v = values.get(tfName)!;
    const out = v.layout === 'nchw' ? toNhwc(g, v.name) : v.name;
    g.output(out, spec.name, spec.shape);
  }
  return g.toBytes();
}
