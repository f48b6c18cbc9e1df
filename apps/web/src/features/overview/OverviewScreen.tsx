import { memo, useEffect, useMemo, useState } from 'react';
import type { PointerEvent } from 'react';
import type { Alert } from '@chairside/core';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import { useConnection } from '../../store/connection';
import { useNow } from '../../time/useNow';
import { receivesEscalations } from '../alarms/AlarmBanner';
import { openAlarmsByChair } from '../alarms/ordering';
import { useAttentionOrder } from '../alarms/useAttentionOrder';
import { ChairTile } from './ChairTile';

/**
 * One chair's tile, redrawn when its chair's data or alarms change and on the ticker's tick.
 * Each slot listens to the ticker itself (not the screen for all of them), so the ticker can
 * spread a tick's 48 redraws over a few frames.
 */
const ChairTileSlot = memo(function ChairTileSlot({
  chairId,
  offline,
  alarms,
  escalationsToMe,
}: {
  chairId: string;
  offline: boolean;
  alarms: readonly Alert[] | undefined;
  escalationsToMe: boolean;
}) {
  const live = useClinic((s) => s.chairs[chairId]);
  const now = useNow();
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
});

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
  const role = useAuth((s) => s.user?.role ?? null);
  const escalationsToMe = role !== null && receivesEscalations(role);
  const [attentionFirst, setAttentionFirst] = useState(storedAttentionFirst);
  const byChair = useMemo(() => openAlarmsByChair(Object.values(alerts)), [alerts]);
  // A tile must not move away under a finger about to tap it: for a few seconds after the
  // nurse touches a tile (finger or mouse), a new alarm waits before it re-sorts them. Keys
  // do not hold: the keyboard focus moves with its tile. The entry sheet is not a tile.
  // Each touch starts the hold again; a timer ends it (the screen does not redraw each second).
  const [touches, setTouches] = useState(0);
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (touches === 0) return;
    const timer = window.setTimeout(() => {
      setHeld(false);
    }, TILE_HOLD_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [touches]);
  const order = useAttentionOrder(chairIds, byChair, attentionFirst, held);
  const handled = (e: PointerEvent<HTMLElement>) => {
    if (e.target instanceof Element && e.target.closest('.entry-sheet') !== null) return;
    // Held from the touch itself, before the effect runs: an alarm in between waits too.
    setHeld(true);
    setTouches((n) => n + 1);
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
