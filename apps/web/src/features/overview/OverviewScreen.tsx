import { useClinic } from '../../store/clinic';
import { useConnection } from '../../store/connection';
import { useNow } from '../../time/useNow';
import { ChairTile } from './ChairTile';

function ChairTileSlot({
  chairId,
  now,
  offline,
}: {
  chairId: string;
  now: number;
  offline: boolean;
}) {
  const live = useClinic((s) => s.chairs[chairId]);
  if (live === undefined) return null;
  return <ChairTile live={live} now={now} offline={offline} />;
}

/** Home: one tile per chair, in the clinic's order. */
export function OverviewScreen() {
  const chairIds = useClinic((s) => s.chairIds);
  const offline = useConnection((s) => s.status === 'lost');
  const now = useNow();

  return (
    <main className="overview" aria-labelledby="overview-title">
      <h1 id="overview-title" className="visually-hidden">
        Chairs
      </h1>
      {chairIds.length === 0 ? (
        <p className="empty-note">
          No chairs yet. Chairs appear here as soon as the server lists them.
        </p>
      ) : (
        <div
          className={`tile-grid ${chairIds.length > 8 ? 'is-dense' : ''}`}
          data-chairs={chairIds.length}
        >
          {chairIds.map((id) => (
            <ChairTileSlot key={id} chairId={id} now={now} offline={offline} />
          ))}
        </div>
      )}
    </main>
  );
}
