/**
 * ImageLocality (Score): prefers nodes that already have the pod's images
 * (node status.images), weighing each image's size by the share of nodes
 * that have it, scaled between 23 MB and 1000 MB per container.
 *
 * The simulated kubelet does not report status.images yet, so every node
 * scores 0 until it does (or a scenario sets node status.images).
 */
import { type NodeInfo, type ScorePlugin, type Handle, MAX_NODE_SCORE } from '../framework.ts';
import type { Pod } from '../../api/types.ts';

export const IMAGE_LOCALITY = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** normalizedImageName: an image without a tag or digest is `:latest`. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

function sumImageScores(node: NodeInfo, pod: Pod, totalNumNodes: number): number {
  let sum = 0;
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    const state = node.imageStates.get(normalizedImageName(c.image ?? ''));
    // scaledImageScore: size * spread, truncated as Go's int64 conversion does.
    if (state) sum += Math.trunc(state.size * (state.nodes.size / totalNumNodes));
  }
  return sum;
}

function calculatePriority(sum: number, numContainers: number): number {
  const max = MAX_CONTAINER_THRESHOLD * numContainers;
  const s = Math.min(Math.max(sum, MIN_THRESHOLD), max);
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

export function imageLocality(handle: Pick<Handle, 'nodes'>): ScorePlugin {
  return {
    name: IMAGE_LOCALITY,
    score(_state, pod, node) {
      const total = handle.nodes().length || 1;
      const containers = (pod.spec.initContainers?.length ?? 0) + (pod.spec.containers?.length ?? 0);
      return calculatePriority(sumImageScores(node, pod, total), containers);
    },
  };
}
