/** Option declarations shared by the commands that talk to a registry (no heavy imports here). */
import type { Command } from 'commander';

export interface GlobalOptions {
  logLevel: string;
  logFormat: string;
  debug: boolean;
}

export interface RegistryOptions {
  username?: string;
  passwordStdin?: boolean;
  dockerCfg?: string;
  plainHttp?: boolean;
  insecure?: boolean;
  caFile?: string;
  concurrency: string;
  timeout: string;
}

/** Adds the options every command that talks to a registry shares. */
export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--username <name>', 'registry user name (password from --password-stdin or MANIFOLD_PASSWORD)')
    .option('--password-stdin', 'read the password or token from standard input', false)
    .option('--docker-cfg <path>', 'docker config directory or config.json file (default: $DOCKER_CONFIG or ~/.docker)')
    .option('--plain-http', 'talk plain HTTP to the registry (default only for localhost, 127.0.0.1 and [::1])', false)
    .option('--insecure', 'skip TLS certificate verification for the registry', false)
    .option('--ca-file <pem>', 'trust this PEM CA bundle for the registry, besides the system roots')
    .option('--concurrency <n>', 'requests in flight at once', '16')
    .option('--timeout <seconds>', 'timeout of one HTTP request, retries excluded', '60');
}

