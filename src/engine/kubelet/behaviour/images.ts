/**
 * What well-known images do: their default process, their shell and the
 * programs they ship. Images are recognised by repository, whatever the
 * registry host, tag or digest (`docker.io/library/nginx:1.27`,
 * `nginx@sha256:...`, `registry.k8s.io/pause:3.9`). Anything else is an
 * unknown image, taken to be a server that runs until stopped.
 */

/** Which program `/bin/sh` is: busybox ash, Debian's dash, or bash. */
export type ShellFlavour = 'ash' | 'dash' | 'bash';

/** A parsed image reference, normalised as Docker does. */
export interface ImageRef {
  /** `docker.io`, `registry.k8s.io`, ... */
  registry: string;
  /** Path without registry: `library/nginx`, `pause`, `bitnami/redis`. */
  path: string;
  tag?: string;
  digest?: string;
  /** `docker.io/library/nginx:latest`: comparable across spellings. */
  canonical: string;
}

export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  // Docker's rule: the first component is a registry when it looks like a host.
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasHost ? first : 'docker.io';
  let path = hasHost ? rest.slice(slash + 1) : rest;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  const canonical = `${registry}/${path}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  return { registry, path, tag, digest, canonical };
}

/**
 * True when `image` is one of the declared-missing images. A declaration
 * without tag or digest covers every tag of that repository.
 */
export function isDeclaredMissing(image: string, missing: ReadonlySet<string>): boolean {
  const ref = parseImageRef(image);
  for (const declared of missing) {
    const d = parseImageRef(declared);
    const untagged = !/[:@][^/]*$/.test(declared.trim());
    if (d.registry === ref.registry && d.path === ref.path && (untagged || d.canonical === ref.canonical)) return true;
  }
  return false;
}

/** A check an entrypoint makes before starting its server; a failure exits 1 with these lines. */
export type StartupCheck = (env: EnvView) => { lines: string[]; stamped: boolean } | undefined;

/** Read access to a container's environment; `undefined` from `nonEmpty` means "cannot tell". */
export interface EnvView {
  get(name: string): string | undefined;
  /** True/false when known; undefined when the value comes from a source that was not resolved. */
  nonEmpty(name: string): boolean | undefined;
}

export interface ImageProfile {
  /** The repository key (`nginx`, `pause`). */
  name: string;
  /**
   * The default process: `server` runs until stopped; `shell` and `repl`
   * read standard input (exit 0 at once when it is closed, the default);
   * `program` prints `output` and exits 0.
   */
  role: 'server' | 'shell' | 'repl' | 'program';
  /** `/bin/sh`, or null when the image has no shell at all. */
  sh: ShellFlavour | null;
  bash: boolean;
  /**
   * How container args without a command are used: `exec-args`, an
   * entrypoint that runs its server when the first arg is an option or a
   * server name and otherwise runs the args as a command; `options`, an
   * entrypoint binary that takes args as options; `none`, args are the command.
   */
  entrypoint: 'exec-args' | 'options' | 'none';
  /** Names that start the image's own server when given as the first arg. */
  serverArgs?: string[];
  /** Programs the image ships beyond the base utilities. */
  programs?: string[];
  check?: StartupCheck;
  output?: string[];
  /** What the process prints when it stops on SIGTERM. */
  stopLines?: string[];
}

const DEBIAN = { sh: 'dash', bash: true } as const;
const ALPINE = { sh: 'ash', bash: false } as const;
const REDHAT = { sh: 'bash', bash: true } as const;

function bothSet(env: EnvView, v: string): boolean {
  return env.nonEmpty(v) === true && env.nonEmpty(`${v}_FILE`) === true;
}

/** docker-library/postgres docker-entrypoint.sh: docker_setup_env, docker_verify_minimum_env. */
const postgresCheck: StartupCheck = (env) => {
  if (bothSet(env, 'POSTGRES_PASSWORD')) {
    return { lines: ['error: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)'], stamped: false };
  }
  const password = env.nonEmpty('POSTGRES_PASSWORD') ?? true;
  const file = env.nonEmpty('POSTGRES_PASSWORD_FILE') ?? true;
  // A value from an unresolved source might be `trust`: give it the benefit of the doubt.
  const trust = env.get('POSTGRES_HOST_AUTH_METHOD') === 'trust' || env.nonEmpty('POSTGRES_HOST_AUTH_METHOD') === undefined;
  if (password || file || trust) return undefined;
  return {
    stamped: false,
    lines: [
      'Error: Database is uninitialized and superuser password is not specified.',
      '       You must specify POSTGRES_PASSWORD to a non-empty value for the',
      '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
      '',
      '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
      '       connections without a password. This is *not* recommended.',
      '',
      '       See PostgreSQL documentation about "trust":',
      '       https://www.postgresql.org/docs/current/auth-trust.html',
    ],
  };
};

/** A variable is "given" when it or its _FILE twin is non-empty (or cannot be told). */
function given(env: EnvView, ...names: string[]): boolean {
  return names.some((n) => (env.nonEmpty(n) ?? true) || (env.nonEmpty(`${n}_FILE`) ?? true));
}

/** docker-library/mysql docker-entrypoint.sh (8.x): docker_verify_minimum_env. Lines after the first carry no stamp. */
const mysqlCheck: StartupCheck = (env) => {
  if (bothSet(env, 'MYSQL_ROOT_PASSWORD')) {
    return { lines: ['[ERROR] [Entrypoint]: Both MYSQL_ROOT_PASSWORD and MYSQL_ROOT_PASSWORD_FILE are set (but are exclusive)'], stamped: true };
  }
  if (!given(env, 'MYSQL_ROOT_PASSWORD') && !(env.nonEmpty('MYSQL_ALLOW_EMPTY_PASSWORD') ?? true) && !(env.nonEmpty('MYSQL_RANDOM_ROOT_PASSWORD') ?? true)) {
    return {
      stamped: true,
      lines: [
        '[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified',
        '    You need to specify one of the following as an environment variable:',
        '    - MYSQL_ROOT_PASSWORD',
        '    - MYSQL_ALLOW_EMPTY_PASSWORD',
        '    - MYSQL_RANDOM_ROOT_PASSWORD',
      ],
    };
  }
  return undefined;
};

/** MariaDB/mariadb-docker docker-entrypoint.sh: MYSQL_* names are accepted as aliases of MARIADB_*. */
const mariadbCheck: StartupCheck = (env) => {
  const root = given(env, 'MARIADB_ROOT_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'MARIADB_ROOT_PASSWORD_HASH');
  const empty = (env.nonEmpty('MARIADB_ALLOW_EMPTY_ROOT_PASSWORD') ?? true) || (env.nonEmpty('MYSQL_ALLOW_EMPTY_PASSWORD') ?? true);
  const random = (env.nonEmpty('MARIADB_RANDOM_ROOT_PASSWORD') ?? true) || (env.nonEmpty('MYSQL_RANDOM_ROOT_PASSWORD') ?? true);
  if (root || empty || random) return undefined;
  return {
    stamped: true,
    lines: [
      '[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified',
      '\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD',
    ],
  };
};

/** docker-library/hello-world hello.c (amd64). */
const HELLO = [
  '',
  'Hello from Docker!',
  'This message shows that your installation appears to be working correctly.',
  '',
  'To generate this message, Docker took the following steps:',
  ' 1. The Docker client contacted the Docker daemon.',
  ' 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.',
  '    (amd64)',
  ' 3. The Docker daemon created a new container from that image which runs the',
  '    executable that produces the output you are currently reading.',
  ' 4. The Docker daemon streamed that output to the Docker client, which sent it',
  '    to your terminal.',
  '',
  'To try something more ambitious, you can run an Ubuntu container with:',
  ' $ docker run -it ubuntu bash',
  '',
  'Share images, automate workflows, and more with a free Docker ID:',
  ' https://hub.docker.com/',
  '',
  'For more examples and ideas, visit:',
  ' https://docs.docker.com/get-started/',
  '',
];

type Spec = Omit<ImageProfile, 'name'>;
const server = (base: { sh: ShellFlavour | null; bash: boolean }, serverArgs: string[], more: Partial<Spec> = {}): Spec =>
  ({ role: 'server', ...base, entrypoint: 'exec-args', serverArgs, programs: serverArgs, ...more });
const shell = (base: { sh: ShellFlavour; bash: boolean }): Spec => ({ role: 'shell', ...base, entrypoint: 'none' });
const repl = (base: { sh: ShellFlavour; bash: boolean }, programs: string[], entrypoint: ImageProfile['entrypoint'] = 'none'): Spec =>
  ({ role: 'repl', ...base, entrypoint, programs });

const PAUSE: Spec = { role: 'server', sh: null, bash: false, entrypoint: 'options', programs: ['/pause'], stopLines: ['Shutting down, got signal: Terminated'] };
const PYTHON = ['python', 'python3', 'pip', 'pip3'];
const NODE = ['node', 'npm', 'npx', 'yarn', 'corepack'];

/** Repositories by path after the registry, `library/` dropped. */
const PROFILES: Record<string, Spec> = {
  busybox: shell(ALPINE),
  alpine: shell(ALPINE),
  ubuntu: shell(DEBIAN),
  debian: shell(DEBIAN),
  'buildpack-deps': shell(DEBIAN),
  bash: { ...shell(ALPINE), bash: true },
  centos: shell(REDHAT),
  fedora: shell(REDHAT),
  rockylinux: shell(REDHAT),
  almalinux: shell(REDHAT),
  oraclelinux: shell(REDHAT),
  amazonlinux: shell(REDHAT),
  'redhat/ubi8': shell(REDHAT),
  'redhat/ubi9': shell(REDHAT),
  'ubi8/ubi': shell(REDHAT),
  'ubi9/ubi': shell(REDHAT),
  archlinux: shell(REDHAT),
  'opensuse/leap': shell(REDHAT),
  'opensuse/tumbleweed': shell(REDHAT),
  golang: repl(DEBIAN, ['go']),
  rust: repl(DEBIAN, ['cargo', 'rustc']),
  python: repl(DEBIAN, PYTHON),
  pypy: repl(DEBIAN, ['pypy', 'pypy3']),
  node: repl(DEBIAN, NODE, 'exec-args'),
  ruby: repl(DEBIAN, ['ruby', 'irb', 'gem', 'bundle']),
  php: repl(DEBIAN, ['php'], 'exec-args'),
  perl: repl(DEBIAN, ['perl']),
  openjdk: repl(DEBIAN, ['java', 'jshell']),
  'eclipse-temurin': repl(DEBIAN, ['java', 'jshell'], 'exec-args'),
  'amazoncorretto': repl(REDHAT, ['java', 'jshell']),
  nginx: server(DEBIAN, ['nginx', 'nginx-debug'], { programs: ['nginx', 'nginx-debug', 'curl', '/docker-entrypoint.sh'] }),
  'nginxinc/nginx-unprivileged': server(DEBIAN, ['nginx', 'nginx-debug'], { programs: ['nginx', 'curl', '/docker-entrypoint.sh'] }),
  httpd: server(DEBIAN, ['httpd-foreground', 'httpd'], { entrypoint: 'options' }),
  redis: server(DEBIAN, ['redis-server', 'redis-sentinel'], { programs: ['redis-server', 'redis-cli', 'redis-sentinel'] }),
  valkey: server(DEBIAN, ['valkey-server'], { programs: ['valkey-server', 'valkey-cli'] }),
  memcached: server(DEBIAN, ['memcached']),
  mongo: server(DEBIAN, ['mongod', 'mongos'], { programs: ['mongod', 'mongos', 'mongosh'] }),
  rabbitmq: server(DEBIAN, ['rabbitmq-server'], { programs: ['rabbitmq-server', 'rabbitmqctl', 'rabbitmq-diagnostics'] }),
  postgres: server(DEBIAN, ['postgres'], { programs: ['postgres', 'psql', 'pg_isready', 'pg_ctl', 'initdb'], check: postgresCheck }),
  mysql: server(REDHAT, ['mysqld'], { programs: ['mysqld', 'mysql', 'mysqladmin'], check: mysqlCheck }),
  mariadb: server(DEBIAN, ['mariadbd', 'mysqld'], { programs: ['mariadbd', 'mysqld', 'mariadb', 'mysql', 'mariadb-admin', 'mysqladmin'], check: mariadbCheck }),
  traefik: server(ALPINE, ['traefik'], { entrypoint: 'options' }),
  haproxy: server(DEBIAN, ['haproxy']),
  caddy: server(ALPINE, ['caddy'], { entrypoint: 'none' }),
  registry: server(ALPINE, ['registry'], { entrypoint: 'options' }),
  tomcat: server(DEBIAN, ['catalina.sh'], { entrypoint: 'none', programs: ['catalina.sh', 'java'] }),
  'hello-world': { role: 'program', sh: null, bash: false, entrypoint: 'options', programs: ['/hello'], output: HELLO },
  pause: PAUSE,
  'google_containers/pause': PAUSE,
  'google-containers/pause': PAUSE,
  'distroless/static': { role: 'server', sh: null, bash: false, entrypoint: 'none' },
  'distroless/base': { role: 'server', sh: null, bash: false, entrypoint: 'none' },
};

/** Mirrors Kubernetes' own registries keep of upstream images. */
const K8S_REGISTRIES = new Set(['registry.k8s.io', 'k8s.gcr.io', 'gcr.io']);

/** The profile of a well-known image, or undefined for an unknown one. */
export function imageProfile(image: string): ImageProfile | undefined {
  const ref = parseImageRef(image);
  let key = ref.path.replace(/^(docker\/)?library\//, '');
  if (!(key in PROFILES) && K8S_REGISTRIES.has(ref.registry)) {
    const last = key.slice(key.lastIndexOf('/') + 1).replace(/-(amd64|arm64|arm|ppc64le|s390x)$/, '');
    if (last === 'pause' || last === 'busybox') key = last;
  }
  if (!(key in PROFILES) && key.startsWith('distroless/')) key = 'distroless/static';
  const spec = PROFILES[key];
  if (!spec) return undefined;
  // `-alpine` variants of Debian-based images have busybox for a shell.
  const alpine = /alpine/.test(ref.tag ?? '') && spec.sh !== null;
  return { name: key, ...spec, ...(alpine ? { sh: 'ash' as const, bash: false } : {}) };
}

/** Utilities every image with a shell has (coreutils or busybox applets). */
const BASE = `[ awk base64 basename cat chmod chown cp cut date dd df dirname du echo env expr false find grep gunzip
gzip head hostname id kill ln ls md5sum mkdir mktemp mv nohup printenv printf pwd readlink realpath rm rmdir sed seq
sh sha256sum sleep sort stat sync tail tar tee test timeout touch tr true uname uniq wc which whoami xargs yes zcat`;
const EXTRA: Record<ShellFlavour, string> = {
  // busybox applets beyond coreutils
  ash: 'ash apk free httpd ifconfig killall nc netstat nslookup ping ps telnet top traceroute usleep vi watch wget',
  dash: 'dash apt apt-get dpkg',
  bash: 'rpm yum dnf microdnf',
};
const BASE_SET = new Set(BASE.split(/\s+/));
const EXTRA_SETS = Object.fromEntries(Object.entries(EXTRA).map(([k, v]) => [k, new Set(v.split(' '))])) as Record<ShellFlavour, Set<string>>;
const BIN_DIRS = /^\/(usr\/(local\/)?)?s?bin\//;

/**
 * Whether a known image ships the program `argv0` (a name looked up in
 * PATH, or a path). Paths under the container's volume mounts are the
 * caller's business: they may hold anything.
 */
export function hasProgram(profile: ImageProfile, argv0: string): boolean {
  if (profile.programs?.includes(argv0)) return true;
  let name = argv0;
  if (argv0.includes('/')) {
    if (!BIN_DIRS.test(argv0)) return false;
    name = argv0.slice(argv0.lastIndexOf('/') + 1);
    if (profile.programs?.includes(name)) return true;
  }
  if (profile.sh === null) return false;
  if (name === 'bash') return profile.bash;
  return BASE_SET.has(name) || EXTRA_SETS[profile.sh].has(name);
}
