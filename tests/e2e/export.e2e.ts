import { NodeIO } from '@gltf-transform/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../core/expression/arkit-names';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_DIR } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage, type WatchedPage } from './browser-mode';

// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';

let tmp: ReturnType<typeof makeTempDir>;
let env: Record<string, string>;
let studio: StudioPage;
let watched: WatchedPage;
let projectDir: string;

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-export-');
  env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const imported = runCli(['packs', 'import', path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip')], env);
  if (imported.code !== 0) throw new Error(`packs import failed:\n${imported.stdout}\n${imported.stderr}`);
  projectDir = path.join(tmp.dir, 'Heads.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'Heads'], env).code).toBe(0);
  studio = await openStudioPage(env, projectDir);
  watched = studio.watched;
}, 180_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

describe('export dialog in browser mode', () => {
  it('exports the ICT-FaceKit head as GLB with animation, shows the path and downloads a valid file', async () => {
    const { page } = watched;
    await page.getByTestId('open-export').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('export-pack').inputValue()).toBe('ict-facekit');
    // Nobody is selected: the generic head, and the dialog says why the person's face is off.
    expect(await page.getByTestId('export-title').textContent()).toBe('Export the generic head (ICT-FaceKit (Light))');
    expect(await page.getByTestId('export-use-subject').isChecked()).toBe(false);
    expect(await page.getByTestId('export-use-subject').isDisabled()).toBe(true);
    expect(await page.getByTestId('export-subject-why').textContent()).toMatch(/No person is selected/);
    expect(await page.getByTestId('export-destination').textContent()).toMatch(/Browser mode: .*Heads\.decastudio\/exports.*download/s);
    await screenshot(page, 'export-00-defaults-no-subject');
    await page.getByTestId('export-format-glb').check();
    await page.getByTestId('export-animation').check();
    await page.getByTestId('export-texture-size').selectOption('512');
    await page.getByTestId('export-start').click();
    const written = page.getByTestId('export-written');
    await written.waitFor({ timeout: 60_000 });
    const text = (await written.textContent()) ?? '';
    expect(text).toMatch(/Heads\.decastudio[\\/]exports[\\/]ict-facekit-.+\.glb/);
    expect(text).toMatch(/GLB, .* 6 joints, 51 blendshapes, 1 animation/);
    expect(await page.getByTestId('export-status').getAttribute('data-phase')).toBe('done');
    expect(await page.getByTestId('export-state').textContent()).toBe('Done');
    await screenshot(page, 'export-01-glb-done');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const file = path.join(tmp.dir, 'downloaded.glb');
    await download.saveAs(file);
    const report = await validator.validateBytes(new Uint8Array(readFileSync(file)));
    expect(report.issues.numErrors).toBe(0);
    expect(report.issues.numWarnings).toBe(0);
    expect(report.info.animationCount).toBe(1);
    expect(unexpectedProblems(watched)).toEqual([]);
  });

  it('offers a saved expression (in its own group) with no photos at all, and poses the generic head with it: the GLB’s weights are the saved ones', async () => {
    const { page } = watched;
    // Saved through the API as the Animate tab saves one (that tab needs a person; the generic head does not).
    const arkit = ARKIT_BLENDSHAPES.map((n, k) => (n.startsWith('mouth') || n.startsWith('brow') ? ((k * 7) % 20) / 20 : 0));
    const saved = await page.evaluate(async (weights) => {
      const res = await fetch('api/call/expressions.save', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'pout', arkit: weights, jawPose: [0.1, 0, 0] }) });
      return (await res.json()) as { ok: boolean };
    }, arkit);
    expect(saved.ok).toBe(true);
    // Reopened, the dialog lists it: the only expression, so the ARKit CSV is on offer too.
    await page.getByTestId('export-close').click();
    await page.getByTestId('open-export').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const select = dialog.getByTestId('export-expression');
    await expect.poll(() => select.isDisabled()).toBe(false);
    expect(await select.evaluate((el) => [...el.querySelectorAll('optgroup')].map((g) => `${g.label}: ${[...g.querySelectorAll('option')].map((o) => o.textContent!.trim()).join(', ')}`))).toEqual(['Saved expressions: pout']);
    expect(await dialog.getByTestId('export-format-arkit-csv').isDisabled()).toBe(false);
    await select.selectOption({ label: 'pout' });
    expect(await dialog.getByTestId('export-title').textContent()).toBe('Export the generic head (ICT-FaceKit (Light))');
    await dialog.getByTestId('export-animation').uncheck(); // the first test's test animation: the pose alone here
    await dialog.getByTestId('export-textures').uncheck();
    await dialog.getByTestId('export-start').click();
    await expect.poll(async () => (await dialog.getByTestId('export-written').textContent()) ?? '', { timeout: 60_000 }).toMatch(/51 blendshapes, posed as pout/);
    await screenshot(page, 'export-03-saved-expression');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download').click()]);
    const file = path.join(tmp.dir, 'pout.glb');
    await download.saveAs(file);
    const bytes = new Uint8Array(readFileSync(file));
    const report = await validator.validateBytes(bytes);
    expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
    const mesh = (await new NodeIO().readBinary(bytes)).getRoot().listMeshes()[0]!;
    const names = (mesh.getExtras() as { targetNames: string[] }).targetNames;
    const weights = mesh.getWeights();
    const worst = Math.max(...names.map((n, k) => Math.abs(weights[k]! - arkit[ARKIT_BLENDSHAPES.indexOf(n as (typeof ARKIT_BLENDSHAPES)[number])]!)));
    console.log(`generic ICT-FaceKit head posed with "pout": ${names.length} morph weights (${weights.filter((w) => w > 0).length} non-zero), largest difference from the saved ones ${worst.toExponential(2)}`);
    expect(names).toHaveLength(51);
    expect(weights.filter((w) => w > 0).length).toBeGreaterThan(10);
    expect(worst).toBeLessThan(1e-6);
    // Back to the neutral head with textures for the next export.
    await select.selectOption({ label: 'None (neutral)' });
    await dialog.getByTestId('export-textures').check();
    expect(unexpectedProblems(watched)).toEqual([]);
  });

  it('exports FBX into the project and reports a missing pack clearly', async () => {
    const { page } = watched;
    await page.getByTestId('export-format-fbx').check();
    await page.getByTestId('export-start').click();
    await expect.poll(async () => (await page.getByTestId('export-written').textContent()) ?? '', { timeout: 60_000 }).toMatch(/\.fbx/);
    const written = /(\/\S+\.fbx)/.exec((await page.getByTestId('export-written').textContent()) ?? '')![1]!;
    expect(existsSync(written)).toBe(true);
    expect(readFileSync(written).subarray(0, 20).toString('latin1')).toBe('Kaydara FBX Binary  ');

    // A failed export is shown as a failure with its reason: a red status, never "Done" (the last
    // export's result is gone), and no written file.
    runCli(['packs', 'remove', 'ict-facekit'], env);
    await page.getByTestId('export-start').click();
    const status = page.getByTestId('export-status');
    await expect.poll(() => status.getAttribute('data-phase'), { timeout: 30_000 }).toBe('failed');
    expect(await page.getByTestId('export-state').textContent()).toMatch(/^Failed: .*No model pack "ict-facekit"/);
    expect(await status.textContent()).not.toMatch(/Done/);
    expect(await status.getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('export-written').count()).toBe(0);
    expect(await page.getByTestId('export-download').count()).toBe(0);
    const colours = await status.evaluate((el) => ({ text: getComputedStyle(el).color, bar: getComputedStyle(el.querySelector('progress')!).accentColor, value: (el.querySelector('progress') as HTMLProgressElement).value }));
    expect(colours.text).toBe('rgb(229, 83, 75)'); // --danger
    expect(colours.bar).toBe('rgb(229, 83, 75)');
    expect(colours.value).toBeLessThan(1);
    await screenshot(page, 'export-02-missing-pack');
    await page.getByTestId('export-close').click();
    await expect.poll(() => page.getByTestId('export-dialog').isVisible()).toBe(false);
  });
});
