/**
 * The ports well-known images listen on without configuration: the EXPOSE
 * lines of their official Dockerfiles (docker-library and vendors'), used
 * by the network model to tell whether a connection finds a listener.
 */
import { imageProfile } from './images.ts';

const EXPOSED: Record<string, number[]> = {
  nginx: [80],
  'nginxinc/nginx-unprivileged': [8080],
  httpd: [80],
  redis: [6379],
  valkey: [6379],
  memcached: [11211],
  mongo: [27017],
  rabbitmq: [4369, 5671, 5672, 15691, 15692, 25672],
  postgres: [5432],
  mysql: [3306, 33060],
  mariadb: [3306],
  traefik: [80],
  caddy: [80, 443, 2019],
  registry: [5000],
  tomcat: [8080],
};

/**
 * What the image's own server listens on: the known ports, `[]` for images
 * known to run no server (shells, interpreters, pause), undefined when the
 * image is unknown.
 */
export function imageListenPorts(image: string): number[] | undefined {
  const p = imageProfile(image);
  if (!p) return undefined;
  return EXPOSED[p.name] ?? (p.role === 'server' && !['pause', 'google_containers/pause', 'google-containers/pause'].includes(p.name) ? undefined : []);
}

/** The part of a container the listener rule reads. */
export interface ListenerSpec {
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ containerPort: number; protocol?: string }>;
}

/**
 * The ports a container's process listens on for `protocol`: its declared
 * containerPorts and what its image's server listens on. `any` when that
 * cannot be told (an unknown image, or an interpreter running a program
 * that declares no port): such a container is taken to listen where asked.
 */
export function listenPorts(c: ListenerSpec, protocol = 'TCP'): number[] | 'any' {
  const declared = (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === protocol).map((p) => p.containerPort);
  const profile = imageProfile(c.image ?? '');
  const hasCommand = !!(c.command?.length || c.args?.length);
  if (!profile) return declared.length ? declared : 'any';
  if (profile.role === 'server') {
    const own = EXPOSED[profile.name];
    if (!own) return declared.length ? declared : 'any';
    return [...new Set([...declared, ...(protocol === 'TCP' ? own : [])])];
  }
  if (profile.role === 'repl' && hasCommand && !declared.length) return 'any';
  return declared;
}
