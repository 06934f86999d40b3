/**
 * Switches for the real-compiler suite. `npm run test:real` (scripts/test-real.js) sets
 * MESHC_REAL=1; plain `npm test` leaves it unset, so these files skip even when MESHC is set.
 */
export const REAL_ENABLED = process.env.MESHC_REAL === '1' && Boolean(process.env.MESHC);
export const REAL_MESHC = REAL_ENABLED ? process.env.MESHC! : '';
/** A second compiler (e.g. the February snapshot) for the version differential. */
export const BASELINE_MESHC = REAL_ENABLED ? (process.env.MESHC_BASELINE ?? '') : '';
/** Real builds run LLVM and link: allow plenty of time on a shared machine. */
export const BUILD_TIMEOUT_MS = Number(process.env.MESHC_REAL_TIMEOUT_MS ?? 180_000);
