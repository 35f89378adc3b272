/**
 * manifold(1), in roff (man(7) macros), generated from the command tree: every command with its
 * usage, description, options and examples, then the exit codes. The build writes it to
 * dist/man/manifold.1 (npm installs it as the package's man page).
 */
import type { CommandInfo, OptionInfo } from './command-tree.js';

/** Text made safe for roff: backslashes, a leading dot or quote, and hyphens in words. */
const roff = (s: string): string =>
  s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');

const optionFlags = (o: OptionInfo): string =>
  [o.short, o.long]
    .filter(Boolean)
    .map((f) => `\\fB${roff(f!)}\\fR`)
    .join(', ') + (o.value ? ` \\fI${roff(o.value)}\\fR` : '');

function section(cmd: CommandInfo, path: string[], out: string[]): void {
  const name = path.join(' ');
  out.push(`.SS "${roff(name)}"`);
  out.push(`\\fB${roff(name)}\\fR ${roff(cmd.usage)}`);
  out.push('.PP', roff(cmd.description));
  for (const o of cmd.options.filter((x) => x.long !== '--help')) {
    out.push('.TP', optionFlags(o));
    out.push(roff(o.description + (o.choices ? ` (${o.choices.join(', ')})` : '')));
  }
  if (cmd.examples.length > 0) {
    out.push('.PP', 'Examples:', '.RS', '.nf');
    for (const e of cmd.examples) out.push(roff(e));
    out.push('.fi', '.RE');
  }
  for (const c of cmd.commands) section(c, [...path, c.name], out);
}

export function manPage(
  root: CommandInfo,
  o: { version: string; date: string; exitCodes: readonly [number, string][] },
): string {
  const out: string[] = [
    `.TH MANIFOLD 1 "${o.date}" "manifold ${roff(o.version)}" "User Commands"`,
    '.SH NAME',
    `manifold \\- ${roff(root.description)}`,
    '.SH SYNOPSIS',
    `\\fBmanifold\\fR [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR]`,
    '.SH DESCRIPTION',
    roff(
      'manifold reads a checked-in YAML spec naming the target image, its tags and the per-platform children, resolves every child in the registry, checks each platform against the image, and pushes one Docker manifest list or OCI image index under every tag. Global options are accepted before or after the command.',
    ),
    '.SH GLOBAL OPTIONS',
  ];
  for (const opt of root.options.filter((x) => x.long !== '--help')) {
    out.push('.TP', optionFlags(opt));
    out.push(roff(opt.description + (opt.choices ? ` (${opt.choices.join(', ')})` : '')));
  }
  out.push('.SH COMMANDS');
  for (const c of root.commands) section(c, ['manifold', c.name], out);
  out.push('.SH EXIT STATUS');
  for (const [code, meaning] of o.exitCodes) out.push('.TP', `\\fB${code}\\fR`, roff(meaning));
  out.push(
    '.SH ENVIRONMENT',
    '.TP',
    '\\fBMANIFOLD_USERNAME\\fR, \\fBMANIFOLD_PASSWORD\\fR',
    roff('Registry credentials (instead of --username and --password-stdin).'),
    '.TP',
    '\\fBDOCKER_CONFIG\\fR, \\fBDOCKER_AUTH_CONFIG\\fR',
    roff("The docker config directory; a docker config's JSON in a variable (GitLab)."),
    '.TP',
    '\\fBGITHUB_OUTPUT\\fR, \\fBGITHUB_STEP_SUMMARY\\fR',
    roff(
      'Under GitHub Actions: the outputs digest, digests, tags and metadata, and the job summary.',
    ),
    '.SH SEE ALSO',
    '\\fBskopeo\\fR(1), \\fBdocker\\-manifest\\fR(1)',
  );
  return `${out.join('\n')}\n`;
}
