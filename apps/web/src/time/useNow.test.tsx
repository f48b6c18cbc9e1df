import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { createTicker, useNow } from './useNow';
import type { Ticker } from './useNow';

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
});
