/**
 * What mutating verbs print per object: `deployment.apps/web created`, or
 * the object in the `-o` format (YAML documents separated by `---`).
 */
import type { KubeObject } from '../../engine/index.ts';
import type { Invocation } from '../command.ts';
import { parseOutputFormat, printGeneric } from '../printers/output.ts';
import { forDisplay } from './get.ts';

/** Prints one changed object; `index` counts objects printed before it by this command. */
export function printMutated(inv: Invocation, object: KubeObject, name: string, op: string, index: number): void {
  const format = parseOutputFormat(inv.flags.string('output'), inv.ctx);
  if (format.kind === 'default' || format.kind === 'wide') {
    inv.out.out(`${name} ${op}\n`);
    return;
  }
  if (format.kind === 'name') {
    inv.out.out(`${name}\n`);
    return;
  }
  if (format.kind === 'yaml' && index > 0) inv.out.out('---\n');
  inv.out.out(printGeneric(format, [forDisplay(object)], [name], true));
}
