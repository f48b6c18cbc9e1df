import { useMemo, useState } from 'react';
import type { PointerEvent } from 'react';
import type { Alert } from '@chairside/core';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import { useConnection } from '../../store/connection';
import { appClock, useNow } from '../../time/useNow';
import { receivesEscalations } from '../alarms/AlarmBanner';
import { openAlarmsByChair } from '../alarms/ordering';
import { useAttentionOrder } from '../alarms/useAttentionOrder';
import { ChairTile } from './ChairTile';

function ChairTileSlot({
  chairId,
  now,
  offline,
  alarms,
  escalationsToMe,
}: {
  chairId: string;
  now: number;
  offline: boolean;
  alarms: readonly Alert[] | undefined;
  escalationsToMe: boolean;
}) {
  const live = useClinic((s) => s.chairs[chairId]);
  if (live === undefined) return null;
  return (
    <ChairTile
      live={live}
      now={now}
      offline={offline}
      alarms={alarms}
      escalationsToMe={escalationsToMe}
    />
  );
}

const ATTENTION_KEY = 'chairside-attention-first';

/** How long the tile order holds still after the nurse last touched or typed on the tiles. */
export const TILE_HOLD_MS = 3000;

function storedAttentionFirst(): boolean {
  try {
    return localStorage.getItem(ATTENTION_KEY) !== 'off';
  } catch {
    return true;
  }
}

/**
 * How many chairs share the screen decides the tile size (styles.css, on screens 1500 px and
 * wider): up to 8 fit one 1080p screen without scrolling, fewer get bigger numerals.
 */
export function gridLayout(chairs: number): 'two' | 'three' | 'four' | 'six' | 'eight' | 'many' {
  if (chairs <= 2) return 'two';
  if (chairs === 3) return 'three';
  if (chairs === 4) return 'four';
  if (chairs <= 6) return 'six';
  if (chairs <= 8) return 'eight';
  return 'many';
}

/** Home: one tile per chair; with "attention first", chairs with alarms lead. */
export function OverviewScreen() {
  const chairIds = useClinic((s) => s.chairIds);
  const alerts = useClinic((s) => s.alerts);
  const offline = useConnection((s) => s.status === 'lost');
  const now = useNow();
  const role = useAuth((s) => s.user?.role ?? null);
  const escalationsToMe = role !== null && receivesEscalations(role);
  const [attentionFirst, setAttentionFirst] = useState(storedAttentionFirst);
  const byChair = useMemo(() => openAlarmsByChair(Object.values(alerts)), [alerts]);
  // A tile must not move away under a finger about to tap it: for a few seconds after the
  // nurse touches a tile (finger or mouse), a new alarm waits before it re-sorts them. Keys
  // do not hold: the keyboard focus moves with its tile. The entry sheet is not a tile.
  const [handledAt, setHandledAt] = useState<number | null>(null);
  const held = handledAt !== null && now - handledAt < TILE_HOLD_MS;
  const order = useAttentionOrder(chairIds, byChair, attentionFirst, held);
  const handled = (e: PointerEvent<HTMLElement>) => {
    if (e.target instanceof Element && e.target.closest('.entry-sheet') !== null) return;
    setHandledAt(appClock());
  };

  return (
    <main className="overview" aria-labelledby="overview-title">
      <div className="overview-bar">
        <h1 id="overview-title" className="visually-hidden">
          Chairs
        </h1>
        <button
          type="button"
          className="button attention-toggle"
          aria-pressed={attentionFirst}
          onClick={() => {
            const next = !attentionFirst;
            setAttentionFirst(next);
            try {
              localStorage.setItem(ATTENTION_KEY, next ? 'on' : 'off');
            } catch {
              // Private mode: the choice lasts for this page only.
            }
          }}
        >
          {attentionFirst ? 'Order: alarms first' : 'Order: chair number'}
        </button>
      </div>
      {chairIds.length === 0 ? (
        <p className="empty-note">
          No chairs yet. Chairs appear here as soon as the server lists them.
        </p>
      ) : (
        <div
          className="tile-grid"
          data-chairs={chairIds.length}
          data-layout={gridLayout(chairIds.length)}
          onPointerDownCapture={handled}
        >
          {order.map((id) => (
            <ChairTileSlot
              key={id}
              chairId={id}
              now={now}
              offline={offline}
              alarms={byChair.get(id)}
              escalationsToMe={escalationsToMe}
            />
          ))}
        </div>
      )}
    </main>
  );
}
