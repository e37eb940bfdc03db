/** The window-wide choice between stored UTC times and local times (timeMode.ts). */
import { setTimeMode, useTimeMode, type TimeMode } from '../timeMode.js';

export default function TimeModeToggle() {
  const mode = useTimeMode();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <label className="field inline time-mode" title="How times are shown. Exports and copied values always keep the stored UTC text.">
      <span>Times</span>
      <select value={mode} onChange={(e) => setTimeMode(e.target.value as TimeMode)} data-testid="time-mode">
        <option value="utc">UTC (as stored)</option>
        <option value="local">Local ({zone})</option>
      </select>
    </label>
  );
}
