// Ingress isolation (issue 21): the VPC CNI enforces NetworkPolicies, and the policies the program
// declares admit exactly the platform's own traffic into the services' namespace, monitoring and
// metrics-server. Checked by evaluating the registered policies as Kubernetes does
// (k8s.io/api networking/v1 types.go NetworkPolicySpec: a pod selected by any policy admits what
// some rule of those policies admits; rules within one `from` are ORed; ports must match).
import { strict as assert } from "assert";
import { parseCidr } from "../../schema/platform";
import { MockRun } from "../../tools/mock-engine";
import { resource, runStack } from "../helpers/program";

type Labels = Record<string, string>;
interface Pod {
    readonly namespace: string;
    readonly labels: Labels;
    readonly ip?: string;
}
/** Who connects: a pod, or an address outside the pod network (the control plane's interfaces). */
type Source = Pod | { readonly ip: string };

const matches = (selector: any, labels: Labels) =>
    Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector?.matchExpressions ?? []).length === 0;

const inCidr = (ip: string, cidr: string) => {
    const block = parseCidr(cidr);
    const size = 2 ** (32 - block.prefix);
    return Math.floor(parseCidr(`${ip}/32`).address / size) * size === block.address;
};

function peerAdmits(peer: any, source: Source, policyNamespace: string): boolean {
    if (peer.ipBlock) {
        return source.ip !== undefined && !("namespace" in source) && inCidr(source.ip, peer.ipBlock.cidr);
    }
    if (!("namespace" in source)) return false;
    const namespaceOk = peer.namespaceSelector
        ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": source.namespace })
        : source.namespace === policyNamespace;
    return namespaceOk && (peer.podSelector ? matches(peer.podSelector, source.labels) : true);
}

/** Whether the policies admit `source` to `target` on TCP `port`. */
function admitted(policies: any[], source: Source, target: Pod, port: number): boolean {
    const selecting = policies.filter(
        (policy) => policy.metadata.namespace === target.namespace && matches(policy.spec.podSelector, target.labels),
    );
    if (selecting.length === 0) return true;
    return selecting.some((policy) =>
        (policy.spec.ingress ?? []).some(
            (rule: any) =>
                (rule.from === undefined ||
                    rule.from.some((peer: any) => peerAdmits(peer, source, policy.metadata.namespace))) &&
                (rule.ports === undefined ||
                    rule.ports.some((allowed: any) => allowed.port === port && (allowed.protocol ?? "TCP") === "TCP")),
        ),
    );
}

const policiesOf = (run: MockRun) =>
    run.registered.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs);

// The pods as the charts label them at their pinned tags (kube-prometheus-stack 88.5.3, prometheus-adapter 5.3.0, metrics-server 3.13.1).
const PROMETHEUS = {
    namespace: "monitoring",
    labels: {
        "app.kubernetes.io/name": "prometheus",
        "operator.prometheus.io/name": "kube-prometheus-stack-prometheus",
    },
};
const ADAPTER = {
    namespace: "monitoring",
    labels: { "app.kubernetes.io/name": "prometheus-adapter", "app.kubernetes.io/instance": "prometheus-adapter" },
};
const GRAFANA = {
    namespace: "monitoring",
    labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kube-prometheus-stack" },
};
const OPERATOR = {
    namespace: "monitoring",
    labels: { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" },
};
const KUBE_STATE_METRICS = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "kube-state-metrics" } };
const METRICS_SERVER = {
    namespace: "kube-system",
    labels: { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "metrics-server" },
};
const OTHER_TEAM = { namespace: "team-x", labels: { app: "scanner" } };

