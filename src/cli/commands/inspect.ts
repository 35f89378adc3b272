import type { Command } from 'commander';
import { addRegistryOptions, outputOption } from '../registry-options.js';
import type { Exit, Io } from '../io.js';
import type { InspectOptions } from './inspect-run.js';

/** `manifold inspect REF`: what a tag or digest really points to. */
export function registerInspect(program: Command, io: Io, exit: Exit): void {
  const cmd = program
    .command('inspect')
    .description(
      'show what a reference points to: the entries of an index, or the platform and layers of an image',
    )
    .argument('<ref>', 'image reference (tag or digest)')
    .option('--raw', "print the registry's exact manifest bytes", false)
    .addOption(outputOption())
    .option(
      '--platform <os/arch[/variant]>',
      'show the entry a runtime on this platform would get: an exact match first, else the closest lower variant it runs (amd64 v3 → v2 → v1, arm v7 → v6 → v5)',
    )
    .option(
      '--verify-binaries',
      "check the program each image's runtime would start (entrypoint, interpreters, loader) against its platform; a mismatch exits 3",
      false,
    )
    .option(
      '--verify-strict',
      'with --verify-binaries: an image whose binaries could not be checked exits 3 too',
      false,
    )
    .option(
      '--verify-budget <size>',
      'compressed layer bytes the check may read per image (256MiB; K, M, G, KiB, MiB, GiB)',
    )
    .option(
      '--referrers',
      'list what refers to REF (signatures, SBOMs, indexes with it as subject): the referrers API, or the referrers tag where there is none',
      false,
    );
  addRegistryOptions(cmd).action(async (refText: string, _o: unknown, command: Command) => {
    const { runInspect } = await import('./inspect-run.js');
    exit(await runInspect(refText, command.optsWithGlobals<InspectOptions>(), io));
  });
}
