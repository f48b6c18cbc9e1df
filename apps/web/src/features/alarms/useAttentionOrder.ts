import { useState } from 'react';
import type { Alert } from '@chairside/core';
import { attentionOrder } from './ordering';

interface OrderSnapshot {
  chairIds: readonly string[];
  enabled: boolean;
  seen: ReadonlySet<string>;
  order: readonly string[];
}

/**
 * The tile order for "attention first". It is recomputed only when a new alarm is raised (or
 * the chairs or the toggle change), never when one is acknowledged or clears: a tile must not
 * jump away from under the finger that is about to tap it.
 */
export function useAttentionOrder(
  chairIds: readonly string[],
  byChair: ReadonlyMap<string, readonly Alert[]>,
  enabled: boolean,
  /** The nurse is touching the tiles right now: a new alarm re-sorts them after. */
  held = false,
): readonly string[] {
  const openIds = [...byChair.values()].flat().map((a) => a.id);
  const compute = (): OrderSnapshot => ({
    chairIds,
    enabled,
    seen: new Set(openIds),
    order: enabled ? attentionOrder(chairIds, byChair) : chairIds,
  });
  const [snapshot, setSnapshot] = useState<OrderSnapshot>(compute);
  const raised = openIds.some((id) => !snapshot.seen.has(id));
  if (snapshot.chairIds !== chairIds || snapshot.enabled !== enabled || (raised && !held)) {
    // Adjusting state while rendering (React's documented pattern): no extra paint.
    const next = compute();
    setSnapshot(next);
    return next.order;
  }
  return snapshot.order;
}
