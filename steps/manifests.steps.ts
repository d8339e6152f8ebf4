/** Applying manifests, and what the API server said about them. */
import { Given, Then, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { CheckFailed } from '../src/harness/errors.ts';

Given('the manifest {string} is applied', function (this: KubeWorld, name: string) {
  this.apply(this.readManifest(name));
});

Given('the following manifest is applied:', function (this: KubeWorld, text: string) {
  this.apply(this.readInline(text));
});

When('I apply the manifest {string}', function (this: KubeWorld, name: string) {
  this.apply(this.readManifest(name));
});

When('I apply the following manifest:', function (this: KubeWorld, text: string) {
  this.apply(this.readInline(text));
});

When('I try to apply the manifest {string}', function (this: KubeWorld, name: string) {
  this.tryApply(this.readManifest(name));
});

When('I try to apply the following manifest:', function (this: KubeWorld, text: string) {
  this.tryApply(this.readInline(text));
});

Then('it is rejected because {string}', function (this: KubeWorld, text: string) {
  if (!this.refusal) throw new CheckFailed(`expected the API server to refuse the manifest because "${text}", but it accepted it`);
  if (!this.refusal.message.includes(text)) {
    throw new CheckFailed(`expected the refusal to say "${text}"\n  the API server said: ${this.refusal.message}`);
  }
});

Then('it is accepted', function (this: KubeWorld) {
  if (this.refusal) throw new CheckFailed(`expected the manifest to be accepted, but the API server said: ${this.refusal.message}`);
});
