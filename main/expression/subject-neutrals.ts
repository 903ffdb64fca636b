import type { ExpressionClip } from '../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import { onSubjectNeutral, subjectNeutral } from '../../core/expression/subject-neutral';
import type { Project } from '../project/project';
import { photoExpressionSource, type PhotoExpressionSource } from './photo-expression-source';

/** Neutrals of subjects on packs, solved once per (subject, pack) from their photos' records. */
export class SubjectNeutrals {
  private readonly cache = new Map<string, Promise<Float32Array | null>>();

  constructor(
    private readonly project: Project,
    private readonly source: PhotoExpressionSource = photoExpressionSource,
  ) {}

  /**
   * A subject's neutral on a pack (`subjectNeutral` of their fitted photos' records there), or
   * null when they have too few fitted photos on it.
   *
   * ```ts
   * const neutral = await new SubjectNeutrals(project).of(subjectId, 'ict-facekit');
   * ```
   */
  of(subjectId: number, packId: string): Promise<Float32Array | null> {
    const key = `${subjectId}\u0000${packId}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.source(this.project, { subjectId, packId }).then((records) => subjectNeutral(records.filter((r) => r.source?.packId === packId).map((r) => r.arkit)));
      this.cache.set(key, hit);
    }
    return hit;
  }

  /**
   * Records retargeted onto a subject's head (`onSubjectNeutral`): each relative to the neutral of
   * the person its photo shows (on the pack it was solved on; a hand-made record is relative
   * already), on top of the target's neutral on `packId`. A photo's record on its own person's
   * head is unchanged.
   *
   * ```ts
   * const [posed] = await neutrals.onto([record], { subjectId: 3, packId: 'ict-facekit' });
   * ```
   */
  async onto<R extends ExpressionRecord>(records: readonly R[], target: { subjectId: number; packId: string }): Promise<R[]> {
    const to = await this.of(target.subjectId, target.packId);
    const out: R[] = [];
    for (const record of records) out.push(onSubjectNeutral(record, { from: await this.ofRecord(record), to }));
    return out;
  }

  /**
   * A clip retargeted onto a subject's head: every key as {@link onto} carries it (keys keep their
   * times and sources).
   *
   * ```ts
   * const played = await neutrals.clipOnto(clip, { subjectId: 3, packId: 'ict-facekit' });
   * ```
   */
  async clipOnto(clip: ExpressionClip, target: { subjectId: number; packId: string }): Promise<ExpressionClip> {
    const expressions = await this.onto(clip.keys.map((k) => k.expression), target);
    return { ...clip, keys: clip.keys.map((k, i) => ({ ...k, expression: expressions[i]! })) };
  }

  /**
   * The neutral a record is relative to: that of the person its photo shows, on the pack it was
   * solved on; null for a record made by hand.
   *
   * ```ts
   * const from = await neutrals.ofRecord(record);
   * ```
   */
  async ofRecord(record: Pick<ExpressionRecord, 'source'>): Promise<Float32Array | null> {
    if (!record.source) return null;
    const photo = this.project.library.reads.getPhoto(record.source.photoId);
    // A record whose photo was deleted since: its person is unknown, so it counts as relative (as one made by hand).
    if (!photo) return null;
    return this.of(photo.subjectId, record.source.packId);
  }
}
