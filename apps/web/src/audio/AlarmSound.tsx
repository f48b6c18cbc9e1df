import { useEffect, useState, useSyncExternalStore } from 'react';
import { useClinic } from '../store/clinic';
import { useConnection } from '../store/connection';
import { appClock } from '../time/useNow';
import { createWebAudioPlayer } from './player';
import type { AlarmPlayer } from './player';
import { SILENT, tickSound } from './schedule';
import type { BurstPattern, ChairPause, SoundingAlarm } from './schedule';
import { MIN_VOLUME, useAlarmVolume } from './volume';

/** How often the schedule is asked what to play: fine enough for a burst to start on time. */
const TICK_MS = 250;

const SOUNDING_WORDS: Record<BurstPattern, string> = {
  high: 'high priority alarm',
  medium: 'medium priority alarm',
  low: 'low priority alarm',
  'connection-lost': 'connection lost',
};

/** What is sounding right now, read straight from the stores (no re-render per tick). */
function currentSound(now: number) {
  const { alerts, audioPauses } = useClinic.getState();
  const alarms: SoundingAlarm[] = Object.values(alerts)
    .filter((a) => a.state === 'active')
    .map((a) => ({
      id: a.id,
      chairId: a.chairId,
      priority: a.priority,
      raisedAtMs: Date.parse(a.raisedAt),
    }));
  const pauses: Record<string, ChairPause> = {};
  for (const [chairId, pause] of Object.entries(audioPauses)) {
    pauses[chairId] = { untilMs: Date.parse(pause.until), fromMs: Date.parse(pause.from) };
  }
  return { now, alarms, pauses, connectionLost: useConnection.getState().status === 'lost' };
}

/**
 * Plays the alarm sound for every open, unacknowledged alarm and for a lost connection, and
 * shows the station's sound state: the "Click to enable" prompt where the browser holds sound
 * back, and the volume.
 */
export function AlarmSound({
  player: given,
  clock = appClock,
}: {
  /** Tests hand in a player over a stand-in AudioContext; the app makes its own. */
  player?: AlarmPlayer;
  clock?: () => number;
}) {
  const [own, setOwn] = useState<AlarmPlayer | null>(null);
  useEffect(() => {
    if (given !== undefined) return;
    // Made (and closed) by the effect, so a remount (StrictMode, a new sign-in) gets a live one.
    const player = createWebAudioPlayer();
    setOwn(player);
    return () => {
      player.close();
    };
  }, [given]);
  const player = given ?? own;
  if (player === null) return null;
  return <AlarmSoundControls player={player} clock={clock} />;
}

function AlarmSoundControls({ player, clock }: { player: AlarmPlayer; clock: () => number }) {
  const blocked = useSyncExternalStore(player.onChange, player.isBlocked);
  const volume = useAlarmVolume((s) => s.volume);
  const setVolume = useAlarmVolume((s) => s.setVolume);
  // Which pattern the station is sounding: shown in words too, for a muted or distant screen.
  const [sounding, setSounding] = useState<BurstPattern | null>(null);

  useEffect(() => {
    let state = SILENT;
    const timer = window.setInterval(() => {
      const result = tickSound(state, currentSound(clock()));
      state = result.state;
      setSounding(state.pattern);
      for (const burst of result.bursts) {
        player.play(burst.pattern, useAlarmVolume.getState().volume);
      }
    }, TICK_MS);
    // Any click or key press on the page counts as the gesture browsers wait for.
    const unlock = () => {
      if (player.isBlocked()) void player.unlock();
    };
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('pointerdown', unlock, true);
      document.removeEventListener('keydown', unlock, true);
    };
  }, [player, clock]);

  if (!player.available) {
    return (
      <div className="sound-control" data-testid="sound-control" role="status">
        <span className="sound-off">Alarm sound is not available in this browser</span>
      </div>
    );
  }
  return (
    <div className="sound-control" data-testid="sound-control">
      {blocked ? (
        <button
          type="button"
          className="button sound-enable"
          onClick={() => {
            void player.unlock();
          }}
        >
          Click to enable alarm sound
        </button>
      ) : (
        <span className="sound-on" data-testid="sound-on">
          Alarm sound on
        </span>
      )}
      {sounding !== null && (
        <span className="sound-now" data-testid="sound-now" data-pattern={sounding}>
          Sounding: {SOUNDING_WORDS[sounding]}
        </span>
      )}
      <label className="sound-volume">
        Volume
        <input
          type="range"
          min={MIN_VOLUME * 100}
          max={100}
          step={10}
          value={Math.round(volume * 100)}
          aria-valuetext={`${Math.round(volume * 100)} percent`}
          onChange={(e) => {
            setVolume(Number(e.currentTarget.value) / 100);
          }}
        />
      </label>
      <button
        type="button"
        className="button"
        disabled={blocked}
        onClick={() => {
          player.play('medium', volume);
        }}
      >
        Test sound
      </button>
    </div>
  );
}
