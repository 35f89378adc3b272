/** Option declarations shared by several commands (no heavy imports here: they load at every start). */
import { Option, type Command } from 'commander';

export interface GlobalOptions {
  logLevel: string;
  logFormat: string;
  debug: boolean;
  quiet?: boolean;
}

export interface RegistryOptions {
  username?: string;
  /** manifest-tool's --password: accepted, with a warning that other processes can read it. */
  password?: string;
  passwordStdin?: boolean;
  dockerCfg?: string;
  /** skopeo's `--creds USER:PASSWORD`. */
  creds?: string;
  /** skopeo's `--authfile PATH` (a containers auth.json). */
  authfile?: string;
  /** skopeo's and podman's `--tls-verify=false`. */
  tlsVerify?: string;
  plainHttp?: boolean;
  insecure?: boolean;
  insecureRegistry: string[];
  caFile?: string;
  certDir?: string;
  concurrency: string;
  timeout: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * manifest-tool's global flags, declared once on the program so they are accepted before the
 * command (`manifold --username u push from-spec f.yml`, as manifest-tool is called) and after it.
 * No defaults: a value is only present when given.
 */
export function addGlobalRegistryOptions(program: Command): Command {
  return program
    .option(
      '--username <name>',
      'registry user name (password from --password-stdin or MANIFOLD_PASSWORD)',
    )
    .option(
      '--password <password>',
      "registry password (manifest-tool's flag: other processes can read it; prefer --password-stdin)",
    )
    .option(
      '--docker-cfg <path>',
      'docker config directory or config.json file (default: $DOCKER_CONFIG or ~/.docker)',
    )
    .option(
      '--plain-http',
      "talk plain HTTP to this run's registries (manifest-tool's flag; prefer --insecure-registry HOST)",
    )
    .option(
      '--insecure',
      "skip TLS certificate verification for this run's registries (prefer --insecure-registry HOST)",
    )
    .option(
      '--tls-verify <bool>',
      "skopeo's and podman's flag: =false skips TLS verification and allows plain HTTP for this run's registries (prefer --insecure-registry HOST)",
    )
    .option(
      '--creds <user:password>',
      "skopeo's flag: registry credentials (other processes can read them; prefer --password-stdin)",
    )
    .option('--authfile <path>', "skopeo's flag: a containers auth.json to read credentials from");
}

/** Adds the options every command that talks to a registry shares (besides the global ones). */
export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--password-stdin', 'read the password or token from standard input', false)
    .option(
      '--insecure-registry <host>',
      'for this host only: skip TLS verification and allow plain HTTP (repeatable)',
      collect,
      [],
    )
    .option('--ca-file <pem>', 'trust this PEM CA bundle besides the system roots')
    .option(
      '--cert-dir <dir>',
      'trust the *.crt files in DIR/<host>/ (docker certs.d layout) or in DIR',
    )
    .option(
      '--concurrency <n>',
      'children resolved or copied at once (requests in flight: HTTP/2 streams, or as many HTTP/1.1 connections per host)',
      '128',
    )
    .option('--timeout <seconds>', 'overall deadline for the command, retries included', '600');
}

/** Collects a repeatable option; each value may itself be a comma-separated list. */
export const collectList = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
];

/** Collects a repeatable option as given (no comma splitting). */
export const collectEach = collect;

/** `--output text|json`; commander refuses other values as a usage error (exit 2). */
export function outputOption(): Option {
  return new Option('--output <format>', 'what stdout carries')
    .choices(['text', 'json'])
    .default('text');
}
