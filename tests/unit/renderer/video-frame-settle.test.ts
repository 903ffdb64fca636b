import { describe, expect, it } from 'vitest';
import { FRAME_SETTLE, settleFrame } from '../../../renderer/src/lib/video-frames';

// The sampler's guard against Chromium painting the pre-seek frame right after `seeked`.
describe('settleFrame', () => {
  const noWait = () => Promise.resolve();

  it('draws again until the picture changes from the previous sample', async () => {
    const shown = ['frame 2', 'frame 2', 'frame 5'];
    let waits = 0;
    const now = await settleFrame(() => shown.shift()!, 'frame 2', async () => void waits++);
    expect(now).toBe('frame 5');
    expect(waits).toBe(2);
  });

  it('keeps a picture that is the same as the previous one after the last try (a still shot)', async () => {
    let probes = 0;
    const now = await settleFrame(() => (probes++, 'still'), 'still', noWait);
    expect(now).toBe('still');
    expect(probes).toBe(FRAME_SETTLE.tries + 1);
  });

  it('does not wait for the first frame or a new picture', async () => {
    let waits = 0;
    expect(await settleFrame(() => 'a', null, async () => void waits++)).toBe('a');
    expect(await settleFrame(() => 'b', 'a', async () => void waits++)).toBe('b');
    expect(waits).toBe(0);
  });
});
