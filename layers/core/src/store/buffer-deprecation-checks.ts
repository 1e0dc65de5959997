/**
 * Ends Node's per-call DEP0005 checks, once per instance, before the Tablestore SDK is first used.
 *
 * Node decides whether to print DEP0005 ("Buffer() is deprecated") by checking, for each of a thread's first 10 000
 * `Buffer()` calls, whether it comes from node_modules, capturing the whole stack each time (lib/buffer.js,
 * `showFlaggedDeprecation`). The Tablestore SDK calls `new Buffer()` hundreds of times a request, so a new FC
 * instance would spend its first few hundred requests largely walking stacks (10 000 calls 30 frames deep cost
 * 0.2 s of CPU; a cold scan-consumer spent a fifth of its time there). Node stops checking once the warning has been
 * raised, so raising it here, with deprecation output silenced for that one call, ends the checks. Nothing is lost:
 * the SDK's calls come from node_modules and would never print it, and the project's own code has no `Buffer()`.
 */
let settled = false;

export function endBufferDeprecationChecks(): void {
  if (settled) return;
  settled = true;
  const { noDeprecation } = process;
  process.noDeprecation = true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the deprecated call is the point
    new Buffer(0);
  } finally {
    process.noDeprecation = noDeprecation;
  }
}
