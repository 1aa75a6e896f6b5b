// One figure of a bench for the table `npm run bench` prints at the end (bench/run.mjs): the figure, the raw
// baseline it is compared with in the same run, and their ratio. Printed as one marked line on stdout.
export const SUMMARY_MARK = '::bench-summary ';

/**
 * `ratio` is figure ÷ baseline unless given (for latencies, where lower is better, pass it explicitly so the
 * table says which way it reads). Values are printed as given (strings with their units).
 */
export function reportFigure({ bench, measure, figure, baseline, ratio, aim }) {
  console.log(SUMMARY_MARK + JSON.stringify({ bench, measure, figure, baseline, ratio, aim }));
}
