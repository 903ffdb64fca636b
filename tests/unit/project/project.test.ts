import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectSources } from '../../../main/import/collect-sources';
import { importPhotos } from '../../../main/import/import-photos';
import { LATEST_SCHEMA_VERSION } from '../../../main/library/migrations/index';
import { createProject, openProject } from '../../../main/project/project';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let projectDir: string;
beforeEach(() => {
  tmp = makeTempDir();
  projectDir = path.join(tmp.dir, 'Portraits.decastudio');
});
afterEach(() => tmp.cleanup());

const p002 = path.join(SHARED_PHOTOS, 'london_frl/p002');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('project folder', () => {
  it('creates the layout with a WAL library holding its name and schema version', async () => {
    const project = await createProject(projectDir, 'Portraits');
    expect(project.info()).toMatchObject({ name: 'Portraits', schemaVersion: LATEST_SCHEMA_VERSION, subjectCount: 0, photoCount: 0, writable: true });
    expect(project.library.health()).toEqual({ journalMode: 'wal', foreignKeys: true, integrity: 'ok' });
    for (const sub of ['library.sqlite', 'photos', 'thumbs', 'tmp', 'project.lock']) expect(existsSync(path.join(projectDir, sub))).toBe(true);
    await project.close();
    expect(existsSync(path.join(projectDir, 'project.lock'))).toBe(false);
  });

  it('refuses to create over an existing project or a non-empty folder', async () => {
    await (await createProject(projectDir, 'A')).close();
    await expect(createProject(projectDir, 'B')).rejects.toThrow(/already a DECA Studio project/);
    const other = path.join(tmp.dir, 'stuff');
    mkdirSync(other);
    writeFileSync(path.join(other, 'x.txt'), 'x');
    await expect(createProject(other, 'C')).rejects.toThrow(/not empty/);
  });

  it('refuses to open a folder that is not a project', async () => {
    await expect(openProject(tmp.dir)).rejects.toThrow(/not a DECA Studio project/);
  });

  it('lets one writer in at a time but takes over a lock left by a dead process', async () => {
    const project = await createProject(projectDir, 'A');
    await expect(openProject(projectDir)).rejects.toMatchObject({ code: 'project-locked' });
    // Readers never need the lock.
    const reader = await openProject(projectDir, { readonly: true });
    expect(reader.info().writable).toBe(false);
    expect(() => reader.library.writes.createSubject('x')).toThrow(/read-only/);
    await reader.close();
    await project.close();

    writeFileSync(path.join(projectDir, 'project.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), since: 'x' }));
    const again = await openProject(projectDir);
    expect(JSON.parse(readFileSync(path.join(projectDir, 'project.lock'), 'utf8')).pid).toBe(process.pid);
    await again.close();
  });

  it('imports, skips duplicates per subject and shares content between subjects', async () => {
    const project = await createProject(projectDir, 'A');
    const ann = project.library.writes.createSubject('Ann');
    const bob = project.library.writes.createSubject('Bob');
    const { sources } = await collectSources([p002]);
    expect(sources).toHaveLength(8);
    expect(await importPhotos(project, ann, sources)).toMatchObject({ imported: 8, skipped: 0, failed: 0 });
    expect(await importPhotos(project, ann, sources.slice(0, 3))).toMatchObject({ imported: 0, skipped: 3 });
    expect(await importPhotos(project, bob, sources.slice(0, 2))).toMatchObject({ imported: 2 });
    expect(project.library.reads.listPhotos(ann)).toHaveLength(8);
    expect(filesUnder(project.store.photosDir)).toHaveLength(8);
    expect(filesUnder(project.store.thumbsDir)).toHaveLength(8);
    const photo = project.library.reads.listPhotos(ann)[0]!;
    expect(photo).toMatchObject({ originalName: '002_01_neutral_left_profile.jpg', width: 1350, height: 1350, format: 'jpeg', status: 'imported' });
    expect(readFileSync(project.store.originalPath(photo.sha256, 'jpeg'))).toEqual(readFileSync(sources[0]!.file));
    await project.close();
  });

  it('after a crash: sweeps orphan and temporary files, marks running jobs interrupted, keeps every row', async () => {
    const project = await createProject(projectDir, 'A');
    const ann = project.library.writes.createSubject('Ann');
    const { sources } = await collectSources([p002]);
    await importPhotos(project, ann, sources.slice(0, 4));
    const jobId = project.library.writes.createJob('import', {});
    project.library.writes.updateJob(jobId, { state: 'running' });
    // What a kill between "file stored" and "row inserted" leaves: files nobody counts.
    const orphanSha = 'f'.repeat(64);
    mkdirSync(path.join(project.store.photosDir, 'ff'), { recursive: true });
    writeFileSync(project.store.originalPath(orphanSha, 'jpeg'), 'orphan');
    mkdirSync(path.join(project.store.thumbsDir, 'ff'), { recursive: true });
    writeFileSync(project.store.thumbnailPath(orphanSha), 'orphan');
    writeFileSync(path.join(project.store.tmpDir, 'abc.part'), 'half');
    // Simulate the process dying: nothing is cleaned up and its lock file names a dead pid.
    await project.close();
    writeFileSync(path.join(projectDir, 'project.lock'), JSON.stringify({ pid: 2 ** 22 + 777, host: os.hostname(), since: 'x' }));

    const reopened = await openProject(projectDir);
    expect(reopened.library.reads.getJob(jobId)).toMatchObject({ state: 'interrupted' });
    expect(reopened.library.reads.listPhotos()).toHaveLength(4);
    expect(filesUnder(reopened.store.photosDir).sort()).toEqual(
      reopened.library.reads.listPhotos().map((p) => `${p.sha256}.jpg`).sort(),
    );
    expect(filesUnder(reopened.store.thumbsDir)).toHaveLength(4);
    expect(filesUnder(reopened.store.tmpDir)).toHaveLength(0);
    expect(reopened.library.health().integrity).toBe('ok');
    await reopened.close();
  });
});
