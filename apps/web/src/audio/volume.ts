import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/** Alarm sound can be turned down but never off: a silent station misses alarms. */
export const MIN_VOLUME = 0.2;
export const DEFAULT_VOLUME = 0.8;

interface VolumeState {
  volume: number;
  setVolume: (volume: number) => void;
}

/** The station's alarm volume, kept in this browser (localStorage) across shifts. */
export const useAlarmVolume = create<VolumeState>()(
  persist(
    (set) => ({
      volume: DEFAULT_VOLUME,
      setVolume: (volume) => {
        set({ volume: Math.min(1, Math.max(MIN_VOLUME, volume)) });
      },
    }),
    { name: 'chairside-alarm-volume', storage: createJSONStorage(() => localStorage) },
  ),
);