describe("network policy: ingress isolation (issue 21)", () => {
    let run: MockRun;
    let policies: any[];
    let apiServer: { ip: string };
    before(async () => {
        run = await runStack("production");
        policies = policiesOf(run);
        // An address in the first private subnet the program creates: where EKS puts a control-plane interface.
        const subnet = run.registered.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.name.includes("-private-"));
        assert.ok(subnet, "a private subnet");
        apiServer = { ip: subnet.inputs.cidrBlock.replace(/\.0\/\d+$/, ".37") };
    });

    it("the VPC CNI add-on enforces NetworkPolicies (pulumi-eks v4.3.0 `mergeConfigurationValues` sets enableNetworkPolicy)", () => {
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(cluster.inputs.vpcCniOptions.enableNetworkPolicy, true);
    });

    it("the services' namespace and monitoring deny ingress by default", () => {
        for (const namespace of ["berrys-production", "monitoring"]) {
            const deny = policies.find(
                (p) => p.metadata.namespace === namespace && p.metadata.name === "default-deny-ingress",
            );
            assert.ok(deny, namespace);
            assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress"] });
        }
    });

    it("Prometheus reaches each service's metrics port, and no other port; other namespaces reach nothing; the namespace's own pods still talk", () => {
        for (const service of ["agent-orchestrator", "model-orchestration", "api-gateway", "web-dashboard"]) {
            const pod = { namespace: "berrys-production", labels: { app: service } };
            assert.ok(admitted(policies, PROMETHEUS, pod, 8000), `${service}: Prometheus to :8000`);
            assert.ok(!admitted(policies, PROMETHEUS, pod, 8080), `${service}: Prometheus to :8080`);
            assert.ok(!admitted(policies, OTHER_TEAM, pod, 8000), `${service}: another namespace`);
            assert.ok(!admitted(policies, apiServer, pod, 8000), `${service}: an address of the VPC`);
            assert.ok(
                admitted(policies, { namespace: "berrys-production", labels: { app: "api-gateway" } }, pod, 8080),
                `${service}: a pod of the namespace`,
            );
        }
    });

    it("the adapter and Grafana query Prometheus; Prometheus scrapes monitoring's pods; nothing else gets in", () => {
        assert.ok(admitted(policies, ADAPTER, PROMETHEUS, 9090));
        assert.ok(admitted(policies, GRAFANA, PROMETHEUS, 9090));
        assert.ok(admitted(policies, PROMETHEUS, KUBE_STATE_METRICS, 8080));
        assert.ok(admitted(policies, PROMETHEUS, OPERATOR, 10250));
        assert.ok(!admitted(policies, OTHER_TEAM, PROMETHEUS, 9090));
        assert.ok(
            !admitted(policies, { namespace: "berrys-production", labels: { app: "api-gateway" } }, PROMETHEUS, 9090),
        );
        assert.ok(!admitted(policies, KUBE_STATE_METRICS, PROMETHEUS, 9090));
        assert.ok(!admitted(policies, OTHER_TEAM, GRAFANA, 3000));
    });

    it("the API server (an address in the cluster's subnets) reaches the adapter, metrics-server and the operator's webhook on their ports only", () => {
        assert.ok(admitted(policies, apiServer, ADAPTER, 6443));
        assert.ok(admitted(policies, apiServer, METRICS_SERVER, 10250));
        assert.ok(admitted(policies, apiServer, OPERATOR, 10250));
        assert.ok(!admitted(policies, apiServer, PROMETHEUS, 9090));
        assert.ok(!admitted(policies, apiServer, ADAPTER, 9090));
        assert.ok(!admitted(policies, { ip: "192.168.1.9" }, ADAPTER, 6443), "an address outside the subnets");
        // A pod selector never matches the control plane: the rules are ipBlocks.
        assert.ok(!admitted(policies, OTHER_TEAM, METRICS_SERVER, 10250));
    });

    it("each ipBlock is one of the private subnets' CIDRs", () => {
        const subnets = run.registered
            .filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.name.includes("-private-"))
            .map((r) => r.inputs.cidrBlock)
            .sort();
        assert.equal(subnets.length, 3);
        const blocks = new Set(
            policies.flatMap((p) =>
                (p.spec.ingress ?? []).flatMap((rule: any) =>
                    (rule.from ?? []).filter((peer: any) => peer.ipBlock).map((peer: any) => peer.ipBlock.cidr),
                ),
            ),
        );
        assert.deepEqual([...blocks].sort(), subnets);
    });

    it("a service's metricsPort from the config is the port opened", async () => {
        const custom = await runStack("staging", {
            transformations: [],
            configOverrides: {
                "berrys-platform:services": {
                    api: {
                        priority: "standard",
                        minReplicas: 2,
                        maxReplicas: 4,
                        metricsPort: 9102,
                        resources: {
                            requests: { cpu: "100m", memory: "128Mi" },
                            limits: { cpu: "200m", memory: "256Mi" },
                        },
                        metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
                    },
                },
            },
        });
        const pod = { namespace: "berrys-staging", labels: { app: "api" } };
        assert.ok(admitted(policiesOf(custom), PROMETHEUS, pod, 9102));
        assert.ok(!admitted(policiesOf(custom), PROMETHEUS, pod, 8000));
    });
});
