import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../../main/server/browser-server';
import { Studio } from '../../../main/services/studio';
import { TEST_MODEL_DIR, testModelFiles } from '../../helpers/perception';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

const DIR = path.join(SHARED_PHOTOS, 'london_frl/p005');

/** POSTs an API call to browser mode and resolves with how long the answer took (ms). */
function timedCall(server: BrowserServer, method: string, body: unknown): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: `/api/call/${method}?token=${server.token}`, method: 'POST', headers: { 'Content-Type': 'application/json', Host: `127.0.0.1:${server.port}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * The thread that answers the UI never does the heavy work: while a reconstruction of 8 photos runs
 * (perception, fits, light/albedo, refinement in the workers), browser mode's subjects and photos
 * calls keep answering within 100 ms — ~50× their time on a quiet machine.
 */
describe.skipIf(!existsSync(DIR))('API while a reconstruction runs', () => {
  const tmp = makeTempDir('deca-responsive-');
  let studio: Studio;
  let server: BrowserServer;
  let subjectId: number;
  beforeAll(async () => {
    testModelFiles();
    studio = new Studio({ mode: 'browser', version: 'test', settingsDir: path.join(tmp.dir, 'home'), modelDir: TEST_MODEL_DIR, provider: 'cpu' });
    const project = await studio.createProject(path.join(tmp.dir, 'P.decastudio'), 'P');
    subjectId = project.library.writes.createSubject('p005');
    const files = readdirSync(DIR).map((f) => path.join(DIR, f));
    expect(files).toHaveLength(8);
    expect((await studio.jobs.whenDone(studio.startImport(subjectId, files, []))).state).toBe('done');
    server = await startBrowserServer({ studio, rendererDir: tmp.dir });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await studio?.dispose();
    tmp.cleanup();
  });

  it('answers subjects.list and photos.list promptly throughout (the solve never blocks the thread that answers)', async () => {
    const [jobId] = studio.startReconstruct({ subjectId, packId: 'starter-head', identity: true });
    let running = true;
    const finished = studio.jobs.whenDone(jobId!).finally(() => (running = false));
    const times: number[] = [];
    let duringWork = 0;
    while (running) {
      const job = studio.requireProject().library.reads.getJob(jobId!)!;
      for (const [method, body] of [['subjects.list', {}], ['photos.list', { subjectId }]] as const) {
        const r = await timedCall(server, method, body);
        expect(r.status).toBe(200);
        times.push(r.ms);
      }
      if (job.state === 'running') duringWork++;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await finished).state).toBe('done');
    times.sort((a, b) => a - b);
    const p95 = times[Math.floor(times.length * 0.95)]!;
    console.log(`API during an 8-photo reconstruction: ${times.length} calls, median ${times[times.length >> 1]!.toFixed(1)} ms, 95th percentile ${p95.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
    expect(duringWork).toBeGreaterThan(10);
    // Not a tight budget on the slowest call: on a shared 2-core machine one call in hundreds can wait
    // a few hundred ms for the CPU (a CI run saw 271 ms once, median 0.8 ms). Work on the answering
    // thread would show instead as most calls slowed, or as one stalled for a whole stage (1–3 s).
    expect(p95).toBeLessThan(100);
    expect(times.at(-1)!).toBeLessThan(1000);
  }, 240_000);
});
