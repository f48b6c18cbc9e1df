import { formatClock } from '../../time/format';
import type { ConnectionStatus } from '../../store/connection';

/**
 * A dropped socket turns the whole top of the screen red: frozen numbers must never pass for a
 * stable patient (PRODUCT.md principle 1).
 */
export function ConnectionBanner({ status, since }: { status: ConnectionStatus; since: number }) {
  switch (status) {
    case 'live':
      return null;
    case 'connecting':
      return (
        <div className="connection-connecting" role="status" data-testid="connection-connecting">
          Connecting to the Chairside server…
        </div>
      );
    case 'lost':
      return (
        <div className="connection-lost" role="alert" data-testid="connection-lost">
          <span className="connection-lost-icon" aria-hidden="true">
            ⚠
          </span>{' '}
          CONNECTION LOST - data is not live since {formatClock(since)}
          <span className="connection-lost-hint"> Reconnecting…</span>
        </div>
      );
  }
}
