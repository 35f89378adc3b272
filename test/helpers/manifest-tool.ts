/**
 * Where a manifest-tool binary is, for side-by-side tests: MANIFEST_TOOL, else the peer tools
 * folder beside the checkout. Not a dependency: tests that need it are skipped, by name, without it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const candidates = [
  process.env['MANIFEST_TOOL'],
  resolve('../shared/tools/manifest-tool'),
  '/work/shared/tools/manifest-tool',
];

/** Path of the manifest-tool binary, or undefined when none is on this machine. */
export const MANIFEST_TOOL: string | undefined = candidates.find(
  (p): p is string => Boolean(p) && existsSync(p!),
);

/** Suffix for a describe title saying why its tests were skipped. */
export const MANIFEST_TOOL_NOTE = MANIFEST_TOOL
  ? `(manifest-tool at ${MANIFEST_TOOL})`
  : '(SKIPPED: no manifest-tool binary; set MANIFEST_TOOL to run these)';
