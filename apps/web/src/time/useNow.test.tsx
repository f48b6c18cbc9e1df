import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { createTicker, useNow } from './useNow';
import type { Ticker } from './useNow';
import { manualFrames } from '../test/manualFrames';
import { createFrameQueue } from './frameQueue';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function Age({ ticker, id }: { ticker: Ticker; id: string }) {
  const now = useNow(ticker);
  return <span data-testid={id}>{now}</span>;
}

describe('the shared 1 s ticker', () => {
  it('runs one interval for every subscriber and updates them all each second', () => {
    vi.useFakeTimers();
    const setInterval = vi.spyOn(window, 'setInterval');
    const clearInterval = vi.spyOn(window, 'clearInterval');
    let clock = 1_000;
    const ticker = createTicker(() => clock);

    const { unmount } = render(
      <>
        {Array.from({ length: 8 }, (_, i) => (
          <Age key={i} ticker={ticker} id={`age-${i}`} />
        ))}
      </>,
    );
    expect(setInterval).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('age-7').textContent).toBe('1000');

    clock = 2_000;
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(screen.getByTestId('age-0').textContent).toBe('2000');
    expect(screen.getByTestId('age-7').textContent).toBe('2000');

    unmount();
    expect(clearInterval).toHaveBeenCalledTimes(1);
  });

  it('spreads a tick over animation frames, a few subscribers each, all showing its time', () => {
    vi.useFakeTimers();
    const frames = manualFrames();
    let clock = 1_000;
    const ticker = createTicker(() => clock, 1000, createFrameQueue(8, frames));
    render(
      <>
        {Array.from({ length: 20 }, (_, i) => (
          <Age key={i} ticker={ticker} id={`age-${i}`} />
        ))}
      </>,
    );
    const shown = () =>
      Array.from({ length: 20 }, (_, i) => screen.getByTestId(`age-${i}`).textContent);

    clock = 2_000;
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    // The first 8 at once (in the order they subscribed), then 8 more per frame.
    expect(shown()).toEqual([...Array<string>(8).fill('2000'), ...Array<string>(12).fill('1000')]);
    act(() => {
      frames.next();
    });
    expect(shown().filter((t) => t === '2000')).toHaveLength(16);
    act(() => {
      frames.next();
    });
    expect(shown()).toEqual(Array<string>(20).fill('2000'));

    // A hidden page draws no frames: every subscriber hears the tick at once.
    frames.setHidden(true);
    clock = 3_000;
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(shown()).toEqual(Array<string>(20).fill('3000'));
  });

  it('a subscriber gone before its turn is not called', () => {
    vi.useFakeTimers();
    const frames = manualFrames();
    let clock = 1_000;
    const ticker = createTicker(() => clock, 1000, createFrameQueue(1, frames));
    const heard: string[] = [];
    const stopA = ticker.subscribe(() => heard.push('a'));
    const stopB = ticker.subscribe(() => heard.push('b'));
    clock = 2_000;
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual(['a']);
    stopB();
    frames.next();
    expect(heard).toEqual(['a']);
    expect(ticker.now()).toBe(2_000);
    stopA();
  });
});
