import sharp from 'sharp';
import type { HeadModel } from '../../core/head-model/head-model';
import { OnnxGraph } from '../../native-models/onnx/onnx-graph';

/**
 * Stand-ins for DECA's detail networks and UV data files, small enough to build in a test, whose
 * outputs a test can predict.
 */

export const UV = 256;
const TEXELS = UV * UV;

/** E_detail stand-in: image [batch, 3, 224, 224] → detail [batch, 128] = mean RGB · W + b. */
export function tinyDetailEncoder(w: Float32Array, b: Float32Array, options: { size?: number; outputs?: number } = {}): Uint8Array {
  const size = options.size ?? 224, outputs = options.outputs ?? 128;
  const g = new OnnxGraph('tiny-e-detail');
  const x = g.input('image', ['batch', 3, size, size]);
  const mean = g.node('ReduceMean', [x], { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  g.output(g.node('Add', [g.node('MatMul', [mean, g.constFloat('w', [3, outputs], w)]), g.constFloat('b', [outputs], b)]), 'detail', ['batch', outputs]);
  return g.toBytes();
}

/** The weights of the D_detail stand-in's scalar s = jaw₀ + ½·mean(exp) + mean(detail). */
const K_JAW = [1, 0, 0], K_EXP = 0.5 / 50, K_DETAIL = 1 / 128;

/**
 * D_detail stand-in: uv_z [batch, 1, 256, 256] = 0.01 · tanh(s · pattern), with s as above; inputs
 * jaw/exp/detail, or one 181-value `latent` (DECA's concatenation order) when `latent` is set.
 * `nan` makes every output NaN (a broken conversion).
 */
export function tinyDetailDecoder(pattern: Float32Array, options: { latent?: boolean; nan?: boolean; outSize?: number } = {}): Uint8Array {
  const out = options.outSize ?? UV;
  const g = new OnnxGraph('tiny-d-detail');
  let s: string;
  if (options.latent) {
    const latent = g.input('latent', ['batch', 181]);
    const k = Float32Array.from({ length: 181 }, (_, j) => (j < 3 ? K_JAW[j]! : j < 53 ? K_EXP : K_DETAIL));
    s = g.node('MatMul', [latent, g.constFloat('k', [181, 1], k)]);
  } else {
    const jaw = g.input('jaw', ['batch', 3]), exp = g.input('exp', ['batch', 50]), detail = g.input('detail', ['batch', 128]);
    const dot = (x: string, k: Float32Array) => g.node('MatMul', [x, g.constFloat('k', [k.length, 1], k)]);
    s = g.node('Add', [g.node('Add', [dot(jaw, Float32Array.from(K_JAW)), dot(exp, new Float32Array(50).fill(K_EXP))]), dot(detail, new Float32Array(128).fill(K_DETAIL))]);
  }
  let z = g.node('Mul', [g.node('Tanh', [g.node('MatMul', [s, g.constFloat('pattern', [1, out * out], pattern)])]), g.constFloat('max_z', [1], [0.01])]);
  if (options.nan) z = g.node('Mul', [z, g.node('Div', [g.constFloat('zero', [1], [0]), g.constFloat('zero', [1], [0])])]);
  g.output(g.node('Reshape', [z, g.constInt64('shape', [-1, 1, out, out])]), 'uv_z', ['batch', 1, out, out]);
  return g.toBytes();
}

/** What the D_detail stand-in gives for one face. */
export function predictUvZ(pattern: Float32Array, jaw: ArrayLike<number>, exp: ArrayLike<number>, detail: ArrayLike<number>): Float32Array {
  let s = jaw[0]!;
  for (let i = 0; i < 50; i++) s += exp[i]! * K_EXP;
  for (let i = 0; i < 128; i++) s += detail[i]! * K_DETAIL;
  return Float32Array.from(pattern, (p) => 0.01 * Math.tanh(s * p));
}

/** A smooth pattern with both signs over DECA's UV image. */
export function uvPattern(): Float32Array {
  return Float32Array.from({ length: TEXELS }, (_, k) => 1.5 * Math.sin((k % UV) / 9) * Math.cos(Math.floor(k / UV) / 13) + 0.2);
}

/**
 * An OBJ with the model's vertices and faces and a longitude/latitude UV layout for the synthetic
 * sphere head (`syntheticHeadModel`): u from longitude with the face (lon 0) at u = ½, v from
 * latitude (top of the head at v = 0.95). Corners across the back seam get a second UV (u + 1), so
 * the seam vertices have two UVs, as FLAME's do.
 */
export function sphereTemplateObj(model: HeadModel): { text: string; uvOf: (vertex: number) => [number, number] } {
  const V = model.vertexCount, t = model.template;
  const uvOf = (v: number): [number, number] => {
    const x = t[v * 3]!, y = t[v * 3 + 1]!, z = t[v * 3 + 2]!;
    const lon = Math.atan2(x, z); // 0 at the face, ±π at the back
    const lat = Math.acos(Math.max(-1, Math.min(1, y / Math.hypot(x, y, z))));
    return [(lon / (2 * Math.PI) + 0.5 + 1) % 1, 1 - lat / Math.PI];
  };
  const lines = ['# synthetic head_template.obj'];
  for (let v = 0; v < V; v++) lines.push(`v ${t[v * 3]} ${t[v * 3 + 1]} ${t[v * 3 + 2]}`);
  for (let v = 0; v < V; v++) lines.push(`vt ${uvOf(v).join(' ')}`);
  for (let v = 0; v < V; v++) lines.push(`vt ${uvOf(v)[0] + 1} ${uvOf(v)[1]}`);
  const tri = model.triangles;
  for (let f = 0; f < tri.length; f += 3) {
    const c = [tri[f]!, tri[f + 1]!, tri[f + 2]!];
    const us = c.map((v) => uvOf(v)[0]);
    const wraps = Math.max(...us) - Math.min(...us) > 0.5;
    lines.push(`f ${c.map((v, i) => `${v + 1}/${(wraps && us[i]! < 0.5 ? V + v : v) + 1}`).join(' ')}`);
  }
  return { text: `${lines.join('\n')}\n`, uvOf };
}

/** A `.npy` (version 1.0, little-endian float64, C order). */
export function npyFloat64(shape: number[], values: ArrayLike<number>): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + values.length * 8);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

/** An RGBA PNG whose red channel is `red(row, col)` (0…255); green and blue are 255, to tell channels apart. */
export async function maskPng(red: (row: number, col: number) => number, size = UV): Promise<Buffer> {
  const px = new Uint8Array(size * size * 4);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) px.set([red(r, c), 255, 255, 255], (r * size + c) * 4);
  return sharp(px, { raw: { width: size, height: size, channels: 4 } }).png().toBuffer();
}

/** The fixture mask: 255 in a disc of radius 0.25 around (u, v) = (½, ½), 128 in a ring out to 0.3, 0 elsewhere. */
export function discMask(row: number, col: number, size = UV): number {
  const u = (col + 0.5) / size, v = 1 - (row + 0.5) / size;
  const d = Math.hypot(u - 0.5, v - 0.5);
  return d < 0.25 ? 255 : d < 0.3 ? 128 : 0;
}
