import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { StoredSample } from '@chairside/core';
import { useClinic } from '../store/clinic';
import { useConnection } from '../store/connection';
import { OverviewScreen } from '../features/overview/OverviewScreen';
import { manualFrames } from '../test/manualFrames';
import { createFrameQueue } from '../time/frameQueue';
import { createSampleBatcher } from './sampleBatcher';

afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  useConnection.getState().connecting(0);
});

const ids = Array.from({ length: 20 }, (_, i) => `c${i + 1}`);

function reading(chairId: string, id: string, hr: number, spo2: number): StoredSample {
  const at = new Date().toISOString();
  return {
    id,
    at,
    source: 'device',
    chairId,
    sessionId: null,
    receivedAt: at,
    enteredBy: null,
    hr,
    spo2,
  };
}

/** The overview of 20 chairs, fed through a batcher whose frames the test draws. */
function overview(perFrame = 8) {
  useClinic
    .getState()
    .setChairs(ids.map((id, i) => ({ id, label: `Chair ${i + 1}`, session: null })));
  useConnection.getState().live(0);
  render(
    <MemoryRouter>
      <OverviewScreen />
    </MemoryRouter>,
  );
  const frames = manualFrames();
  const batcher = createSampleBatcher(
    (chairId, samples) => {
      useClinic.getState().addSamples(chairId, samples);
    },
    createFrameQueue(perFrame, frames),
  );
  return { frames, batcher };
}

/** What each tile shows, in the clinic's order: "HR/SpO2". */
function shown(): string[] {
  return screen.getAllByTestId('chair-tile').map((tile) => {
    const hr = tile.querySelector('[data-testid="value-hr"]')?.textContent;
    const spo2 = tile.querySelector('[data-testid="value-spo2"]')?.textContent;
    return `${hr ?? '?'}/${spo2 ?? '?'}`;
  });
}

describe('live readings over animation frames', () => {
  it('draws one second of 20 chairs 8 tiles per frame, each reading whole on its tile', () => {
    const { frames, batcher } = overview();
    act(() => {
      ids.forEach((id, i) => {
        batcher.add(id, [reading(id, `${id}-1`, 60 + i, 90 + (i % 10))]);
      });
    });
    const expected = ids.map((_, i) => `${60 + i}/${90 + (i % 10)}`);
    const blank = '--/--';
    expect(shown()).toEqual([...expected.slice(0, 8), ...Array<string>(12).fill(blank)]);
    act(() => {
      frames.next();
    });
    expect(shown()).toEqual([...expected.slice(0, 16), ...Array<string>(4).fill(blank)]);
    act(() => {
      frames.next();
    });
    expect(shown()).toEqual(expected);
  });

  it('keeps a waiting chair in its place and gives it everything that came meanwhile', () => {
    const { frames, batcher } = overview(2);
    act(() => {
      for (const id of ['c1', 'c2', 'c3']) batcher.add(id, [reading(id, `${id}-1`, 70, 95)]);
      // c3 waits for the next frame; its next second arrives before that frame.
      batcher.add('c3', [reading('c3', 'c3-2', 75, 96)]);
    });
    expect(shown().slice(0, 3)).toEqual(['70/95', '70/95', '--/--']);
    act(() => {
      frames.next();
    });
    expect(shown().slice(0, 3)).toEqual(['70/95', '70/95', '75/96']);
    expect(useClinic.getState().chairs['c3']?.samples.map((s) => s.id)).toEqual(['c3-1', 'c3-2']);
  });

  it('hands a chair over at once when an alarm for it arrives, ahead of its frame', () => {
    const { frames, batcher } = overview(8);
    act(() => {
      ids.forEach((id) => {
        batcher.add(id, [reading(id, `${id}-1`, 80, 97)]);
      });
    });
    expect(shown()[19]).toBe('--/--');
    act(() => {
      batcher.flush('c20');
    });
    expect(shown()[19]).toBe('80/97');
    expect(shown()[10]).toBe('--/--');
    act(() => {
      frames.next();
      frames.next();
    });
    expect(shown().every((s) => s === '80/97')).toBe(true);
  });

  it('in a hidden page (no frames are drawn) hands every reading over at once', () => {
    const { frames, batcher } = overview(8);
    frames.setHidden(true);
    act(() => {
      ids.forEach((id) => {
        batcher.add(id, [reading(id, `${id}-1`, 66, 99)]);
      });
    });
    expect(shown().every((s) => s === '66/99')).toBe(true);
  });

  it('drops what waits when the link closes', () => {
    const { frames, batcher } = overview(8);
    act(() => {
      ids.forEach((id) => {
        batcher.add(id, [reading(id, `${id}-1`, 66, 99)]);
      });
      batcher.close();
    });
    act(() => {
      frames.next();
    });
    expect(shown().filter((s) => s === '66/99')).toHaveLength(8);
    expect(frames.waiting).toBe(0);
  });
});
