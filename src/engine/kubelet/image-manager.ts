/**
 * The node's images and the kubelet's image manager
 * (pkg/kubelet/images/image_manager.go): imagePullPolicy (Always, IfNotPresent,
 * Never), pulls one at a time (serializeImagePulls, on by default), a pull
 * back-off per pod and image (10 s doubling to 300 s), and the list of
 * images the node reports in status.images (largest first, at most 50) for
 * the scheduler's ImageLocality.
 *
 * Simulation model (no upstream counterpart): a pull takes the time the
 * scenario declared for the image (`Given pulling the image "x" takes 30
 * seconds`, or one time for every image), and no time otherwise, as from a
 * registry mirror next to the nodes; the image sizes are approximate
 * compressed sizes of the well-known images (image-sizes.ts).
 */
import type { Clock } from '../clock/clock.ts';
import { Backoff } from '../client/backoff.ts';
import { imageDigest } from './container-run.ts';
import { parseImageRef } from './behaviour/images.ts';
import { imageSizeBytes } from './image-sizes.ts';

/** maxImagesInNodeStatus. */
export const MAX_IMAGES_IN_NODE_STATUS = 50;
/** The sandbox image every pod's sandbox runs (containerd 2.x default). */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

export type EnsureResult =
  | { kind: 'present'; event: { type: 'Normal'; reason: 'Pulled'; message: string } }
  | { kind: 'pulled'; outcome: PullOutcome }
  | { kind: 'pulling' }
  | { kind: 'error'; reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull'; message: string; event: { type: 'Normal' | 'Warning'; reason: string; message: string } };

export interface PullOutcome {
  ok: boolean;
  /** The Pulled or Failed event. */
  event: { type: 'Normal' | 'Warning'; reason: string; message: string };
  message: string;
}

export interface ImageManagerOptions {
  clock: Pick<Clock, 'now' | 'schedule'>;
  nodeName: string;
  /** The pull error of an image no registry has, or undefined. */
  pullError(image: string): string | undefined;
  /** How long a pull of `image` takes, in ms. */
  pullDurationMs(image: string): number;
  /** The node's image list changed. */
  onImagesChanged(): void;
}

/** Go's time.Duration.String() of whole milliseconds: 0s, 1.5s, 2m3s. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (ms < 1000) return `${ms}ms`;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${Number(s.toFixed(3))}s`;
}

export class ImageManager {
  private readonly present = new Map<string, NodeImage>();
  private readonly backoff: Backoff;
  /** serializeImagePulls: when the puller is free again. */
  private busyUntil = 0;
  /** Pulls under way, by canonical reference: when they finish. */
  private readonly inFlight = new Map<string, { doneAt: number; waiters: Array<(o: PullOutcome) => void> }>();

  constructor(private readonly o: ImageManagerOptions) {
    this.backoff = new Backoff(() => o.clock.now());
  }

  has(image: string): boolean {
    return this.present.has(parseImageRef(image).canonical);
  }

  /** status.images: largest first, at most 50. */
  nodeImages(): NodeImage[] {
    return [...this.present.values()].sort((a, b) => b.sizeBytes - a.sizeBytes || a.names[a.names.length - 1].localeCompare(b.names[b.names.length - 1])).slice(0, MAX_IMAGES_IN_NODE_STATUS);
  }

  /** The sandbox image, pulled with the first sandbox. */
  ensureSandboxImage(): void {
    if (!this.has(PAUSE_IMAGE)) this.add(PAUSE_IMAGE);
  }

  /** The node loses its images (a machine that is replaced). */
  clear(): void {
    this.present.clear();
  }

  /**
   * EnsureImageExists for a container of a pod. `done` is called when a
   * pull that takes time ends (not when the result is immediate).
   */
  ensure(podUID: string, image: string, policy: string, done: (o: PullOutcome) => void): EnsureResult {
    const present = this.has(image);
    const q = JSON.stringify(image);
    if (policy === 'Never' || (policy !== 'Always' && present)) {
      if (present) return { kind: 'present', event: { type: 'Normal', reason: 'Pulled', message: `Container image ${q} already present on machine` } };
      const message = `Container image ${q} is not present with pull policy of Never`;
      return { kind: 'error', reason: 'ErrImageNeverPull', message, event: { type: 'Warning', reason: 'ErrImageNeverPull', message } };
    }
    const key = `${podUID}_${image}`;
    const now = this.o.clock.now();
    if (this.backoff.isInBackOffSinceUpdate(key, now)) {
      const message = `Back-off pulling image ${q}`;
      return { kind: 'error', reason: 'ImagePullBackOff', message, event: { type: 'Normal', reason: 'BackOff', message } };
    }
    const settle = (o: PullOutcome) => {
      if (o.ok) this.backoff.reset(key);
      else this.backoff.next(key, this.o.clock.now());
    };
    const immediate = this.pull(image, now, (o) => {
      settle(o);
      done(o);
    });
    if (!immediate) return { kind: 'pulling' };
    settle(immediate);
    return { kind: 'pulled', outcome: immediate };
  }

  /** When the backoff of a pod's image ends, for the retry. */
  backoffEnds(podUID: string, image: string): number | undefined {
    return this.backoff.endSinceUpdate(`${podUID}_${image}`);
  }

  /** Pulls; returns the outcome when the pull takes no time, else calls `done` when it ends. */
  private pull(image: string, requested: number, done: (o: PullOutcome) => void): PullOutcome | undefined {
    const ref = parseImageRef(image);
    const flight = this.inFlight.get(ref.canonical);
    if (flight) {
      flight.waiters.push(done);
      return undefined;
    }
    const error = this.o.pullError(image);
    const duration = error ? 0 : Math.max(0, this.o.pullDurationMs(image));
    const start = Math.max(requested, this.busyUntil);
    const doneAt = start + duration;
    this.busyUntil = doneAt;
    const entry = { doneAt, waiters: [done] };
    const finish = (): PullOutcome => {
      this.inFlight.delete(ref.canonical);
      const now = this.o.clock.now();
      let outcome: PullOutcome;
      if (error) {
        const message = `Failed to pull image ${JSON.stringify(image)}: ${error}`;
        outcome = { ok: false, message: error, event: { type: 'Warning', reason: 'Failed', message } };
      } else {
        this.add(image);
        const size = imageSizeBytes(image);
        outcome = {
          ok: true,
          message: '',
          event: { type: 'Normal', reason: 'Pulled', message: `Successfully pulled image ${JSON.stringify(image)} in ${goDuration(duration)} (${goDuration(now - requested)} including waiting). Image size: ${size} bytes.` },
        };
      }
      return outcome;
    };
    if (doneAt <= requested) return finish();
    this.inFlight.set(ref.canonical, entry);
    this.o.clock.schedule(doneAt - requested, `kubelet ${this.o.nodeName} image pull ${image}`, () => {
      const outcome = finish();
      for (const w of entry.waiters) w(outcome);
    });
    return undefined;
  }

  private add(image: string): void {
    const ref = parseImageRef(image);
    const repo = `${ref.registry}/${ref.path}`;
    const names = [`${repo}@${ref.digest ?? imageDigest(ref.canonical)}`];
    if (ref.tag) names.push(`${repo}:${ref.tag}`);
    const old = this.present.get(ref.canonical);
    this.present.set(ref.canonical, { names, sizeBytes: imageSizeBytes(image) });
    if (!old) this.o.onImagesChanged();
  }
}
