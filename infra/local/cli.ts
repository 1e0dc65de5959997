import { Command } from 'commander';
import { invokeCommand } from './commands/invoke.ts';
import { mnsCommand } from './commands/mns.ts';
import { provisionCommand } from './commands/provision.ts';
import { startCommand } from './commands/start.ts';
import { statsCommand } from './commands/stats.ts';
import { tablestoreCommand } from './commands/tablestore.ts';

/** `parcelscan <command>`: the project's local stack and tools. */
const program = new Command('parcelscan')
  .description('parcelscan: local Tablestore, MNS and Function Compute for the parcel-scan suite')
  .addCommand(startCommand())
  .addCommand(tablestoreCommand())
  .addCommand(mnsCommand())
  .addCommand(invokeCommand())
  .addCommand(provisionCommand())
  .addCommand(statsCommand());

await program.parseAsync(process.argv);
