import { ProtoWriter } from './protobuf-writer';

/** An ONNX node attribute: integer, float, list of integers, list of floats or string. */
export type OnnxAttr = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string };

/** A dimension: fixed size, or a symbolic name such as "batch". */
export type OnnxDim = number | string;

interface NodeRecord {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, OnnxAttr>;
}

interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

// ONNX enum values (onnx.proto3): TensorProto.DataType and AttributeProto.AttributeType.
const DT_FLOAT = 1;
const DT_INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/**
 * Builds an ONNX graph in memory and serializes it as a ModelProto (opset 13, IR version 7).
 * Node and tensor names come from a counter, so the same construction gives identical bytes.
 *
 * ```ts
 * const g = new OnnxGraph('tiny');
 * const x = g.input('x', ['batch', 4]);
 * const y = g.node('Relu', [x]);
 * g.output(y, 'y', ['batch', 4]);
 * const bytes = g.toBytes();
 * ```
 */
export class OnnxGraph {
  private nodes: NodeRecord[] = [];
  private inits: Initializer[] = [];
  private inputs: { name: string; shape: OnnxDim[] }[] = [];
  private outputs: { name: string; shape: OnnxDim[] }[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh, unique tensor name. */
  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  input(name: string, shape: OnnxDim[]): string {
    this.inputs.push({ name, shape });
    return name;
  }

  /** Marks `tensor` as a graph output called `name` (an Identity node renames it). */
  output(tensor: string, name: string, shape: OnnxDim[]): void {
    this.nodes.push({ op: 'Identity', inputs: [tensor], outputs: [name], name: this.fresh('out'), attrs: {} });
    this.outputs.push({ name, shape });
  }

  /** A float32 constant. */
  constFloat(hint: string, dims: number[], data: Float32Array | readonly number[]): string {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    const size = dims.reduce((a, b) => a * b, 1);
    if (arr.length !== size) throw new Error(`constant ${hint}: ${arr.length} values for shape [${dims.join(',')}]`);
    const name = this.fresh(hint);
    this.inits.push({ name, dims, data: arr });
    return name;
  }

  /** An int64 constant (shapes, pads, axes). */
  constInt64(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    this.inits.push({ name, dims: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) });
    return name;
  }

  /** Adds a node with one output and returns that output's name. */
  node(op: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], name: this.fresh(`n_${op}`), attrs });
    return out;
  }

  toBytes(producer = 'deca-studio native-models'): Uint8Array {
    const w = new ProtoWriter();
    w.varint(1, 7); // ir_version
    w.string(2, producer);
    w.message(7, (g) => this.writeGraph(g));
    w.message(8, (o) => o.string(1, '').varint(2, 13)); // opset_import: default domain, opset 13
    return w.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) g.message(1, (w) => writeNode(w, n));
    g.string(2, this.name);
    for (const t of this.inits) g.message(5, (w) => writeTensor(w, t));
    for (const i of this.inputs) g.message(11, (w) => writeValueInfo(w, i.name, i.shape));
    for (const o of this.outputs) g.message(12, (w) => writeValueInfo(w, o.name, o.shape));
  }
}

function writeNode(w: ProtoWriter, n: NodeRecord): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const key of Object.keys(n.attrs).sort()) {
    const a = n.attrs[key]!;
    w.message(5, (aw) => {
      aw.string(1, key);
      if ('i' in a) aw.varint(3, a.i).varint(20, ATTR.INT);
      else if ('f' in a) aw.float(2, a.f).varint(20, ATTR.FLOAT);
      else if ('ints' in a) aw.packedVarints(8, a.ints).varint(20, ATTR.INTS);
      else if ('floats' in a) {
        for (const f of a.floats) aw.float(7, f);
        aw.varint(20, ATTR.FLOATS);
      } else aw.string(4, a.s).varint(20, ATTR.STRING);
    });
  }
}

function writeTensor(w: ProtoWriter, t: Initializer): void {
  w.packedVarints(1, t.dims);
  w.varint(2, t.data instanceof Float32Array ? DT_FLOAT : DT_INT64);
  w.string(8, t.name);
  // raw_data is little-endian; copy so the view covers exactly this tensor's bytes.
  const bytes = new Uint8Array(t.data.byteLength);
  bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  w.bytes(9, bytes);
}

function writeValueInfo(w: ProtoWriter, name: string, shape: OnnxDim[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, DT_FLOAT);
      tensor.message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
      });
    }),
  );
}
