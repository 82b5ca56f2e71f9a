import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@tracker/config';
import { fanoutTopics } from '../apps/tracker/src/fanout/fanout-topics';

/**
 * The production topology in deploy/ against the service itself: the tracker's manifests set only
 * variables it accepts (libs/config/src/config.ts) and load as a valid configuration, and
 * the Kafka topics are exactly the ones the service uses, with the settings docs/kafka.md requires
 * (apps/tracker/src/fanout/fanout-topics.ts). Nothing here is applied to a cluster.
 */

type Manifest = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const k8sDir = join(__dirname, 'k8s');
const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'));
const manifestFiles = files.filter((f) => f !== 'kustomization.yaml');

const parseFile = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
const manifests = manifestFiles.flatMap(parseFile);
const compose = parse(readFileSync(join(__dirname, 'compose/compose.yaml'), 'utf8'));

const ofKind = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string): Manifest => {
  const found = ofKind(kind).find((m) => m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
};

const tracker = named('Deployment', 'comms-tracker');
const trackerContainer = tracker.spec.template.spec.containers.find(
  (c: Manifest) => c.name === 'tracker',
);

/** Everything the tracker container's environment holds: its env, and its ConfigMaps' and Secrets' keys. */
const trackerEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const from of trackerContainer.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, named('ConfigMap', from.configMapRef.name).data);
    if (from.secretRef) {
      const secret = named('Secret', from.secretRef.name);
      Object.assign(env, secret.stringData, secret.data);
    }
  }
  for (const { name, value } of trackerContainer.env ?? []) env[name] = value ?? '';
  return env;
};

const accepted = new Set<string>(CONFIG_VARIABLES);
const unknownVariables = (env: Record<string, unknown>) =>
  Object.keys(env).filter((name) => !accepted.has(name));

describe('deploy/k8s', () => {
  it('parses, names a namespace for everything, and is listed whole in the kustomization', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      expect(m).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String) });
      if (m.kind !== 'Namespace') expect(m.metadata.namespace).toBe('comms-tracker');
    }
    const [kustomization] = parseFile('kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual([...manifestFiles].sort());
  });

  it('sets only variables the tracker accepts, and they load as a valid configuration', () => {
    const env = trackerEnv();
    expect(unknownVariables(env)).toEqual([]);
    const config = loadConfig(env);
    expect(config.store.kind).toBe('esdb');
    expect(config.auth.mode).toBe('jwt');
    expect(config.kafka).toBeDefined();
    expect(env.NODE_ENV).toBe('production');
  });

  it('runs the tracker as several replicas with probes, resource requests, config and secrets', () => {
    expect(tracker.spec.replicas).toBeGreaterThanOrEqual(2);
    const httpPort = Number(trackerEnv().HTTP_PORT);
    const port = trackerContainer.ports.find((p: Manifest) => p.name === 'http');
    expect(port.containerPort).toBe(httpPort);
    expect(trackerContainer.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(trackerContainer.readinessProbe.httpGet).toEqual({
      path: '/health/ready',
      port: 'http',
    });
    expect(trackerContainer.resources.requests).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(trackerContainer.envFrom).toEqual([
      { configMapRef: { name: 'comms-tracker-config' } },
      { secretRef: { name: 'comms-tracker-secrets' } },
    ]);
    // the secrets are in the Secret, not the ConfigMap
    const configMap = named('ConfigMap', 'comms-tracker-config').data;
    for (const secret of ['ESDB_CONNECTION_STRING', 'API_KEYS', 'RECORDING_TOKEN_KEY']) {
      expect(configMap).not.toHaveProperty(secret);
    }
  });

  it('declares exactly the topics the service uses, with the contract settings', () => {
    const kafka = loadConfig(trackerEnv()).kafka!;
    const needed = fanoutTopics(kafka);
    const specs = [...needed.published, needed.progress, needed.coordination];
    const [cluster] = ofKind('Kafka');
    const declared = ofKind('KafkaTopic');
    expect(declared.map((t) => t.spec.topicName).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const spec of specs) {
      const topic = declared.find((t) => t.spec.topicName === spec.name);
      expect({ name: spec.name, ...topic.spec }).toEqual({
        name: spec.name,
        topicName: spec.name,
        partitions: spec.partitions,
        replicas: 3,
        config: {
          'cleanup.policy': spec.compacted ? 'compact' : 'delete',
          'min.insync.replicas': 2,
        },
      });
      expect(topic.metadata.labels['strimzi.io/cluster']).toBe(cluster.metadata.name);
    }
    // the docs/kafka.md contract: state topics compacted, the event feed not
    expect(needed.published.map((t) => [t.name, t.compacted])).toEqual([
      ['comms.call-state.v1', true],
      ['comms.operation-state.v1', true],
      ['comms.call-events.v1', false],
    ]);
  });

  it('runs Kafka in KRaft mode, replicated for transactions, where the tracker looks for it', () => {
    const [cluster] = ofKind('Kafka');
    expect(cluster.metadata.annotations).toMatchObject({
      'strimzi.io/kraft': 'enabled',
      'strimzi.io/node-pools': 'enabled',
    });
    const [pool] = ofKind('KafkaNodePool');
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe(cluster.metadata.name);
    expect(pool.spec.replicas).toBe(3);
    expect(cluster.spec.kafka.config).toMatchObject({
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
    });
    const plain = cluster.spec.kafka.listeners.find((l: Manifest) => !l.tls);
    expect(loadConfig(trackerEnv()).kafka!.brokers).toEqual([
      `${cluster.metadata.name}-kafka-bootstrap.comms-tracker.svc:${plain.port}`,
    ]);
  });

  it('runs a 3-node EventStoreDB cluster discovered through its headless Service', () => {
    const nodes = named('StatefulSet', 'eventstoredb');
    const env = Object.fromEntries(
      nodes.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]),
    );
    expect(nodes.spec.replicas).toBe(3);
    expect(env.EVENTSTORE_CLUSTER_SIZE).toBe(String(nodes.spec.replicas));
    const service = named('Service', nodes.spec.serviceName);
    expect(service.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    const serviceDns = `${service.metadata.name}.comms-tracker.svc`;
    expect(env).toMatchObject({
      EVENTSTORE_DISCOVER_VIA_DNS: 'true',
      EVENTSTORE_CLUSTER_DNS: `${serviceDns}.cluster.local`,
      EVENTSTORE_NODE_HOST_ADVERTISE_AS: `$(POD_NAME).${serviceDns}.cluster.local`,
      EVENTSTORE_REPLICATION_HOST_ADVERTISE_AS: `$(POD_NAME).${serviceDns}.cluster.local`,
    });
    expect(env).not.toHaveProperty('EVENTSTORE_INSECURE');
    // the tracker discovers the cluster through the same Service, over TLS
    const { store } = loadConfig(trackerEnv());
    expect(store.kind === 'esdb' && store.connectionString).toMatch(
      new RegExp(`^esdb\\+discover://[^@]+@${serviceDns.replace(/\./g, '\\.')}:2113\\?tls=true`),
    );
  });
});

describe('deploy/compose', () => {
  it('sets only variables the tracker accepts, and they load as a valid configuration', () => {
    const env = compose.services.tracker.environment;
    expect(unknownVariables(env)).toEqual([]);
    const config = loadConfig(env);
    expect(config.store.kind).toBe('esdb');
    expect(config.kafka?.brokers).toEqual(['kafka:9092']);
    expect(Object.keys(compose.services).sort()).toEqual(['eventstoredb', 'kafka', 'tracker']);
  });
});
