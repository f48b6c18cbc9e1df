import { useEffect, useId, useRef, useState } from 'react';
import { can } from '@chairside/core';
import { useAuth } from '../../store/auth';
import { ManualEntryForm } from './ManualEntryForm';

const SHEET_OPENED = 'chairside:entry-sheet-opened';

/**
 * "Enter vitals" on a tile: opens the quick form in a panel at the foot of the screen, so the
 * tiles stay in view and the new reading can be seen arriving on the tile.
 */
export function TileEntry({ chairId, chairLabel }: { chairId: string; chairLabel: string }) {
  const role = useAuth((s) => s.user?.role ?? null);
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  // One sheet at a time: opening another chair's form closes this one.
  useEffect(() => {
    const onOther = (e: Event) => {
      if (e instanceof CustomEvent && e.detail !== chairId) setOpen(false);
    };
    window.addEventListener(SHEET_OPENED, onOther);
    return () => {
      window.removeEventListener(SHEET_OPENED, onOther);
    };
  }, [chairId]);

  useEffect(() => {
    if (!open) return;
    window.dispatchEvent(new CustomEvent(SHEET_OPENED, { detail: chairId }));
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        opener.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [open, chairId]);

  // A trainer's readings are simulated only: no manual entry for that role.
  if (role === null || !can(role, 'sessions:manage')) return null;
  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  return (
    <>
      <button
        ref={opener}
        type="button"
        className="button tile-entry-button"
        aria-label={`Enter vitals for ${chairLabel}`}
        aria-expanded={open}
        onClick={() => {
          setOpen((o) => !o);
        }}
      >
        {/* On a narrow tablet tile "Enter" gives way so the infusion timer beside it fits. */}
        <span aria-hidden="true">✎ </span>
        <span className="tile-entry-verb">Enter </span>vitals
      </button>
      {open && (
        <div className="entry-sheet" role="dialog" aria-labelledby={titleId}>
          <div className="entry-sheet-head">
            <h2 id={titleId} className="panel-title">
              Manual reading · {chairLabel}
            </h2>
            <button type="button" className="button" onClick={close}>
              Close <span className="muted">(Esc)</span>
            </button>
          </div>
          <ManualEntryForm chairId={chairId} chairLabel={chairLabel} autoFocus />
        </div>
      )}
    </>
  );
}
