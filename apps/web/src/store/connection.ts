import { create } from 'zustand';

export type ConnectionStatus = 'connecting' | 'live' | 'lost';

interface ConnectionState {
  status: ConnectionStatus;
  /** Epoch ms since when the status holds; for `lost`, the moment data stopped being live. */
  since: number;
  connecting: (at: number) => void;
  live: (at: number) => void;
  lost: (at: number) => void;
}

/** The dashboard's own link to the server: a dropped socket must be unmistakable. */
export const useConnection = create<ConnectionState>()((set, get) => ({
  status: 'connecting',
  since: 0,
  connecting: (at) => {
    set({ status: 'connecting', since: at });
  },
  live: (at) => {
    set({ status: 'live', since: at });
  },
  lost: (at) => {
    // Failed reconnection attempts must not move "not live since" forward.
    if (get().status !== 'lost') set({ status: 'lost', since: at });
  },
}));
