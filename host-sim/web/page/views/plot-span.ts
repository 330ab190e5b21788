// The time axis of a plot is never narrower than a minute: points that all share one time
// (a paused home's meter, a first reading) would otherwise make uPlot stretch the axis to
// years around them. Times are seconds, as uPlot's time scale takes them.

export const LEAST_SPAN_S = 60;

/** The x range to draw for points from `min` to `max`: theirs when it is wide enough,
 *  otherwise `least` seconds centred on them. No points (null): uPlot's own. */
export function timeRange(min: number | null, max: number | null, least = LEAST_SPAN_S): [number | null, number | null] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [min, max];
  if (max - min >= least) return [min, max];
  const mid = (min + max) / 2;
  return [mid - least / 2, mid + least / 2];
}
