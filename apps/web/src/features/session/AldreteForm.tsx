import { useId, useState } from 'react';
import {
  ALDRETE_ITEM_NAMES,
  ALDRETE_LEVELS,
  aldreteCirculation,
  aldreteResult,
  aldreteSpo2,
  describeAldrete,
} from '@chairside/core';
import type { AldreteItem, AldreteItemScore, AldreteRecord, Baseline } from '@chairside/core';
import type { LatestReadings } from '../../store/clinic';

type Scored = Partial<Record<AldreteItem, AldreteItemScore>>;

function percentFrom(value: number, base: number): string {
  const p = Math.round(((value - base) / base) * 100);
  return `${p >= 0 ? '+' : ''}${p}%`;
}

function ItemGroup({
  item,
  value,
  note,
  onChange,
}: {
  item: AldreteItem;
  value: AldreteItemScore | null;
  note?: string;
  onChange: (score: AldreteItemScore) => void;
}) {
  const name = useId();
  return (
    <fieldset className="aldrete-item" data-item={item}>
      <legend>
        {ALDRETE_ITEM_NAMES[item]}
        {value !== null && <span className="aldrete-item-score"> · {value}</span>}
      </legend>
      {note !== undefined && <p className="aldrete-note muted">{note}</p>}
      {ALDRETE_LEVELS[item].map((level) => (
        <label key={level.score} className="aldrete-level">
          <input
            type="radio"
            name={name}
            value={level.score}
            checked={value === level.score}
            onChange={() => {
              onChange(level.score);
            }}
          />
          <span className="aldrete-level-score">{level.score}</span> {level.description}
        </label>
      ))}
    </fieldset>
  );
}

function completeRecord(scores: Scored, total: number): AldreteRecord | null {
  const { activity, respiration, circulation, consciousness, spo2 } = scores;
  if (
    activity === undefined ||
    respiration === undefined ||
    circulation === undefined ||
    consciousness === undefined ||
    spo2 === undefined
  ) {
    return null;
  }
  return { activity, respiration, circulation, consciousness, spo2, total };
}

/**
 * Discharge readiness by the modified Aldrete score. The nurse scores what she observes;
 * circulation and SpO2 start from the latest readings (BP against the baseline) and can be
 * corrected when she knows better (a fresh cuff reading not yet entered, oxygen running).
 */
export function AldreteForm({
  baseline,
  latest,
  canDischarge,
  busy,
  onDischarge,
}: {
  baseline: Baseline | null;
  latest: LatestReadings;
  canDischarge: boolean;
  busy: boolean;
  /** Called with the complete score, only when it allows discharge. */
  onDischarge: (score: AldreteRecord) => void;
}) {
  const titleId = useId();
  const [scored, setScored] = useState<Scored>({});
  const [onOxygen, setOnOxygen] = useState(false);

  const sbp = latest.sbp?.value;
  const spo2 = latest.spo2?.value;
  const baseSbp = baseline?.sbp ?? null;
  const suggested: Scored = {};
  const circulation = aldreteCirculation(sbp, baseSbp);
  if (circulation !== null) suggested.circulation = circulation;
  const oxygen = aldreteSpo2(spo2, onOxygen);
  if (oxygen !== null) suggested.spo2 = oxygen;
  const scores: Scored = { ...suggested, ...scored };
  const result = aldreteResult(scores);
  // The score goes to the chart with the discharge: all five items, as the nurse sees them.
  const record = result.ready ? completeRecord(scores, result.total) : null;
  const set = (item: AldreteItem) => (score: AldreteItemScore) => {
    setScored((s) => ({ ...s, [item]: score }));
  };

  const circulationNote =
    sbp !== undefined && baseSbp !== null
      ? `From SBP ${Math.round(sbp)} against baseline ${Math.round(baseSbp)} (${percentFrom(sbp, baseSbp)})`
      : 'No BP or no baseline to compare: score it yourself';
  const spo2Note =
    spo2 !== undefined
      ? `From SpO2 ${Math.round(spo2)}% ${onOxygen ? 'on oxygen' : 'on room air'}`
      : 'No SpO2 reading: score it yourself';

  return (
    <section className="aldrete" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel-title">
        Discharge: modified Aldrete score
      </h2>
      <div className="aldrete-items">
        <ItemGroup item="activity" value={scores.activity ?? null} onChange={set('activity')} />
        <ItemGroup
          item="respiration"
          value={scores.respiration ?? null}
          onChange={set('respiration')}
        />
        <ItemGroup
          item="circulation"
          value={scores.circulation ?? null}
          note={circulationNote}
          onChange={set('circulation')}
        />
        <ItemGroup
          item="consciousness"
          value={scores.consciousness ?? null}
          onChange={set('consciousness')}
        />
        <div className="aldrete-spo2">
          <label className="aldrete-oxygen">
            <input
              type="checkbox"
              checked={onOxygen}
              onChange={(e) => {
                setOnOxygen(e.target.checked);
                // A manual SpO2 score was given for the other condition: let the reading decide again.
                setScored((s) => {
                  const rest = { ...s };
                  delete rest.spo2;
                  return rest;
                });
              }}
            />{' '}
            On supplemental oxygen
          </label>
          <ItemGroup
            item="spo2"
            value={scores.spo2 ?? null}
            note={spo2Note}
            onChange={set('spo2')}
          />
        </div>
      </div>
      <p
        className={`aldrete-result ${result.ready ? 'is-ready' : 'is-not-ready'}`}
        role="status"
        data-testid="aldrete-result"
      >
        <span aria-hidden="true">{result.ready ? '✓ ' : '✕ '}</span>
        {describeAldrete(result)}
      </p>
      {canDischarge && (
        <button
          type="button"
          className="button button-primary"
          disabled={record === null || busy}
          onClick={() => {
            if (record !== null) onDischarge(record);
          }}
        >
          Discharge
        </button>
      )}
    </section>
  );
}
