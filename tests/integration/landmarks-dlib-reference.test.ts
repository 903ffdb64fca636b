import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landmarkAgreement, type LandmarkAgreement } from '../../core/perception/landmark-agreement';
import { FaceAnalyzer } from '../../main/perception/face-analyzer';
import { loadDlibReference, londonView, type ViewKind } from '../helpers/dlib-reference';
import { LONDON_PEOPLE, TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../helpers/perception';

// Our 68 landmarks against dlib's 68-point shape predictor on the London set (issue #13): before the
// jaw refinement 3/4 views were 0.065 of the outer-eye-corner distance off (jaw 0.117), frontal 0.042.
const VIEWS = ['neutral_front', 'smiling_front', 'neutral_left_3quarter', 'smiling_left_3quarter', 'neutral_right_3quarter', 'smiling_right_3quarter', 'neutral_left_profile', 'neutral_right_profile'];
const measured: { file: string; view: ViewKind; status: string; agreement: LandmarkAgreement | null }[] = [];
let analyzer: FaceAnalyzer;

beforeAll(async () => {
  testModelFiles();
  analyzer = new FaceAnalyzer({ modelDir: TEST_MODEL_DIR, provider: 'cpu' });
  const reference = loadDlibReference();
  for (const person of LONDON_PEOPLE) {
    for (const view of VIEWS) {
      const file = londonPhoto(person, view);
      const ref = reference.get(file);
      const photo = await analyzer.analyzeFile(file);
      const face = photo.selected === null ? null : photo.faces[photo.selected]!;
      measured.push({ file, view: londonView(file), status: face?.status ?? 'none', agreement: face?.landmarks68 && ref ? landmarkAgreement(face.landmarks68, ref) : null });
    }
  }
}, 180_000);
afterAll(async () => analyzer?.dispose());

function mean(view: ViewKind): LandmarkAgreement {
  const rows = measured.filter((m) => m.view === view).map((m) => m.agreement!);
  const avg = (k: keyof LandmarkAgreement) => rows.reduce((a, r) => a + r[k], 0) / rows.length;
  return { all: avg('all'), jaw: avg('jaw'), rest: avg('rest') };
}

describe('68 landmarks against dlib on the London set', () => {
  it('every front and 3/4 view has points to compare (16 3/4 views, 8 frontal)', () => {
    const usable = measured.filter((m) => m.view !== 'profile');
    expect(usable.filter((m) => m.agreement === null).map((m) => m.file)).toEqual([]);
    expect(usable.filter((m) => m.view === '3/4')).toHaveLength(16);
    expect(usable.filter((m) => m.view === 'frontal')).toHaveLength(8);
  });

  it('hold at 3/4 yaw: within 0.05 overall and 0.07 on the jaw; frontal views within 0.045', () => {
    const q = mean('3/4');
    const f = mean('frontal');
    console.info(`vs dlib ÷ eye-corner distance: 3/4 all ${q.all.toFixed(4)} jaw ${q.jaw.toFixed(4)} rest ${q.rest.toFixed(4)}; frontal all ${f.all.toFixed(4)} jaw ${f.jaw.toFixed(4)} rest ${f.rest.toFixed(4)}`);
    expect(q.all).toBeLessThanOrEqual(0.05);
    expect(q.jaw).toBeLessThanOrEqual(0.07);
    expect(f.all).toBeLessThanOrEqual(0.045);
    // The jaw may not trade against the inner points: those stay as close as the nets' (3/4 was 0.048).
    expect(q.rest).toBeLessThanOrEqual(0.048);
  });

  // Measured: worst 0.144 (021_07, whose near jaw line the edges miss), one above 0.12.
  it('no 3/4 view loses its jaw: every photo within 0.15 on the jaw (before: up to 0.152, eight above 0.12)', () => {
    const worst = measured.filter((m) => m.view === '3/4').map((m) => m.agreement!.jaw);
    expect(Math.max(...worst)).toBeLessThan(0.15);
    expect(worst.filter((j) => j > 0.12).length).toBeLessThanOrEqual(1);
  });
});
