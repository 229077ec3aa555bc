// Ingress isolation: default-deny NetworkPolicies for the services' namespace and the monitoring
// namespace with the allows the platform needs, and metrics-server's pods open to the API server
// only. The VPC CNI's network policy agent enforces them (eks-cluster.ts `enableNetworkPolicy`) and
// always admits the pod's own node, so kubelet probes need no rule. Egress stays open.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_SERVER_CHART, MONITORING_NAMESPACE, PROMETHEUS_ADAPTER_CHART } from "../catalog/charts";
import type { PlatformConfig } from "../config";
import { PROMETHEUS_POD_LABELS } from "./prometheus-stack";
import { selectorLabels } from "./service-scaling";

/** A NetworkPolicy as the program declares it. */
export interface PolicySpec {
    readonly name: string;
    readonly namespace: string;
    readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

const byName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
const tcp = (port: number) => ({ protocol: "TCP", port });
/** The API server's traffic: from the control plane's network interfaces in the cluster's subnets. */
const fromControlPlane = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
const denyAll = (namespace: string): PolicySpec => ({
    name: "default-deny-ingress",
    namespace,
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
});

/**
 * The ports the pods listen on, from the charts' templates at their pinned tags: the adapter's
 * `https` 6443 (prometheus-adapter-5.3.0 templates/deployment.yaml, `--secure-port`), the
 * operator's webhook `https` 10250 (kube-prometheus-stack-88.5.3 values.yaml
 * prometheusOperator.tls.internalPort), metrics-server's `https` 10250 (metrics-server-helm-chart-3.13.1
 * values.yaml containerPort), Prometheus's 9090.
 */
export const POD_PORTS = { adapter: 6443, operatorWebhook: 10250, metricsServer: 10250, prometheus: 9090 } as const;

/** Where the services' pods accept scrapes from: the installed Prometheus, or any pod for an external one (its labels are unknown). */
function scrapers(config: PlatformConfig) {
    return config.addons.prometheus.mode === "install"
        ? [
              {
                  namespaceSelector: byName(MONITORING_NAMESPACE),
                  podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } },
              },
          ]
        : [{ namespaceSelector: {}, podSelector: {} }];
}

/** The services' namespace: nothing from outside it but Prometheus on each service's metrics port. */
export function servicesPolicies(config: PlatformConfig): PolicySpec[] {
    const namespace = config.namespace.name;
    return [
        denyAll(namespace),
        {
            name: "allow-same-namespace",
            namespace,
            spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
        },
        ...Object.entries(config.services).map(([service, settings]) => ({
            name: `allow-metrics-${service}`,
            namespace,
            spec: {
                podSelector: { matchLabels: selectorLabels(service) },
                policyTypes: ["Ingress"],
                ingress: [{ from: scrapers(config), ports: [tcp(settings.metricsPort)] }],
            },
        })),
    ];
}

/**
 * The monitoring namespace: Prometheus scrapes every pod there; the adapter and Grafana query
 * Prometheus; the API server calls the adapter (custom.metrics.k8s.io) and the operator's
 * admission webhook.
 */
export function monitoringPolicies(config: PlatformConfig, controlPlaneCidrs: readonly string[]): PolicySpec[] {
    const namespace = MONITORING_NAMESPACE;
    const policies: PolicySpec[] = [denyAll(namespace)];
    const ingress = (
        name: string,
        podSelector: k8s.types.input.meta.v1.LabelSelector,
        rules: k8s.types.input.networking.v1.NetworkPolicyIngressRule[],
    ) => policies.push({ name, namespace, spec: { podSelector, policyTypes: ["Ingress"], ingress: rules } });
    if (config.addons.prometheus.mode === "install") {
        const prometheus = { podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } };
        ingress("allow-prometheus-scrapes", {}, [{ from: [prometheus] }]);
        const queriers = [
            ...(config.addons.prometheusAdapter.enabled
                ? [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus-adapter" } } }]
                : []),
            ...(config.addons.prometheus.grafana
                ? [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } }]
                : []),
        ];
        if (queriers.length > 0) {
            ingress("allow-prometheus-queries", { matchLabels: { ...PROMETHEUS_POD_LABELS } }, [
                { from: queriers, ports: [tcp(POD_PORTS.prometheus)] },
            ]);
        }
        ingress("allow-apiserver-operator-webhook", { matchLabels: { app: "kube-prometheus-stack-operator" } }, [
            { from: fromControlPlane(controlPlaneCidrs), ports: [tcp(POD_PORTS.operatorWebhook)] },
        ]);
    }
    if (config.addons.prometheusAdapter.enabled) {
        ingress(
            "allow-apiserver-adapter",
            {
                matchLabels: {
                    "app.kubernetes.io/name": "prometheus-adapter",
                    "app.kubernetes.io/instance": PROMETHEUS_ADAPTER_CHART.release,
                },
            },
            [{ from: fromControlPlane(controlPlaneCidrs), ports: [tcp(POD_PORTS.adapter)] }],
        );
    }
    return policies;
}

/** metrics-server's pods in kube-system: the API server only (metrics.k8s.io). */
export function metricsServerPolicies(config: PlatformConfig, controlPlaneCidrs: readonly string[]): PolicySpec[] {
    if (!config.addons.metricsServer.enabled) return [];
    return [
        {
            name: "metrics-server-from-apiserver",
            namespace: METRICS_SERVER_CHART.namespace,
            spec: {
                podSelector: {
                    matchLabels: {
                        "app.kubernetes.io/name": "metrics-server",
                        "app.kubernetes.io/instance": METRICS_SERVER_CHART.release,
                    },
                },
                policyTypes: ["Ingress"],
                ingress: [{ from: fromControlPlane(controlPlaneCidrs), ports: [tcp(POD_PORTS.metricsServer)] }],
            },
        },
    ];
}

export interface NetworkPoliciesArgs {
    readonly config: PlatformConfig;
    /** The CIDRs of the cluster's subnets, where EKS puts the control plane's network interfaces. */
    readonly controlPlaneCidrs: pulumi.Input<string[]>;
    readonly labels: Readonly<Record<string, string>>;
    /** The namespaces the policies go in, which must exist first. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export class NetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:NetworkPolicies", name, {}, opts);
        const cidrs = pulumi.output(args.controlPlaneCidrs);
        const declare = (policy: PolicySpec, spec: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicySpec>) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${policy.namespace}-${policy.name}`,
                {
                    metadata: { name: policy.name, namespace: policy.namespace, labels: { ...args.labels } },
                    spec,
                },
                { parent: this, dependsOn: [...(args.dependsOn ?? [])] },
            );
        for (const policy of servicesPolicies(args.config)) declare(policy, policy.spec);
        // The control plane's CIDRs are outputs; the policies' names and count are not.
        const withCidrs = (build: (cidrs: readonly string[]) => PolicySpec[]) =>
            build([]).forEach((policy, index) =>
                declare(
                    policy,
                    cidrs.apply((known) => build(known)[index].spec),
                ),
            );
        withCidrs((known) => monitoringPolicies(args.config, known));
        withCidrs((known) => metricsServerPolicies(args.config, known));
        this.registerOutputs({});
    }
}
