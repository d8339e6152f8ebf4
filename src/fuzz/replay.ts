/**
 * Replay tokens: `<seed>:<path>`, as fast-check reports a failure (seed of
 * the run, path of the shrunk counterexample in its shrink tree), followed
 * by `~<commands>` when the history's command list was shrunk (fast-check's
 * replayPath for fc.commands).
 */

export interface ReplayToken {
  seed: number;
  path: string;
  commands?: string;
}

export class BadReplayToken extends Error {}

export function formatReplay(t: ReplayToken): string {
  return `${t.seed}:${t.path}${t.commands ? `~${t.commands}` : ''}`;
}

export function parseReplay(text: string): ReplayToken {
  const m = /^(-?\d+):(\d+(?::\d+)*)(?:~([A-Za-z0-9+/]*:[A-Za-z0-9+/]*))?$/.exec(text.trim());
  if (!m) {
    throw new BadReplayToken(
      `"${text}" is not a replay token: write it as <seed>:<path>, as a failure prints it (for example 1234:5:0:2, or 1234:5:0:2~BA:D when commands were shrunk)`,
    );
  }
  const seed = Number(m[1]);
  if (!Number.isSafeInteger(seed)) throw new BadReplayToken(`the seed in "${text}" is too large`);
  return { seed, path: m[2], ...(m[3] !== undefined ? { commands: m[3] } : {}) };
}
