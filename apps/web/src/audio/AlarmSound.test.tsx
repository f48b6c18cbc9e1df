import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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
});
