/**
 * Reads MediaPipe's canonical face mesh (468 vertices with UVs, 898 triangles; Apache-2.0) from
 * `geometry_pipeline_metadata_landmarks.binarypb`, a GeometryPipelineMetadata protobuf:
 * field 1 = Mesh3d { 1 vertex_type, 2 primitive_type, 3 repeated float vertex_buffer (x, y, z, u, v
 * per vertex), 4 repeated uint32 index_buffer }.
 */
export interface CanonicalFaceMesh {
  /** 468×3, centimetres, +Y up, the face looking towards +Z. */
  positions: Float32Array;
  /** 468×2 texture coordinates of MediaPipe's canonical face texture. */
  uvs: Float32Array;
  triangles: Uint32Array;
}

class ProtoReader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated protobuf varint');
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.pos += this.varint();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
}

/**
 * Parses the canonical face mesh from the packed asset's bytes.
 *
 * ```ts
 * const mesh = parseCanonicalFaceMesh(bytes); // 468 vertices
 * ```
 */
export function parseCanonicalFaceMesh(bytes: Uint8Array): CanonicalFaceMesh {
  const top = new ProtoReader(bytes);
  while (top.pos < top.end) {
    const key = top.varint();
    if (key >>> 3 === 1 && (key & 7) === 2) {
      const len = top.varint();
      return parseMesh(new ProtoReader(bytes, top.pos + len), top.pos);
    }
    top.skip(key & 7);
  }
  throw new Error('no canonical_mesh in the geometry pipeline metadata');
}

function parseMesh(r: ProtoReader, start: number): CanonicalFaceMesh {
  r.pos = start;
  const floats: number[] = [];
  const indices: number[] = [];
  const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  while (r.pos < r.end) {
    const key = r.varint();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 3 && wire === 2) {
      const stop = r.pos + r.varint();
      for (; r.pos < stop; r.pos += 4) floats.push(view.getFloat32(r.pos, true));
    } else if (field === 3 && wire === 5) {
      floats.push(view.getFloat32(r.pos, true));
      r.pos += 4;
    } else if (field === 4 && wire === 2) {
      const stop = r.pos + r.varint();
      while (r.pos < stop) indices.push(r.varint());
    } else if (field === 4 && wire === 0) {
      indices.push(r.varint());
    } else {
      r.skip(wire);
    }
  }
  const n = floats.length / 5;
  if (!Number.isInteger(n) || n === 0 || indices.length % 3 !== 0) throw new Error(`malformed canonical mesh (${floats.length} floats, ${indices.length} indices)`);
  const positions = new Float32Array(n * 3);
  const uvs = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    positions.set(floats.slice(i * 5, i * 5 + 3), i * 3);
    uvs.set(floats.slice(i * 5 + 3, i * 5 + 5), i * 2);
  }
  return { positions, uvs, triangles: Uint32Array.from(indices) };
}
