// Bad stack configurations, one mistake each, built from a valid base: the corpus the message
// tests (tests/config/messages.test.ts) run every check over. Each family of issue 22 adds its own.
import { strict as assert } from "assert";
import type { StackContext } from "../../config";
import { checkConfig } from "../../preflight";
import { fixtureStack } from "./stacks";

export type RawConfig = Record<string, any>;

/** The base every bad configuration starts from: the seed's production values, with its context. */
export function baseStack(): { raw: RawConfig; context: StackContext } {
    const file = fixtureStack("production");
    return { raw: structuredClone(file.projectConfig) as RawConfig, context: file.context };
}

/** The base with `change` applied. */
export function rawWith(change: (raw: RawConfig) => void): RawConfig {
    const { raw } = baseStack();
    change(raw);
    return raw;
}

/** A fresh copy of the base's project config, for a test to break one key of. */
export const productionRaw = (): RawConfig => baseStack().raw;

/** checkConfig's errors for `raw` in the base's stack (in `region` when given); fails the test if it passes. */
export function errorsOf(raw: RawConfig, region?: string): string[] {
    const { context } = baseStack();
    const result = checkConfig(raw, { ...context, region: region ?? context.region });
    assert.equal(result.ok, false, "expected the config to be rejected");
    return result.ok ? [] : result.errors;
}

/** The first line of each error checkConfig gives the base with `change` applied (in `region` when given): the line that names the key and the rule. */
export function errorLines(change: (raw: RawConfig) => void, region?: string): string[] {
    const { raw, context } = baseStack();
    change(raw);
    const result = checkConfig(raw, { ...context, region: region ?? context.region });
    return result.ok ? [] : result.errors.map((error) => error.split("\n")[0]);
}

/** Asserts exactly one message names `key` (in the project's namespace), and that it says `rule`. */
export function assertRejected(errors: readonly string[], key: string, rule: RegExp): void {
    const matching = errors.filter((error) => error.startsWith(`berrys-platform:${key} `));
    assert.equal(matching.length, 1, `expected one message for ${key}, got:\n${errors.join("\n")}`);
    assert.match(matching[0], rule);
}

/** A named mistake: what a platform engineer might write. */
export interface BadConfig {
    readonly name: string;
    readonly change: (raw: RawConfig) => void;
    /** The region the stack runs in, when not the base's. */
    readonly region?: string;
}

const service = (raw: RawConfig, name = "api-gateway") => raw.services[name];
const group = (raw: RawConfig) => raw.nodeGroups["default-node-group"];

