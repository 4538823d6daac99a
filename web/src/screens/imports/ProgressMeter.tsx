/**
 * A real <progress> (role progressbar, its value and max read by assistive technology) with
 * what it counts in words; without a max it is indeterminate (the total is not known yet).
 */
export function ProgressMeter({ label, value, max, text }: { label: string; value: number; max: number | null; text: string }) {
  return (
    <div className="import-progress">
      <div className="import-progress-head">
        <span>{label}</span>
        <span className="import-progress-text" aria-live="polite">
          {text}
        </span>
      </div>
      {max === null ? (
        <progress aria-label={label} aria-valuetext={text} />
      ) : (
        <progress aria-label={label} aria-valuetext={text} value={Math.min(value, max)} max={max} />
      )}
    </div>
  );
}
