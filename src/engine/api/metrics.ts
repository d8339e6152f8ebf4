/**
 * The resource metrics API (metrics.k8s.io/v1beta1), as metrics-server
 * serves it and the HorizontalPodAutoscaler reads it: per-pod, per-container
 * CPU (millicores) and memory (bytes) usage over a window ending at a
 * timestamp.
 */

export interface ContainerUsage {
  name: string;
  /** Millicores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

/** metrics.k8s.io PodMetrics. */
export interface PodMetrics {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** The end of the window the usage was measured over, ms since the epoch. */
  timestamp: number;
  /** Length of that window, ms. */
  windowMs: number;
  containers: ContainerUsage[];
}

/** What a node agent reports of its running containers (the kubelet's resource metrics endpoint). */
export interface PodUsageSample {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  containers: ContainerUsage[];
}

/** Read access to the resource metrics API. */
export interface ResourceMetricsSource {
  /** Metrics of the pods in a namespace (all of them; callers select by label). */
  podMetrics(namespace: string): PodMetrics[];
}

