// The time axis of a plot is never narrower than a minute: points that all share one time
// (a paused home's meter, a first reading) would otherwise be drawn on uPlot's own range
// for one x, a day in milliseconds taken as seconds: years. Times are seconds, as uPlot's
// time scale takes them.

export const LEAST_SPAN_S = 60;

/** `least` seconds centred on the points from `min` to `max`, or their own span when it
 *  is wider. No points (null): uPlot's own. */
export function timeRange(min: number | null, max: number | null, least = LEAST_SPAN_S): [number | null, number | null] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [min, max];
  if (max - min >= least) return [min, max];
  const mid = (min + max) / 2;
  return [mid - least / 2, mid + least / 2];
}

/** The x scale's range for uPlot: the points' times `xs` (ascending) and the range uPlot
 *  proposes. Points spanning less than `least` get `least` around them whatever uPlot
 *  proposed (for one time it proposes years); otherwise uPlot's, a zoom included. */
export function xRange(xs: ArrayLike<number>, min: number | null, max: number | null, least = LEAST_SPAN_S): [number | null, number | null] {
  if (xs.length === 0) return [min, max];
  const first = xs[0], last = xs[xs.length - 1];
  return last - first < least ? timeRange(first, last, least) : [min, max];
}

/** The time axis's labels in UTC, as the header's clock shows the home's time: hh:mm:ss
 *  within a day, with the date (MM-DD hh:mm) beyond. One line each: uPlot's own two-line
 *  labels overlap on a short span. */
export function timeLabels(splits: number[]): string[] {
  const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
  return splits.map((s) => {
    if (s === null || !Number.isFinite(s)) return "";
    const iso = new Date(s * 1000).toISOString();
    return span < 86_400 ? iso.slice(11, 19) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  });
}
