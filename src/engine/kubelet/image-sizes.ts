/**
 * Image sizes the simulated container runtime reports (status.images,
 * "Image size: N bytes" in Pulled events), which the scheduler's
 * ImageLocality scores.
 *
 * Simulation constants, not upstream figures: approximate compressed sizes
 * of recent linux/amd64 tags of well-known images, in bytes, rounded. Any
 * other image counts as 50 MB.
 */
import { parseImageRef } from './behaviour/images.ts';

const MB = 1_000_000;

const SIZES: Record<string, number> = {
  'registry.k8s.io/pause': 320_000,
  'docker.io/library/hello-world': 10_000,
  'docker.io/library/busybox': 2_200_000,
  'docker.io/library/alpine': 3_600_000,
  'docker.io/library/ubuntu': 29 * MB,
  'docker.io/library/debian': 48 * MB,
  'docker.io/library/nginx': 72 * MB,
  'docker.io/library/httpd': 58 * MB,
  'docker.io/library/redis': 45 * MB,
  'docker.io/library/memcached': 30 * MB,
  'docker.io/library/postgres': 150 * MB,
  'docker.io/library/mysql': 165 * MB,
  'docker.io/library/mariadb': 120 * MB,
  'docker.io/library/mongo': 250 * MB,
  'docker.io/library/rabbitmq': 100 * MB,
  'docker.io/library/python': 380 * MB,
  'docker.io/library/node': 390 * MB,
  'docker.io/library/golang': 280 * MB,
  'docker.io/library/openjdk': 330 * MB,
  'docker.io/library/traefik': 50 * MB,
  'docker.io/library/haproxy': 40 * MB,
};

export const DEFAULT_IMAGE_SIZE = 50 * MB;

export function imageSizeBytes(image: string): number {
  const ref = parseImageRef(image);
  return SIZES[`${ref.registry}/${ref.path}`] ?? DEFAULT_IMAGE_SIZE;
}
