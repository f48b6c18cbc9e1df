import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from '@testing-library/react';
import { useClinic } from '../store/clinic';
import { AlarmSound } from './AlarmSound';
import { createWebAudioPlayer } from './player';
import { useAlarmVolume } from './volume';

/**
 * The browser's AudioContext as far as the prompt depends on it: suspended until a gesture
 * lets it resume (jsdom has no Web Audio).
 */
class SuspendedUntilGesture extends EventTarget {
  state: AudioContextState = 'suspended';
  resume() {
    this.state = 'running';
    this.dispatchEvent(new Event('statechange'));
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  localStorage.clear();
  useAlarmVolume.setState({ volume: 0.8 });
});

describe('AlarmSound', () => {
  it('asks for a click where the browser blocks sound, and says sound is on after it', async () => {
    const context = new SuspendedUntilGesture();
    const player = createWebAudioPlayer(() => context as unknown as AudioContext);
    render(<AlarmSound player={player} />);

    const prompt = screen.getByRole('button', { name: 'Click to enable alarm sound' });
    expect(screen.queryByTestId('sound-on')).toBeNull();
    await userEvent.click(prompt);

    expect(context.state).toBe('running');
    expect((await screen.findByTestId('sound-on')).textContent).toBe('Alarm sound on');
    expect(screen.queryByRole('button', { name: 'Click to enable alarm sound' })).toBeNull();
  });

  it('says plainly when the browser has no Web Audio', () => {
    render(<AlarmSound player={createWebAudioPlayer(() => null)} />);
    expect(screen.getByRole('status').textContent).toBe(
      'Alarm sound is not available in this browser',
    );
  });

  it('keeps the volume in this browser and never lets it go below 20 %', async () => {
    const player = createWebAudioPlayer(
      () => new SuspendedUntilGesture() as unknown as AudioContext,
    );
    render(<AlarmSound player={player} />);
    const slider = screen.getByRole('slider', { name: 'Volume' });
    expect((slider as HTMLInputElement).value).toBe('80');
    expect(slider.getAttribute('min')).toBe('20');

    useAlarmVolume.getState().setVolume(0);
    expect(useAlarmVolume.getState().volume).toBe(0.2);
    useAlarmVolume.getState().setVolume(0.5);
    await expect.poll(() => (slider as HTMLInputElement).value).toBe('50');
    expect(JSON.parse(localStorage.getItem('chairside-alarm-volume') ?? '{}')).toMatchObject({
      state: { volume: 0.5 },
    });
  });

  it('says in words which pattern is sounding, and stops when the alarm is acknowledged', async () => {
    const player = createWebAudioPlayer(
      () => new SuspendedUntilGesture() as unknown as AudioContext,
    );
    const alert = {
      id: 'a1',
      chairId: 'c1',
      sessionId: null,
      kind: 'physiological' as const,
      parameter: 'spo2' as const,
      priority: 'high' as const,
      message: 'SpO2 86 < 90',
      value: 86,
      limit: 90,
      state: 'active' as const,
      raisedAt: '2026-11-21T09:30:00.000Z',
      clearedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
    };
    render(<AlarmSound player={player} clock={() => Date.parse('2026-11-21T09:30:05.000Z')} />);
    expect(screen.queryByTestId('sound-now')).toBeNull();
    act(() => {
      useClinic.getState().recordAlert(alert);
    });
    await expect
      .poll(() => screen.queryByTestId('sound-now')?.textContent)
      .toBe('Sounding: high priority alarm');
    act(() => {
      useClinic.getState().recordAlert({ ...alert, state: 'acknowledged', acknowledgedBy: 'amy' });
    });
    await expect.poll(() => screen.queryByTestId('sound-now')).toBeNull();
  });
});
