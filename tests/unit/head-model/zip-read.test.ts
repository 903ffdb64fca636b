import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crc32, readZip } from '../../../core/head-model/zip-read';
import { ensureBuilt, runCli } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp-dir';

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((c) => c()));

describe('readZip', () => {
  it('reads stored and deflated entries byte-exact and skips folders', () => {
    const big = strToU8('v 1 2 3\n'.repeat(5000));
    const zip = zipSync({ 'm/a.txt': [strToU8('hello'), { level: 0 }], 'm/b.obj': [big, { level: 6 }], 'm/empty/': new Uint8Array(0) });
    const archive = readZip(zip);
    expect(archive.entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ['m/a.txt', 0, 5],
      ['m/b.obj', 8, big.length],
    ]);
    expect(archive.entries[1]!.compressedSize).toBeLessThan(big.length / 10);
    expect(Buffer.from(archive.read(archive.entries[0]!)).toString()).toBe('hello');
    expect(Buffer.from(archive.read(archive.entries[1]!)).equals(Buffer.from(big))).toBe(true);
  });

  it('computes the standard CRC-32 check value', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
  });

  it('detects a corrupted entry by its CRC', () => {
    const zip = zipSync({ 'x.txt': [strToU8('abcdefgh'), { level: 0 }] });
    const bad = Uint8Array.from(zip);
    bad[30 + 'x.txt'.length] ^= 0xff; // first data byte after the local header
    const archive = readZip(bad);
    expect(() => archive.read(archive.entries[0]!)).toThrow(/"x.txt" is corrupt/);
  });

  it('refuses non-zip bytes clearly', () => {
    expect(() => readZip(strToU8('not a zip at all, just text that is long enough'))).toThrow(/Not a ZIP archive/);
  });

  for (const evil of ['../evil.obj', 'ICT/../../evil.obj', '/etc/evil.obj', 'C:/evil.obj', 'ICT\\..\\evil.obj']) {
    it(`refuses the zip-slip entry ${JSON.stringify(evil)} before reading anything`, () => {
      const zip = zipSync({ 'ICT/generic_neutral_mesh.obj': strToU8('v 0 0 0\n'), [evil]: strToU8('pwned') });
      expect(() => readZip(zip)).toThrow(/Refusing ZIP entry .*(\.\.|absolute|backslash)/);
    });
  }
});

describe('packs import of a zip-slip archive', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('fails with a clear error and writes nothing', () => {
    const { dir, cleanup } = makeTempDir();
    temps.push(cleanup);
    const home = path.join(dir, 'home');
    mkdirSync(home);
    const zipPath = path.join(dir, 'evil.zip');
    writeFileSync(zipPath, zipSync({ 'ICT/generic_neutral_mesh.obj': strToU8('v 0 0 0\n'), '../../outside.txt': strToU8('pwned') }));
    const r = runCli(['packs', 'import', zipPath], { DECA_STUDIO_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Refusing ZIP entry "\.\.\/\.\.\/outside\.txt": "\.\." path segment; nothing was imported/);
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(path.join(dir, 'outside.txt'))).toBe(false);
    expect(existsSync(path.resolve(dir, '../outside.txt'))).toBe(false);
  });
});
