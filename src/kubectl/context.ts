/**
 * What kubectl needs from its surroundings besides the cluster's Client:
 * the default namespace, manifest files, simulated time, a way to wait on
 * simulated time, and container logs. The harness (or any caller) provides it.
 */

/** One line a container wrote, with the instant it was written (ms since the epoch). */
export interface LogLine {
  time: number;
  text: string;
}

/** Which container's log to read. */
export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  /** The previous terminated instance of the container (`--previous`). */
  previous: boolean;
}

/**
 * Container logs, as the kubelet keeps them. kubectl checks the pod and the
 * container name itself; the provider answers for a container that exists.
 *
 * WARNING: return [] for a container that has run but logged nothing, and
 * throw a StatusError (BadRequest) in the kubelet's words when there is no
 * such log, e.g. `previous terminated container "web" in pod "web-0" not found`.
 */
export interface LogProvider {
  containerLog(req: LogRequest): LogLine[];
}

/** The environment kubectl runs in. */
export interface KubectlContext {
  /** The namespace used when none is given with `-n` (the kubeconfig context's namespace). */
  namespace: string;
  /**
   * Reads a file named by `-f`. Throw an Error with `code: 'ENOENT'` when it
   * does not exist (kubectl then says `the path "x" does not exist`); any
   * other Error's message is shown as `error: <message>`.
   */
  readFile(path: string): string;
  /** Names of the files in a directory given to `-f`, or undefined when `path` is not a directory. */
  listDir?(path: string): string[] | undefined;
  /** Simulated time, ms since the epoch: AGE columns and timestamps are computed from it. */
  now(): number;
  /**
   * Lets simulated time run until `predicate` holds or `timeoutMs` have
   * passed, calling `predicate` after every change of cluster state. Returns
   * whether it held. `timeoutMs` is Infinity when the user set no timeout;
   * the harness then applies its own bound and returns false when it runs out.
   * A predicate that never holds makes it a sleep of `timeoutMs` (drain waits
   * 5 s so between refused evictions). Without it, waiting verbs look once and
   * do not wait.
   */
  waitFor?(predicate: () => boolean, timeoutMs: number): boolean;
  /**
   * The harness's bound on a wait the user set no timeout for, ms: verbs that
   * wait in several steps (drain retrying refused evictions) stop there too,
   * so that nothing waits forever.
   */
  waitBoundMs?: number;
  /** Container logs for `kubectl logs`; without it `logs` reports that logs are unavailable. */
  logs?: LogProvider;
  /** Standard input, for `-f -`. */
  stdin?: string;
}

/** What a kubectl invocation printed and how it exited. */
export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
