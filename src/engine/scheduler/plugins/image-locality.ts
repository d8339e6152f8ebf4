/**
 * ImageLocality (Score): prefers nodes that already have the pod's images
 * (node status.images), weighing each image's size by the share of nodes
 * that have it, scaled between 23 MB and 1000 MB per container.
 *
 * The kubelets report the images they pulled in node status.images (largest
 * first, at most 50), with the sizes the simulated runtime gives them, under
 * the names containerd gives them (docker.io/library/nginx:1.25 and its
 * digest). As upstream (whose normalizedImageName leaves this case as a
 * TODO), a pod's image is matched as written with `:latest` added, so
 * `nginx:1.25` does not match `docker.io/library/nginx:1.25`.
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

/** The pod's images, normalized, init containers first (remembered per pod object: stored pods never change). */
const imagesOf = new WeakMap<Pod, string[]>();
function podImages(pod: Pod): string[] {
  let names = imagesOf.get(pod);
  if (!names) {
    names = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
    imagesOf.set(pod, names);
  }
  return names;
}

function sumImageScores(node: NodeInfo, pod: Pod, totalNumNodes: number): number {
  let sum = 0;
  // A node that reports no images scores no image (the common case while kubelets report none).
  if (!node.imageStates.size) return 0;
  for (const name of podImages(pod)) {
    const state = node.imageStates.get(name);
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
      // No image on the node: the sum is 0, which scores 0 (below the 23 MB threshold).
      if (!node.imageStates.size) return 0;
      const total = handle.nodes().length || 1;
      const containers = (pod.spec.initContainers?.length ?? 0) + (pod.spec.containers?.length ?? 0);
      return calculatePriority(sumImageScores(node, pod, total), containers);
    },
  };
}
