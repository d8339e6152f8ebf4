/** Every kubectl command kubecuke understands, by its command words. */
import type { Command } from './command.ts';
import { getCommand } from './verbs/get.ts';
import { describeCommand } from './verbs/describe.ts';
import { applyCommand } from './verbs/apply.ts';
import { createCommand } from './verbs/create.ts';
import { createConfigMapCommand, createDeploymentCommand, createJobCommand, createNamespaceCommand, createSecretGenericCommand, createServiceCommands } from './verbs/create-generators.ts';
import { deleteCommand } from './verbs/delete.ts';
import { scaleCommand } from './verbs/scale.ts';
import { setImageCommand } from './verbs/set-image.ts';
import { labelCommand, annotateCommand } from './verbs/label.ts';
import { taintCommand } from './verbs/taint.ts';
import { cordonCommand, uncordonCommand } from './verbs/cordon.ts';
import { drainCommand } from './verbs/drain.ts';
import { rolloutStatusCommand } from './verbs/rollout-status.ts';
import { rolloutHistoryCommand } from './verbs/rollout-history.ts';
import { rolloutUndoCommand } from './verbs/rollout-undo.ts';
import { rolloutPauseCommand, rolloutResumeCommand, rolloutRestartCommand } from './verbs/rollout-control.ts';
import { logsCommand } from './verbs/logs.ts';
import { patchCommand } from './verbs/patch.ts';
import { versionCommand, apiResourcesCommand } from './verbs/version.ts';

export const COMMANDS: Command[] = [
  getCommand,
  describeCommand,
  applyCommand,
  createCommand,
  createNamespaceCommand,
  createDeploymentCommand,
  createConfigMapCommand,
  createSecretGenericCommand,
  ...createServiceCommands,
  createJobCommand,
  deleteCommand,
  scaleCommand,
  setImageCommand,
  labelCommand,
  annotateCommand,
  taintCommand,
  cordonCommand,
  uncordonCommand,
  drainCommand,
  rolloutStatusCommand,
  rolloutHistoryCommand,
  rolloutUndoCommand,
  rolloutPauseCommand,
  rolloutResumeCommand,
  rolloutRestartCommand,
  logsCommand,
  patchCommand,
  versionCommand,
  apiResourcesCommand,
];
