import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/api/api-error';
import { validateRequest } from '../../../core/api/validate-request';
import { decaTemplateUv } from '../../../core/deca/deca-uv-data';
import { decaUvLayoutMismatch } from '../../../core/deca/deca-uv-layout';
import { decaDetailInput, decaDetailLayer, decaGroupInputs, meanDetailCode, storedGroups } from '../../../core/detail/deca-detail-layer';
import { expressionGroups, groupActivations, type ExpressionGroup } from '../../../core/detail/expression-groups';
import { applyFlameUvLayout } from '../../../core/head-model/flame-import';
import { parseObj } from '../../../core/head-model/obj-parse';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { sphereTemplateObj } from '../../helpers/deca-detail-fixtures';

describe("the DECA detail method's pieces (core)", () => {
  it("tells a pack with DECA's UV layout from one without, and says why", () => {
    const model = syntheticHeadModel({ seed: 7 });
    model.id = 'flame-x';
    const obj = sphereTemplateObj(model).text;
    const template = decaTemplateUv(Buffer.from(obj));
    expect(decaUvLayoutMismatch(model, template)).toMatch(/pack "flame-x" has no UV layout \(import FLAME with --uv head_template.obj/);
    applyFlameUvLayout(model, parseObj(Buffer.from(obj)));
    expect(decaUvLayoutMismatch(model, template)).toBeNull();
    // One corner's UV moved by 1e-3: not DECA's layout any more (DECA's maps would land elsewhere).
    model.uv!.coords[model.uv!.triangles[30]! * 2] += 1e-3;
    expect(decaUvLayoutMismatch(model, template)).toMatch(/pack "flame-x"'s UV layout is not DECA's \(face \d+ corner \d is at \(0\.\d+/);
    const small = syntheticHeadModel({ vertices: 1200, seed: 7 });
    expect(decaUvLayoutMismatch(small, template)).toMatch(/does not have FLAME's topology: it has 1200 vertices, DECA's head_template.obj 5023/);
  });

  it("represents each group by the least-norm expression that activates it to 1, and nothing else", () => {
    const model = syntheticHeadModel({ seed: 7 }); // unnamed (PCA) modes: mode0…mode7
    const groups = expressionGroups(model);
    const inputs = decaGroupInputs(groups);
    expect(inputs).toHaveLength(8);
    inputs.forEach((input, g) => {
      expect(input.exp).toHaveLength(50);
      expect(input.jaw).toEqual([0, 0, 0]);
      expect(Array.from(groupActivations(groups, input.exp, input.jaw))).toEqual(groups.map((_, h) => (h === g ? 1 : 0)));
    });
    // Named groups with several weighted members; one whose members lie beyond D_detail's 50 modes but the jaw drives.
    const named: ExpressionGroup[] = [
      { name: 'smile', members: [{ mode: 3, weight: 1 }, { mode: 4, weight: 0.5 }], jawOpening: 0 },
      { name: 'chin', members: [{ mode: 60, weight: 1 }], jawOpening: 0.35 },
      { name: 'far', members: [{ mode: 70, weight: 1 }], jawOpening: 0 },
    ];
    const [smile, chin, far] = decaGroupInputs(named);
    expect(smile!.exp[3]).toBeCloseTo(1 / 1.25, 7);
    expect(smile!.exp[4]).toBeCloseTo(0.5 / 1.25, 7);
    expect(groupActivations(named, smile!.exp, smile!.jaw)[0]).toBeCloseTo(1, 6);
    expect(chin!.jaw).toEqual([0.35, 0, 0]);
    expect(groupActivations(named, chin!.exp, chin!.jaw)[1]).toBeCloseTo(1, 12);
    expect(Math.max(...far!.exp.map(Math.abs))).toBe(0);
    expect(storedGroups(model, groups.slice(0, 2))).toEqual([
      { name: 'mode0', drivers: [{ shape: 'mode0', weight: 1 }], jawOpening: 0.35 },
      { name: 'mode1', drivers: [{ shape: 'mode1', weight: 1 }], jawOpening: 0 },
    ]);
  });

  it("takes a photo's first 50 expression coefficients and jaw, averages codes, and forms static and wrinkle maps", () => {
    const input = decaDetailInput(Array.from({ length: 100 }, (_, k) => k), [0.1, 0.2, 0.3]);
    expect(Array.from(input.exp)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(input.jaw).toEqual([0.1, 0.2, 0.3]);
    expect(decaDetailInput([1, 2], []).jaw).toEqual([0, 0, 0]);

    const codes = [Array.from({ length: 128 }, (_, k) => k), Array.from({ length: 128 }, (_, k) => -k + 2)];
    expect(Array.from(meanDetailCode(codes))).toEqual(new Array(128).fill(1));
    expect(() => meanDetailCode([[1, 2]])).toThrow(/128 values, not 2/);
    expect(() => meanDetailCode([])).toThrow(/at least one/);

    const groups: ExpressionGroup[] = [{ name: 'mode0', members: [{ mode: 0, weight: 1 }], jawOpening: 0.35 }, { name: 'mode1', members: [{ mode: 1, weight: 1 }], jawOpening: 0 }];
    const staticMap = Float32Array.from([0.001, -0.002, 0.003, 0]);
    const layer = decaDetailLayer(staticMap, [Float32Array.from([0.002, -0.002, 0.001, 0]), Float32Array.from([0.001, 0, 0.003, 0])], [1, 0.5, 0, 1], groups, [
      { expression: [2, -1], jaw: [0.35, 0, 0] },
      { expression: [0, 3], jaw: [0, 0, 0] },
    ]);
    expect(layer.consensus).toBe(staticMap);
    [0.002 - 0.001, 0, 0.001 - 0.003, 0].forEach((v, i) => expect(layer.wrinkles[0]![i]).toBeCloseTo(v, 9));
    [0, 0.002, 0, 0].forEach((v, i) => expect(layer.wrinkles[1]![i]).toBeCloseTo(v, 9));
    expect(Array.from(layer.mask)).toEqual([1, 1, 0, 1]);
    // Σ activation² over the photos: mode0 is 2 + 0.35/0.35 = 3 then 0; mode1 is −1 then 3.
    expect(layer.evidence).toEqual([9, 10]);
    expect(() => decaDetailLayer(staticMap, [staticMap], [1, 1, 1, 1], groups, [])).toThrow(/1 wrinkle maps for 2 expression groups/);
  });

  it("'detail.start' takes an optional method, fitted or deca", () => {
    expect(validateRequest('detail.start', { packId: 'flame', method: 'deca' })).toEqual({ packId: 'flame', method: 'deca' });
    expect(validateRequest('detail.start', { packId: 'flame', method: 'fitted' })).toEqual({ packId: 'flame', method: 'fitted' });
    expect(validateRequest('detail.start', { packId: 'flame' })).toEqual({ packId: 'flame' });
    expect(() => validateRequest('detail.start', { packId: 'flame', method: 'magic' })).toThrow(ApiError);
    expect(() => validateRequest('detail.start', { packId: 'flame', method: 'magic' })).toThrow(/method: must be one of fitted, deca/);
  });
});
