import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectSources } from '../main/import/collect-sources';
import { importPhotos } from '../main/import/import-photos';
import { probeImage } from '../main/import/probe-image';
import { createProject } from '../main/project/project';
import { timeMedian, type BenchSuite } from './bench-types';

const SHARED_PHOTOS = process.env.DECA_SHARED_DIR
  ? path.join(process.env.DECA_SHARED_DIR, 'photos')
  : path.resolve(process.cwd(), '../shared/photos');

/** Import throughput and thumbnail time on the shared photos (44 real images). */
export const importSuite: BenchSuite = {
  name: 'import',
  async run() {
    const { sources } = await collectSources([SHARED_PHOTOS]);
    const bytes = (await Promise.all(sources.map((s) => fs.stat(s.file)))).reduce((a, s) => a + s.size, 0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deca-bench-'));
    try {
      const project = await createProject(path.join(dir, 'Bench.decastudio'), 'Bench');
      const subjectId = project.library.writes.createSubject('all');
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
      const t0 = performance.now();
      const summary = await importPhotos(project, subjectId, sources);
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(timer);
      await project.close();

      const frontal = sources.find((s) => s.name === '002_03_neutral_front.jpg') ?? sources[0]!;
      const frontalBytes = await fs.readFile(frontal.file);
      const thumbMs = await timeMedian(() => probeImage(frontalBytes), 10, 2);
      const n = `${summary.imported} photos, ${(bytes / 2 ** 20).toFixed(1)} MiB`;
      return [
        { group: 'import', name: 'throughput (hash, validate, thumbnail, store, insert)', value: summary.imported / seconds, unit: 'photos/s', note: n },
        { group: 'import', name: 'throughput by bytes', value: bytes / 2 ** 20 / seconds, unit: 'MiB/s', note: n },
        { group: 'import', name: 'wall time for all', value: seconds, unit: 's', note: n },
        { group: 'import', name: 'decode + thumbnail, 1350×1350 JPEG', value: thumbMs, unit: 'ms', note: 'median of 10' },
        { group: 'import', name: 'peak RSS growth during import', value: (peakRss - rssBefore) / 2 ** 20, unit: 'MiB' },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
