/** kubectl, as users type it, and what it printed. */
import { Then, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { CheckFailed, UserError } from '../src/harness/errors.ts';

When('I run {string}', function (this: KubeWorld, command: string) {
  if (!/^\s*kubectl(\s|$)/.test(command)) throw new UserError(`only kubectl commands can be run: "${command}" does not start with "kubectl"`);
  this.kubectl(command);
});

Then('the output contains {string}', function (this: KubeWorld, text: string) {
  if (!this.output.includes(text)) throw new CheckFailed(`expected the output to contain "${text}"\n  the output was:\n${this.output.replace(/^/gm, '    ')}`);
});

Then('the output does not contain {string}', function (this: KubeWorld, text: string) {
  if (this.output.includes(text)) throw new CheckFailed(`expected the output not to contain "${text}"\n  the output was:\n${this.output.replace(/^/gm, '    ')}`);
});
