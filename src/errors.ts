import { escapeForeign } from './escape.js';

/**
 * Stable error codes. Callers branch on `code`, never on message text.
 * Each code maps to one exit code in `exitCodeFor` (documented in the README).
 */
export type ErrorCode =
  /** The command line is wrong: a flag, a missing file, a bad value. */
  | 'USAGE'
  /** The spec is not readable YAML. */
  | 'SPEC_SYNTAX'
  /** The spec is YAML but breaks the schema or a rule. */
  | 'SPEC_INVALID'
  /** An image reference given by the user does not parse. */
  | 'REF_INVALID'
  /** A registry refused the credentials, or none were found. */
  | 'AUTH'
  /** A manifest, tag or blob does not exist. */
  | 'NOT_FOUND'
  /** A child's platform in the spec disagrees with its image config (or --platform with an image). */
  | 'PLATFORM_MISMATCH'
  /** A child's binaries (the program the runtime would start) are not for its platform. */
  | 'BINARY_MISMATCH'
  /** A child's binaries could not be checked, and the spec asks that they be (unverified: error). */
  | 'BINARY_UNVERIFIED'
  /** Two entries of one index would serve the same platform. */
  | 'DUPLICATE_PLATFORM'
  /** Bytes do not hash (or size up) to the digest they were named by. */
  | 'DIGEST_MISMATCH'
  /** A manifest kind or index format that cannot do what is asked (a Docker list with annotations…). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** Something is larger than manifold (or the registries it targets) accepts. */
  | 'TOO_LARGE'
  /** A registry answered something unexpected (status, redirect, missing header). */
  | 'REGISTRY'
  /** A connection failed, timed out or was cut off (also by --timeout and signals). */
  | 'NETWORK'
  /** Writing started and did not finish: the report says what moved. */
  | 'PUSH_FAILED'
  /** A release guard refused the publish (minChildren, fewer platforms than now). */
  | 'GUARD'
  /** Registry content is malformed or hostile (bad JSON, platform values, nesting). */
  | 'CONTENT_INVALID'
  /** Never thrown: the code `--output json` gives an unexpected error (a bug). */
  | 'INTERNAL';

/** Base of every error manifold throws on purpose. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One problem found in a spec file, located by file, line, column and key path. */
export interface SpecIssue {
  file: string;
  line: number;
  col: number;
  /** Key path such as `manifests[1].platform.architecture`; empty for the document root. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** True for a YAML syntax problem (the spec could not be read as YAML at all). */
  syntax?: boolean;
  /**
   * A warning that publishing answers itself (it judges the resolved platforms): `validate`
   * prints it, publish does not repeat it.
   */
  settledByPublish?: boolean;
}

/** Thrown when a spec cannot be read or is invalid; carries every issue found, not just the first. */
export class SpecError extends AppError {
  override name = 'SpecError';
  constructor(
    code: 'SPEC_SYNTAX' | 'SPEC_INVALID' | 'USAGE',
    readonly issues: SpecIssue[],
    options?: ErrorOptions,
  ) {
    super(code, issues.map(formatIssue).join('\n'), options);
  }
}

/**
 * Formats an issue as `file:line:col key.path: message`, on one line: a spec's own text in the
 * message (a value quoted back) is escaped, newlines included, so it cannot start a line of its
 * own in a CI log.
 */
export function formatIssue(issue: SpecIssue): string {
  const where = `${escapeForeign(issue.file)}:${issue.line}:${issue.col}`;
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  const message = escapeForeign(issue.message);
  return issue.path
    ? `${where} ${prefix}${escapeForeign(issue.path)}: ${message}`
    : `${where} ${prefix}${message}`;
}

/** Error answered by a registry, or raised while talking to one. */
export class RegistryError extends AppError {
  override name = 'RegistryError';
  constructor(
    code: ErrorCode,
    message: string,
    readonly details: {
      status?: number;
      method?: string;
      url?: string;
      registryCodes?: string[];
      /**
       * Set when the request was cut off by us: by SIGINT/SIGTERM, by the deadline, or because
       * another part of the run failed first (`stopped`).
       */
      aborted?: 'signal' | 'deadline' | 'stopped';
      /** For a 401: what went wrong with this registry's credentials, the same for every request. */
      authSummary?: string;
    } = {},
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** Several failures reported together (for example every child that could not be resolved). */
export class AggregateAppError extends AppError {
  override name = 'AggregateAppError';
  constructor(
    code: ErrorCode,
    readonly errors: AppError[],
    headline: string,
  ) {
    super(code, [headline, ...errors.map((e) => `  - ${e.message}`)].join('\n'));
  }
}

/** True when `err` is a request we cut off ourselves (interrupt or deadline): its effect is unknown. */
export function isAborted(err: unknown): boolean {
  return err instanceof RegistryError && err.details.aborted !== undefined;
}

/** Process exit codes, one per outcome class. */
export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE_OR_SPEC: 2,
  RESOLVE: 3,
  PUSH: 4,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/** What each exit code means, as `--help` and the README print it (a test keeps them equal). */
export const EXIT_MEANINGS: readonly [code: number, meaning: string][] = [
  [
    EXIT.OK,
    'success: every tag points at the index (validate: the spec is valid; auth check: pull and push granted)',
  ],
  [EXIT.UNEXPECTED, 'unexpected error (a bug in manifold): the output says how to report it'],
  [EXIT.USAGE_OR_SPEC, 'usage or spec error: nothing was contacted or written'],
  [
    EXIT.RESOLVE,
    'resolve, auth, network or registry error before any write, or a platform or binaries check refused a child: nothing was pushed',
  ],
  [EXIT.PUSH, 'push failed or partial: the report says which tags moved and which did not'],
  [
    EXIT.SIGINT,
    'interrupted by SIGINT (Ctrl-C), whatever the run had settled: the report says which tags moved',
  ],
  [EXIT.SIGTERM, 'interrupted by SIGTERM (a CI cancellation), likewise'],
];

/**
 * Maps an error code to the process exit code.
 *
 * | code                                                  | exit |
 * |-------------------------------------------------------|------|
 * | USAGE, SPEC_SYNTAX, SPEC_INVALID, REF_INVALID         | 2    |
 * | AUTH, NOT_FOUND, PLATFORM_MISMATCH, DIGEST_MISMATCH,  |      |
 * | DUPLICATE_PLATFORM, BINARY_MISMATCH,                  |      |
 * | BINARY_UNVERIFIED (verify: binaries),                 |      |
 * | UNSUPPORTED_MEDIA_TYPE, TOO_LARGE, REGISTRY, NETWORK, |      |
 * | GUARD (a release would shrink or fall below minimum), |      |
 * | CONTENT_INVALID (registry content malformed/hostile)  | 3    |
 * | PUSH_FAILED                                           | 4    |
 * | INTERNAL (and anything not an AppError)               | 1    |
 */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
    case 'SPEC_SYNTAX':
    case 'SPEC_INVALID':
    case 'REF_INVALID':
      return EXIT.USAGE_OR_SPEC;
    case 'PUSH_FAILED':
      return EXIT.PUSH;
    case 'INTERNAL':
      return EXIT.UNEXPECTED;
    default:
      return EXIT.RESOLVE;
  }
}
