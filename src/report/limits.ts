import { cut } from '../domain/text.js'

/**
 * GitHub's limits on what a step publishes. A step summary over 1 MiB is not uploaded at all ("$GITHUB_STEP_SUMMARY
 * upload aborted, supports content up to a size of 1024k"; docs.github.com, workflow commands, "Adding a job
 * summary"), and an output is at most 1 MB ("Outputs are Unicode strings, and can be a maximum of 1 MB";
 * docs.github.com, "Passing information between jobs"). A little room is kept for what the runner adds.
 */
export const SUMMARY_MAX_BYTES = 1024 * 1024 - 4096
export const OUTPUT_MAX_BYTES = 1_000_000 - 4096

/** The lengths long texts are cut to, one after the other, until what is published fits. */
const CAPS = [64_000, 16_000, 4_000, 1_000, 300]

export const bytes = (text: string): number => Buffer.byteLength(text)

/**
 * Cuts the long texts of the reports (an error from Azure, a variable's old value, a revision's failure) in place,
 * each shorter in turn, until `fits` holds. Texts are only cut, never dropped, so the result stays valid JSON and
 * still says what happened.
 */
export function shortenUntilFits(reports: object[], fits: () => boolean): void {
  for (const cap of CAPS) {
    if (fits()) return
    for (const report of reports) shorten(report, cap)
  }
}

function shorten(value: unknown, cap: number): void {
  if (value === null || typeof value !== 'object') return
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      if (item.length > cap) Reflect.set(value, key, cut(item, cap))
    } else shorten(item, cap)
  }
}
