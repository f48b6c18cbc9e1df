import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { ConnectionBanner } from './ConnectionBanner';

afterEach(cleanup);

describe('ConnectionBanner', () => {
  const since = new Date(2026, 10, 21, 9, 41, 7).getTime();

  it('raises a red alert naming the time data stopped being live when the socket is lost', () => {
    render(<ConnectionBanner status="lost" since={since} />);
    const banner = screen.getByRole('alert');
    expect(banner.getAttribute('data-testid')).toBe('connection-lost');
    expect(banner.textContent).toContain('CONNECTION LOST - data is not live since 09:41:07');
    expect(banner.className).toBe('connection-lost');
  });

  it('shows nothing while live', () => {
    render(<ConnectionBanner status="live" since={since} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('connection-lost')).toBeNull();
  });

  it('is not an alarm while first connecting', () => {
    render(<ConnectionBanner status="connecting" since={since} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('Connecting');
  });
});
