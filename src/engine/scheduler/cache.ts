/**
 * The scheduler's cache (pkg/scheduler/backend/cache): a NodeInfo per node
 * with the pods bound or assumed onto it, the node tree order (zones in turn,
 * nodes of each zone in the order they joined), the lists of nodes with pods
 * that have affinity terms, and the images nodes report.
 *
 * The cache is the snapshot: a scheduling cycle runs within one task, so
 * nothing changes it while a cycle reads it.
 */
import type { Node, Pod, Stored } from '../api/types.ts';
import { type ImageStateSummary, NodeInfo, newPodInfo } from './node-info.ts';

/** utilnode.GetZoneKey: region and zone, or '' for nodes without either. */
export function zoneKey(n: Pick<Node, 'metadata'>): string {
  const l = n.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

const NO_IMAGES: ReadonlyMap<string, ImageStateSummary> = new Map();
/** Node changes the cache remembers for plugins that keep sums over nodes (half are forgotten when full). */
const CHANGE_LOG_LIMIT = 8192;

/** normalizedImageName, as ImageLocality looks images up. */
const normalizedImageName = (name: string) => (name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name);

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** nodeTree: zone -> node names, zones in the order they appeared. */
  private readonly tree = new Map<string, string[]>();
  private readonly zoneOfNode = new Map<string, string>();
  private list: NodeInfo[] = [];
  private listDirty = false;
  private affinityList: NodeInfo[] = [];
  private antiAffinityList: NodeInfo[] = [];
  private affinityDirty = false;
  /** Pods assumed onto a node before their binding is observed: uid -> node. */
  private readonly assumed = new Map<string, string>();
  /** Where each cached pod is: uid -> node. */
  private readonly podNode = new Map<string, string>();
  private readonly images = new Map<string, { size: number; nodes: Set<string> }>();
  private readonly nodeImages = new Map<string, string[]>();
  /** The NodeInfos as they changed, with their generation after the change (oldest first, bounded). */
  private changeLog: NodeInfo[] = [];
  private changeGenerations: number[] = [];
  /** Changes at or before this generation are no longer in the log. */
  private forgottenUpTo = 0;
  /** Pods bound to nodes the cache does not have (yet): node -> uid -> pod. */
  private readonly orphans = new Map<string, Map<string, Stored<Pod>>>();

  get size(): number {
    return this.infos.size;
  }

  node(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  /** Every node, in node tree order (the snapshot's NodeInfoList). */
  nodes(): readonly NodeInfo[] {
    if (this.listDirty) {
      this.listDirty = false;
      const zones = [...this.tree.values()];
      const out: NodeInfo[] = [];
      for (let i = 0; out.length < this.infos.size; i++) {
        let any = false;
        for (const z of zones) {
          if (i < z.length) {
            out.push(this.infos.get(z[i])!);
            any = true;
          }
        }
        if (!any) break;
      }
      this.list = out;
      this.affinityDirty = true;
    }
    return this.list;
  }

  /** The nodes that changed after `generation`, or undefined when the log does not go back that far. */
  nodesChangedSince(generation: number): readonly NodeInfo[] | undefined {
    if (generation < this.forgottenUpTo) return undefined;
    const gens = this.changeGenerations;
    let lo = 0;
    let hi = gens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gens[mid] <= generation) lo = mid + 1;
      else hi = mid;
    }
    return this.changeLog.slice(lo);
  }

  /** Notes that the cache changed a node. */
  private changed(info: NodeInfo): void {
    if (this.changeLog.length >= CHANGE_LOG_LIMIT) {
      const drop = CHANGE_LOG_LIMIT / 2;
      this.forgottenUpTo = this.changeGenerations[drop - 1];
      this.changeLog = this.changeLog.slice(drop);
      this.changeGenerations = this.changeGenerations.slice(drop);
    }
    this.changeLog.push(info);
    this.changeGenerations.push(info.generation);
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    this.refreshAffinityLists();
    return this.affinityList;
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    this.refreshAffinityLists();
    return this.antiAffinityList;
  }

  /**
   * The lists are rebuilt in node tree order when nodes join or leave; a node
   * that gains or loses its last pod with affinity is added at the end or
   * taken out in place (the plugins that read them only add up over them).
   */
  private refreshAffinityLists(): void {
    const all = this.nodes();
    if (!this.affinityDirty) return;
    this.affinityDirty = false;
    this.affinityList = all.filter((n) => n.podsWithAffinity.length > 0);
    this.antiAffinityList = all.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
  }

  /** A node's pods with affinity changed from none to some or back: its place in the lists. */
  private affinityChanged(info: NodeInfo, hadAffinity: boolean, hadAnti: boolean): void {
    if (this.affinityDirty || this.listDirty) return;
    const has = info.podsWithAffinity.length > 0;
    const hasAnti = info.podsWithRequiredAntiAffinity.length > 0;
    if (has !== hadAffinity) toggle(this.affinityList, info, has);
    if (hasAnti !== hadAnti) toggle(this.antiAffinityList, info, hasAnti);
  }

  // ---- nodes ----

  addNode(node: Stored<Node>): void {
    const name = node.metadata.name;
    const existing = this.infos.get(name);
    if (existing) return this.updateNode(node);
    const info = new NodeInfo(node);
    this.infos.set(name, info);
    this.changed(info);
    this.treeAdd(name, zoneKey(node));
    this.setImages(info);
    this.listDirty = true;
    const waiting = this.orphans.get(name);
    this.orphans.delete(name);
    for (const p of waiting?.values() ?? []) this.place(p, name);
  }

  updateNode(node: Stored<Node>): void {
    const name = node.metadata.name;
    const info = this.infos.get(name);
    if (!info) return this.addNode(node);
    info.setNode(node);
    this.changed(info);
    const z = zoneKey(node);
    if (this.zoneOfNode.get(name) !== z) {
      this.treeRemove(name);
      this.treeAdd(name, z);
      this.listDirty = true;
    }
    this.setImages(info);
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    this.infos.delete(name);
    this.treeRemove(name);
    for (const img of this.nodeImages.get(name) ?? []) this.images.get(img)?.nodes.delete(name);
    this.nodeImages.delete(name);
    // Its pods stay known until they are deleted, as upstream keeps them in a node-less NodeInfo.
    const left = new Map<string, Stored<Pod>>();
    for (const [uid, pi] of info.pods) {
      this.podNode.delete(uid);
      if (!this.assumed.delete(uid)) left.set(uid, pi.pod);
    }
    if (left.size) this.orphans.set(name, left);
    this.listDirty = true;
  }

  private treeAdd(name: string, zone: string): void {
    let z = this.tree.get(zone);
    if (!z) this.tree.set(zone, (z = []));
    z.push(name);
    this.zoneOfNode.set(name, zone);
  }

  private treeRemove(name: string): void {
    const zone = this.zoneOfNode.get(name);
    if (zone === undefined) return;
    this.zoneOfNode.delete(name);
    const z = (this.tree.get(zone) ?? []).filter((n) => n !== name);
    if (z.length) this.tree.set(zone, z);
    else this.tree.delete(zone);
  }

  private setImages(info: NodeInfo): void {
    const name = info.name;
    for (const img of this.nodeImages.get(name) ?? []) {
      const s = this.images.get(img);
      s?.nodes.delete(name);
      if (s && !s.nodes.size) this.images.delete(img);
    }
    const names: string[] = [];
    const states = new Map<string, ImageStateSummary>();
    for (const image of info.node.status?.images ?? []) {
      for (const raw of image.names ?? []) {
        const n = normalizedImageName(raw);
        let s = this.images.get(n);
        if (!s) this.images.set(n, (s = { size: image.sizeBytes ?? 0, nodes: new Set() }));
        s.size = image.sizeBytes ?? 0;
        s.nodes.add(name);
        states.set(n, s);
        names.push(n);
      }
    }
    this.nodeImages.set(name, names);
    // Nodes without images share one empty map.
    info.imageStates = states.size ? states : NO_IMAGES;
  }

  // ---- pods ----

  isAssumed(uid: string): boolean {
    return this.assumed.has(uid);
  }

  /** AssumePod: the pod counts on the node before its binding is observed. */
  assume(pod: Stored<Pod>, nodeName: string): void {
    this.place({ ...pod, spec: { ...pod.spec, nodeName } } as Stored<Pod>, nodeName);
    this.assumed.set(pod.metadata.uid, nodeName);
  }

  /** ForgetPod: an assumed pod whose binding failed leaves its node. */
  forget(uid: string): void {
    if (!this.assumed.has(uid)) return;
    this.assumed.delete(uid);
    this.unplace(uid);
  }

  /** AddPod/UpdatePod: a bound pod (confirming an assumption, or moving it). */
  addPod(pod: Stored<Pod>): void {
    this.assumed.delete(pod.metadata.uid);
    this.place(pod, pod.spec.nodeName!);
  }

  /** RemovePod: returns whether the pod was on a node of the cache. */
  removePod(uid: string): boolean {
    this.assumed.delete(uid);
    return this.unplace(uid);
  }

  private place(pod: Stored<Pod>, nodeName: string): void {
    const uid = pod.metadata.uid;
    const prev = this.podNode.get(uid);
    if (prev !== undefined && prev !== nodeName) this.unplace(uid);
    const info = this.infos.get(nodeName);
    if (!info) {
      let m = this.orphans.get(nodeName);
      if (!m) this.orphans.set(nodeName, (m = new Map()));
      m.set(uid, pod);
      return;
    }
    const hadAffinity = info.podsWithAffinity.length > 0;
    const hadAnti = info.podsWithRequiredAntiAffinity.length > 0;
    info.addPod(newPodInfo(pod));
    this.changed(info);
    this.podNode.set(uid, nodeName);
    this.affinityChanged(info, hadAffinity, hadAnti);
  }

  private unplace(uid: string): boolean {
    const nodeName = this.podNode.get(uid);
    if (nodeName === undefined) {
      for (const [n, m] of this.orphans) if (m.delete(uid) && !m.size) this.orphans.delete(n);
      return false;
    }
    this.podNode.delete(uid);
    const info = this.infos.get(nodeName);
    if (!info) return false;
    const hadAffinity = info.podsWithAffinity.length > 0;
    const hadAnti = info.podsWithRequiredAntiAffinity.length > 0;
    const removed = info.removePod(uid);
    if (removed) this.changed(info);
    this.affinityChanged(info, hadAffinity, hadAnti);
    return removed;
  }
}

/** Adds the node at the end of the list, or takes it out. */
function toggle(list: NodeInfo[], info: NodeInfo, present: boolean): void {
  if (present) list.push(info);
  else {
    const i = list.indexOf(info);
    if (i >= 0) list.splice(i, 1);
  }
}
