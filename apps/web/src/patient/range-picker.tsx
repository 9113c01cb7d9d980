import { useId } from 'react';
import { type TimeRangeKey, timeRanges } from './time-range.ts';

/** A radio group of chart ranges (arrow keys move between options, as native radios do). */
export function RangePicker({ value, onChange }: { value: TimeRangeKey; onChange: (key: TimeRangeKey) => void }) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Time range</legend>
      {timeRanges.map((r) => (
        <label key={r.key} className={value === r.key ? 'selected' : undefined}>
          <input type="radio" name={name} value={r.key} checked={value === r.key} onChange={() => onChange(r.key)} />
          {r.label}
        </label>
      ))}
    </fieldset>
  );
}
