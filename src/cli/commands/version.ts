import type { Command } from 'commander';
import { versionLine } from '../../package-info.js';
import type { Exit, Io } from '../io.js';

/** `manifold version`: the version and commit (manifest-tool's line), and the Node.js it runs on. */
export function registerVersion(program: Command, io: Io, _exit: Exit): void {
  program
    .command('version')
    .description('print the version, the commit it was built from and the Node.js it runs on')
    .action(() => {
      io.stdout(
        `${versionLine()}\nnode ${process.version} (${process.platform}/${process.arch})\n`,
      );
    });
}