/** One mistake per entry, across every key the program reads. */
export const BAD_CONFIGS: readonly BadConfig[] = [
    {
        name: "unknown top-level key",
        change: (raw) => {
            raw.servics = {};
        },
    },
    {
        name: "unknown service key",
        change: (raw) => {
            service(raw).maxReplica = 3;
        },
    },
    {
        name: "service name not a DNS label",
        change: (raw) => {
            raw.services.Api_Gateway = service(raw);
        },
    },
    {
        name: "min above max replicas",
        change: (raw) => {
            service(raw).minReplicas = 9;
        },
    },
    {
        name: "request above limit",
        change: (raw) => {
            service(raw).resources.requests.cpu = "2";
        },
    },
    {
        name: "quantity typo",
        change: (raw) => {
            service(raw).resources.requests.memory = "256MB";
        },
    },
    {
        name: "metric without target",
        change: (raw) => {
            service(raw).metrics[0] = { type: "Resource", name: "cpu" };
        },
    },
    {
        name: "metric no adapter serves",
        change: (raw) => {
            service(raw).metrics[2].name = "http_request_per_second";
        },
    },
    {
        name: "PDB that blocks drains",
        change: (raw) => {
            service(raw).pdb = { minAvailable: 2 };
        },
    },
    {
        name: "PDB above min replicas",
        change: (raw) => {
            service(raw).pdb = { minAvailable: "100%" };
        },
    },
    {
        name: "both PDB fields",
        change: (raw) => {
            service(raw).pdb = { minAvailable: 1, maxUnavailable: 1 };
        },
    },
    {
        name: "behavior period too long",
        change: (raw) => {
            service(raw).behavior.scaleUp.policies[0].periodSeconds = 3600;
        },
    },
    {
        name: "zero utilization request",
        change: (raw) => {
            service(raw).resources = { requests: { cpu: "0", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } };
        },
    },
    {
        name: "quota below min replicas",
        change: (raw) => {
            raw.namespace.quota["requests.cpu"] = "2";
        },
    },
    {
        name: "quota pods below min",
        change: (raw) => {
            raw.namespace.quota.pods = "5";
        },
    },
    {
        name: "nodes too small at min",
        change: (raw) => {
            group(raw).instanceTypes = ["t3.small"];
        },
    },
    {
        name: "unknown instance type",
        change: (raw) => {
            group(raw).instanceTypes = ["m9z.xlarge"];
        },
    },
    {
        name: "Graviton type on x86 AMI",
        change: (raw) => {
            group(raw).instanceTypes = ["m7g.xlarge"];
        },
    },
    {
        name: "node group min above max",
        change: (raw) => {
            group(raw).minSize = 12;
        },
    },
    {
        name: "node group key too long",
        change: (raw) => {
            raw.nodeGroups["a-very-long-node-group-name-for-general-purpose"] = group(raw);
            delete raw.nodeGroups["default-node-group"];
        },
    },
    {
        name: "connections at min",
        change: (raw) => {
            raw.guardrails.database.maxConnections = 100;
        },
    },
    {
        name: "connections at max",
        change: (raw) => {
            raw.guardrails.database.maxConnections = 700;
        },
    },
    {
        name: "reserved connections",
        change: (raw) => {
            raw.guardrails.database.reservedConnections = 5000;
        },
    },
    {
        name: "access lists wider than a /8",
        change: (raw) => {
            raw.cluster.publicAccessCidrs = ["10.0.0.0/7"];
        },
    },
    {
        name: "public endpoint open to the internet",
        change: (raw) => {
            raw.cluster.publicAccessCidrs = ["0.0.0.0/0"];
        },
    },
    {
        name: "private endpoint in a created VPC",
        change: (raw) => {
            raw.cluster.publicAccessCidrs = [];
        },
    },
    {
        name: "private endpoint nobody reaches",
        change: (raw) => {
            raw.cluster.publicAccessCidrs = [];
            raw.network = {
                mode: "existing",
                vpcId: "vpc-0123456789abcdef0",
                privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            };
        },
    },
    {
        name: "CIDR host bits",
        change: (raw) => {
            raw.network.cidrBlock = "10.40.1.0/16";
        },
    },
    {
        name: "VPC too small",
        change: (raw) => {
            raw.network.cidrBlock = "10.40.0.0/24";
        },
    },
    {
        name: "zone count and ids disagree",
        change: (raw) => {
            raw.network.availabilityZoneIds = ["use1-az1", "use1-az2"];
        },
    },
    {
        name: "zone EKS refuses",
        change: (raw) => {
            raw.network.availabilityZoneIds = ["use1-az3", "use1-az1", "use1-az2"];
        },
    },
    {
        name: "unsupported Kubernetes minor",
        change: (raw) => {
            raw.cluster.version = "1.20";
        },
    },
    {
        name: "minor without add-on versions",
        change: (raw) => {
            raw.cluster.version = "1.99";
        },
    },
    {
        name: "version as a number",
        change: (raw) => {
            raw.cluster.version = 1.3;
        },
    },
    {
        name: "log retention",
        change: (raw) => {
            raw.cluster.logRetentionDays = 100;
        },
    },
    {
        name: "admin role not an ARN",
        change: (raw) => {
            raw.cluster.adminRoleArns = ["admin"];
        },
    },
    {
        name: "cluster-autoscaler tag of another minor",
        change: (raw) => {
            raw.addons = { clusterAutoscaler: { imageTag: "v1.30.0" } };
        },
    },
    {
        name: "expander priority",
        change: (raw) => {
            raw.addons = { clusterAutoscaler: { expander: "priority" } };
        },
    },
    {
        name: "one Prometheus",
        change: (raw) => {
            raw.addons = { prometheus: { mode: "install", replicas: 1 } };
        },
    },
    {
        name: "more Prometheus than nodes",
        change: (raw) => {
            raw.addons = { prometheus: { mode: "install", replicas: 4 } };
        },
    },
    {
        name: "adapter serves a metric twice",
        change: (raw) => {
            raw.addons = {
                prometheusAdapter: {
                    rules: [
                        { series: "a_total", metric: "m" },
                        { series: "b_total", metric: "m" },
                        { series: "model_requests_total", metric: "model_requests_per_second" },
                        { series: "http_requests_total", metric: "http_requests_per_second" },
                    ],
                },
            };
        },
    },
    {
        name: "adapter off with Pods metrics",
        change: (raw) => {
            raw.addons = { prometheusAdapter: { enabled: false } };
        },
    },
    {
        name: "runbook URL with anchor",
        change: (raw) => {
            raw.addons = { monitoring: { runbookBaseUrl: "https://example.com/README.md#runbooks" } };
        },
    },
    {
        name: "Deny with Warn",
        change: (raw) => {
            raw.namespace.admission.validationActions = ["Deny", "Warn"];
        },
    },
    {
        name: "quota key typo",
        change: (raw) => {
            raw.namespace.quota["limit.cpu"] = "10";
        },
    },
    {
        name: "simulation of an unknown service",
        change: (raw) => {
            raw.simulation = { services: { "api-gatway": { capacityPerPod: 10 } } };
        },
    },
    {
        name: "simulation CPU model flat",
        change: (raw) => {
            raw.simulation = { services: { "api-gateway": { baseCpuUtilization: 80, cpuUtilizationAtCapacity: 50 } } };
        },
    },
    {
        name: "tuning of an unknown node group",
        change: (raw) => {
            raw.simulation = { tuning: { nodeGroups: { other: { instanceTypes: ["m9z.large"] } } } };
        },
    },
    {
        name: "utilization above 100",
        change: (raw) => {
            service(raw).metrics[0].averageUtilization = 150;
        },
    },
    {
        name: "warnings as errors",
        change: (raw) => {
            raw.guardrails.warningsAsErrors = true;
        },
    },
    {
        name: "surge above the quota at max",
        change: (raw) => {
            raw.namespace.quota.pods = "60";
        },
    },
    { name: "no region", change: () => undefined, region: "" },
    // Family 1: HPAs that can never scale.
    {
        name: "utilization past the limit",
        change: (raw) => {
            service(raw).metrics[0].averageUtilization = 195;
        },
    },
    {
        name: "average value past the limit",
        change: (raw) => {
            service(raw).metrics[0] = { type: "Resource", name: "cpu", averageValue: "2" };
        },
    },
    {
        name: "both directions disabled",
        change: (raw) => {
            service(raw).behavior = { scaleUp: { selectPolicy: "Disabled" }, scaleDown: { selectPolicy: "Disabled" } };
        },
    },
    {
        name: "memory in milli-units",
        change: (raw) => {
            service(raw).resources.requests.memory = "800m";
        },
    },
    // Family 2: Kubernetes API validation.
    {
        name: "zero metric target",
        change: (raw) => {
            service(raw).metrics[2].averageValue = "0";
        },
    },
    {
        name: "PDB above 100 %",
        change: (raw) => {
            service(raw).pdb = { maxUnavailable: "120%" };
        },
    },
    {
        name: "service account name",
        change: (raw) => {
            raw.addons = { clusterAutoscaler: { serviceAccountName: "Cluster_Autoscaler" } };
        },
    },
    {
        name: "look-alike hyphen in a label",
        change: (raw) => {
            group(raw).labels = { "team\u2010name": "a" };
        },
    },
    // Family 3: EKS, EC2 and IAM rules.
    {
        name: "reserved node label prefix",
        change: (raw) => {
            group(raw).labels = { "node-role.kubernetes.io/worker": "true" };
        },
    },
    {
        name: "empty node label value",
        change: (raw) => {
            group(raw).labels = { role: "" };
        },
    },
    {
        name: "admin role twice",
        change: (raw) => {
            raw.cluster.adminRoleArns = ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"];
        },
    },
    { name: "GovCloud region", change: () => undefined, region: "us-gov-west-1" },
    // Families 4 and 5: capacity never reached, the scaling path emptied.
    {
        name: "quota with no room above min",
        change: (raw) => {
            raw.namespace.quota.pods = "10";
        },
    },
    {
        name: "subnets too small",
        change: (raw) => {
            raw.network.cidrBlock = "10.40.0.0/22";
            group(raw).maxSize = 400;
        },
    },
    {
        name: "no node at creation",
        change: (raw) => {
            Object.assign(group(raw), { minSize: 0, desiredSize: 0 });
        },
    },
    {
        name: "Prometheus larger than any node",
        change: (raw) => {
            raw.addons = {
                prometheus: {
                    mode: "install",
                    resources: { requests: { cpu: "500m", memory: "20Gi" }, limits: { memory: "24Gi" } },
                },
            };
        },
    },
    {
        name: "metrics-server off",
        change: (raw) => {
            raw.addons = { metricsServer: { enabled: false } };
        },
    },
    {
        name: "adapter window of one scrape",
        change: (raw) => {
            raw.addons = {
                prometheusAdapter: {
                    rules: [
                        { series: "model_requests_total", metric: "model_requests_per_second", window: "30s" },
                        { series: "http_requests_total", metric: "http_requests_per_second" },
                    ],
                },
            };
        },
    },
    {
        name: "external Prometheus on localhost",
        change: (raw) => {
            raw.addons = { prometheus: { mode: "external", url: "http://localhost:9090" } };
        },
    },
    {
        name: "services in kube-system",
        change: (raw) => {
            raw.namespace.name = "kube-system";
        },
    },
    {
        name: "cluster-autoscaler newer than the cluster",
        change: (raw) => {
            raw.addons = { clusterAutoscaler: { imageTag: "v1.36.0" } };
        },
    },
    {
        name: "thrashing alert that cannot fire",
        change: (raw) => {
            raw.addons = { monitoring: { thrashing: { directionChanges: 4, window: "2m" } } };
        },
    },
    {
        name: "selector label not a PromQL name",
        change: (raw) => {
            service(raw).metrics[2].selector = { "app.kubernetes.io/name": "api" };
        },
    },
];
