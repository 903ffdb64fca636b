import { describe, expect, it } from 'vitest';
import type { PhotoReview, ReconstructedHeadMesh, SubjectReview } from '../../../core/api/contract';
import { installFakeBridge } from '../../helpers/fake-bridge';

// The review store's comparison against a fake Electron bridge: the compared pack's review and the
// chosen photo's head on it follow the photo, a photo not fitted there has no head, and reviewing
// the compared pack itself ends the comparison.

const fitted = (photoId: number, nme: number): PhotoReview => ({ photoId, state: 'fitted', reason: null, nme, photometricRms: null, identityDistance: null, detail: null });
const rejected = (photoId: number): PhotoReview => ({ photoId, state: 'rejected', reason: 'the fit failed', nme: null, photometricRms: null, identityDistance: null, detail: null });
const reviews: Record<string, SubjectReview> = {
  'ict-facekit': { subjectId: 1, packId: 'ict-facekit', reconstructionId: 7, hasDetail: false, photos: [fitted(10, 0.02), fitted(11, 0.03)], controls: [] },
  'starter-head': { subjectId: 1, packId: 'starter-head', reconstructionId: 5, hasDetail: false, photos: [fitted(10, 0.04), rejected(11)], controls: [] },
};
const head = (packId: string, photoId: number): ReconstructedHeadMesh => ({ packId, photoId, subjectId: 1, reconstructionId: reviews[packId]!.reconstructionId!, triangleCount: 0, positions: '', normals: '', uvs: null, tangents: null, hasAlbedo: false, hasDetail: false });

const fake = installFakeBridge({
  'subjects.reconstructions': () => [
    { packId: 'ict-facekit', reconstructionId: 7, photoCount: 2, createdAt: '' },
    { packId: 'starter-head', reconstructionId: 5, photoCount: 1, createdAt: '' },
  ],
  'subjects.review': (req) => reviews[req.packId ?? 'ict-facekit']!,
  'photos.head': (req) => head(req.packId ?? 'ict-facekit', req.photoId),
});

const { useReviewStore } = await import('../../../renderer/src/stores/review');

describe('review store: comparing two reconstructions', () => {
  it('loads the compared pack’s review and the chosen photo’s head on it, following the photo', async () => {
    const review = useReviewStore();
    review.setWorkspace('review');
    await review.open(1);
    expect(review.review?.packId).toBe('ict-facekit');
    expect(review.selectedId).toBe(10);
    expect(review.headMesh?.packId).toBe('ict-facekit');
    expect(review.compareMesh).toBeNull();

    await review.compareWith('starter-head');
    expect(review.compareReview?.packId).toBe('starter-head');
    expect(review.compareMesh).toMatchObject({ packId: 'starter-head', photoId: 10 });
    expect(fake.requests('photos.head')).toContainEqual({ photoId: 10, packId: 'starter-head' });

    // Photo 11 failed on the starter head: its head there is not asked for.
    fake.calls.length = 0;
    await review.select(11);
    expect(review.headMesh).toMatchObject({ packId: 'ict-facekit', photoId: 11 });
    expect(review.compareMesh).toBeNull();
    expect(fake.requests('photos.head')).toEqual([{ photoId: 11, packId: 'ict-facekit' }]);
    await review.select(10);
    expect(review.compareMesh).toMatchObject({ packId: 'starter-head', photoId: 10 });

    // Reviewing the compared pack itself ends the comparison; choosing none ends it too.
    await review.choosePack('starter-head');
    expect(review.comparePack).toBeNull();
    expect(review.compareReview).toBeNull();
    await review.compareWith('ict-facekit');
    expect(review.compareMesh).toMatchObject({ packId: 'ict-facekit', photoId: 10 });
    await review.compareWith(null);
    expect([review.comparePack, review.compareReview, review.compareMesh]).toEqual([null, null, null]);
  });
});
