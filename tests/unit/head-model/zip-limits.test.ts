import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { readZip } from '../../../core/head-model/zip-read';
import { INPUT_LIMITS, LimitError } from '../../../core/limits/input-limits';
import { runCli } from '../../../main/cli/run-cli';
import { PackStore } from '../../../main/packs/pack-store';
import { useTempStudioHome } from '../../helpers/temp-dir';
import { zipWithDeclaredSize } from '../../helpers/zip-craft';

const tmp = useTempStudioHome('deca-zip-limits-');

async function packsImport(file: string): Promise<{ code: number; err: string; out: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await runCli(['packs', 'import', file], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('archive limits (zip bombs)', () => {
  it('refuses an entry that declares more than the per-entry limit before inflating anything', () => {
    const zip = zipWithDeclaredSize({ 'ICT/generic_neutral_mesh.obj': strToU8('v 0 0 0\n'.repeat(100)) }, 'ICT/generic_neutral_mesh.obj', 2.5 * 1024 ** 3);
    expect(() => readZip(zip)).toThrow(LimitError);
    expect(() => readZip(zip)).toThrow(/"ICT\/generic_neutral_mesh\.obj" would inflate to 2\.5 GiB, over the limit of 256 MiB \[limit zipEntryBytes\]/);
  });

  it('refuses an entry that inflates at a bomb-like ratio, and archives whose entries add up past the limit', () => {
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const bomb = zipSync({ 'a.obj': [zeros, { level: 9 }] });
    expect(() => readZip(bomb)).toThrow(/"a\.obj" would inflate \d+:1 .* over the limit of 100:1 \[limit zipRatio\]/);
    // Each entry within its limit, all of them together not.
    const many = zipSync({ 'a.txt': strToU8('x'.repeat(600)), 'b.txt': strToU8('y'.repeat(600)) });
    expect(() => readZip(many, { zipTotalBytes: 1000 })).toThrow(/inflate to 1.2 KiB or more, over the limit of 1000 bytes \[limit zipTotalBytes\]/);
    expect(readZip(many, { zipTotalBytes: 2000 }).entries).toHaveLength(2);
  });

  it('never inflates past the size an entry declares (a header that understates its size)', () => {
    const text = strToU8('v 1 2 3\n'.repeat(10_000));
    const zip = zipWithDeclaredSize({ 'm.obj': text }, 'm.obj', 100);
    const archive = readZip(zip);
    expect(() => archive.read(archive.entries[0]!)).toThrow(/"m\.obj" is corrupt/);
  });

  it('packs import of a zip bomb names the limit and installs nothing, not even over an existing pack', async () => {
    const store = new PackStore(path.join(tmp.dir, 'home', 'packs'));
    await store.save({ ...syntheticHeadModel({ vertices: 200, shapeCount: 2, expressionCount: 1 }), id: 'ict-facekit' });
    const file = path.join(tmp.dir, 'bomb.zip');
    const zeros = new Uint8Array(4 * 1024 * 1024);
    writeFileSync(file, zipSync({ 'ICT-FaceKit-master/FaceXModel/generic_neutral_mesh.obj': [zeros, { level: 9 }] }));
    const r = await packsImport(file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[limit zipRatio\]/);
    expect(r.err).not.toMatch(/vertices|\n\s+at /);
    expect((await store.load('ict-facekit')).vertexCount).toBe(200);
    expect((await store.list()).map((p) => p.id)).toEqual(['ict-facekit']);
  });

  it('holds a folder source to the same limits', async () => {
    const dir = path.join(tmp.dir, 'ict-folder');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'generic_neutral_mesh.obj'), 'v 0 0 0\n');
    // A sparse file: huge by its size, costs nothing on disk.
    const big = path.join(dir, 'identity000.obj');
    writeFileSync(big, '');
    truncateSync(big, INPUT_LIMITS.zipEntryBytes + 1);
    const r = await packsImport(dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/identity000\.obj is 256\.0 MiB, over the limit of 256 MiB \[limit zipEntryBytes\]/);
  });
});
