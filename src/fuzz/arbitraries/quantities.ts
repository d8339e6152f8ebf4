/**
 * Resource amounts as the fuzzer holds them (integers: millicores of CPU,
 * MiB of memory) and as manifests and node tables write them.
 */

/** `500m`, `2` (whole cores print without the m). */
export function cpuText(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** `512Mi`, `4Gi`. */
export function memoryText(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
