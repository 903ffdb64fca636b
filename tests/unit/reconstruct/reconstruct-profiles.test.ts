import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobItem } from '../../../core/api/contract';
import { createApiHandlers } from '../../../main/services/api-handlers';
import { Studio } from '../../../main/services/studio';
import { TEST_MODEL_DIR, testModelFiles } from '../../helpers/perception';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

const DIR = path.join(SHARED_PHOTOS, 'london_frl/p005');
const HAND = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/london-profiles-hand.json'), 'utf8')) as { photos: { photo: string; hand: { landmark: number; x: number; y: number }[] }[] };

/**
 * London Set person 005 (DeBruine & Jones 2017, CC BY 4.0): a front and a 3/4 view, the right
 * profile (its silhouette is read) and the left one (its lips and chin do not give the silhouette's
 * notch-and-bump sequence, so it waits for pins).
 */
describe.skipIf(!existsSync(DIR))('profiles in a reconstruction (Studio → pipeline → workers)', () => {
  const tmp = makeTempDir('deca-recon-profiles-');
  let studio: Studio;
  let subjectId: number;
  let ids: number[];
  beforeAll(async () => {
    testModelFiles();
    studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home'), modelDir: TEST_MODEL_DIR, provider: 'cpu' });
    const project = await studio.createProject(path.join(tmp.dir, 'P.decastudio'), 'P');
    subjectId = project.library.writes.createSubject('p005');
    const files = ['005_03_neutral_front.jpg', '005_02_neutral_left_3quarter.jpg', '005_05_neutral_right_profile.jpg', '005_01_neutral_left_profile.jpg'].map((f) => path.join(DIR, f));
    expect((await studio.jobs.whenDone(studio.startImport(subjectId, files, []))).state).toBe('done');
    ids = project.library.reads.listPhotos(subjectId).map((p) => p.id);
  }, 120_000);
  afterAll(async () => {
    await studio.dispose();
    tmp.cleanup();
  });

  async function reconstruct(): Promise<JobItem[]> {
    const items: JobItem[] = [];
    const [job] = studio.startReconstruct({ subjectId, packId: 'starter-head', onItem: (_s, item) => items.push(item) });
    expect((await studio.jobs.whenDone(job!)).state).toBe('done');
    return items;
  }

  it('fits a profile from its silhouette, tells that one without pins needs them, and fits it once pinned', async () => {
    const api = createApiHandlers(studio);
    const items = await reconstruct();
    const left = items.find((i) => i.kind === 'photo' && i.photoId === ids[3]);
    expect(left?.message).toMatch(/a profile whose silhouette could not be read: place 3 or more pins/);
    let review = await api['subjects.review']({ subjectId, packId: 'starter-head' });
    expect(review.photos.map((p) => [p.state, p.reason])).toEqual([
      ['fitted', null],
      ['fitted', null],
      ['fitted', 'a profile, fitted from its silhouette'],
      ['rejected', 'a profile whose silhouette could not be read: pin it (3 or more pins) to fit it'],
    ]);
    const silhouetteNme = review.photos[2]!.nme!;
    expect(silhouetteNme).toBeLessThan(0.1);

    // The artist pins the left profile (the hand-placed points of the London fixture).
    const hand = HAND.photos.find((p) => p.photo.endsWith('005_01_neutral_left_profile.jpg'))!.hand;
    await api['pins.set']({ photoId: ids[3]!, pins: hand });
    // Before the subject is fitted again the viewer's refit already places the head: the subject's
    // shape, the pose from the fitter's rigid guess (the photo has no fit of its own to start from).
    const refit = await api['pins.refit']({ photoId: ids[3]! });
    const off = hand.map((p) => Math.hypot(refit.modelLandmarks68[p.landmark]![0]! - p.x, refit.modelLandmarks68[p.landmark]![1]! - p.y));
    const span = Math.hypot(hand.find((p) => p.landmark === 27)!.x - hand.find((p) => p.landmark === 8)!.x, hand.find((p) => p.landmark === 27)!.y - hand.find((p) => p.landmark === 8)!.y);
    console.log(`p005 left profile refit from its ${refit.pinCount} pins (no fit of its own): mean ${(off.reduce((a, b) => a + b, 0) / off.length).toFixed(1)} px, max ${Math.max(...off).toFixed(1)} px from them (sellion–chin ${span.toFixed(0)} px), NME ${refit.nme.toFixed(3)}, ${refit.iterations} iterations`);
    expect(refit.pinCount).toBe(hand.length);
    expect(Math.max(...off)).toBeLessThan(0.08 * span);
    await reconstruct();
    review = await api['subjects.review']({ subjectId, packId: 'starter-head' });
    expect(review.photos.map((p) => p.state)).toEqual(['fitted', 'fitted', 'fitted', 'fitted']);
    expect(review.photos[3]!.reason).toBe('a profile, fitted from its pins');
    // Its error over the pinned points (÷ the eye distance they imply).
    console.log(`p005 profiles: silhouette NME ${silhouetteNme.toFixed(3)}, pinned NME ${review.photos[3]!.nme!.toFixed(3)}`);
    expect(review.photos[3]!.nme!).toBeLessThan(0.1);
  }, 240_000);
});
