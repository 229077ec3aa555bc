// What the scaling rules and dashboard are built from: plain values, taken from the parsed stack
// config by `observabilityInput`, so the builders stay pure and the tests need no Pulumi.
import type { MetricConfig, PlatformConfig } from "../../config";
import type { AdapterRuleConfig } from "../../schema/addons";
import type { MonitoringConfig } from "../../schema/monitoring";

/** Where an add-on's Deployment runs, for the "unavailable" alerts. */
export interface WorkloadRef {
    readonly namespace: string;
    readonly deployment: string;
}

/** A service as the rules and dashboard see it: its HPA bounds and what it scales on. */
export interface ObservedService {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly metrics: readonly MetricConfig[];
    /** The service's connection pool per pod, when it has a database. */
    readonly database?: { readonly poolSize: number; readonly maxOverflow: number };
}

export interface ScalingObservabilityInput {
    /** The namespace of the services and their HPAs (`<service>-hpa`) and ResourceQuota. */
    readonly namespace: string;
    /** Cluster name: the `cluster` label on every alert, so one Alertmanager can serve several stacks. */
    readonly clusterName: string;
    /** Services by name. */
    readonly services: Readonly<Record<string, ObservedService>>;
    /** Node groups by name, with their maxSize. */
    readonly nodeGroups: Readonly<Record<string, { readonly maxSize: number }>>;
    /** The ResourceQuota keys set on the namespace (requests.cpu, pods, ...). */
    readonly quotaKeys: readonly string[];
    /** Thresholds and switches (`addons.monitoring`). */
    readonly monitoring: MonitoringConfig;
    /**
     * The prometheus-adapter's rules (`addons.prometheusAdapter.rules`): which counter, over which
     * rate window, each custom metric the HPAs read comes from. Empty when the adapter is disabled.
     */
    readonly adapterRules: readonly AdapterRuleConfig[];
    /** The add-ons' Deployments; default {@link DEFAULT_ADDON_WORKLOADS}. */
    readonly addonWorkloads?: {
        readonly metricsServer?: WorkloadRef;
        readonly prometheusAdapter?: WorkloadRef;
    };
}

/** Where the add-ons install their Deployments unless told otherwise (Helm release names = chart names). */
export const DEFAULT_ADDON_WORKLOADS: Readonly<{ metricsServer: WorkloadRef; prometheusAdapter: WorkloadRef }> = {
    metricsServer: { namespace: "kube-system", deployment: "metrics-server" },
    prometheusAdapter: { namespace: "monitoring", deployment: "prometheus-adapter" },
};

/** The HPA name the services' component gives each service (the seed's `<service>-hpa`). */
export { hpaName } from "../service-scaling";

/** Builds the builders' input from the stack's parsed config and its `addons.monitoring` block. */
export function observabilityInput(
    config: Pick<PlatformConfig, "namespace" | "services" | "nodeGroups" | "cluster" | "addons">,
    monitoring: MonitoringConfig,
    extra: Pick<ScalingObservabilityInput, "addonWorkloads"> = {},
): ScalingObservabilityInput {
    return {
        namespace: config.namespace.name,
        clusterName: config.cluster.name,
        services: config.services,
        nodeGroups: config.nodeGroups,
        quotaKeys: Object.keys(config.namespace.quota),
        monitoring,
        adapterRules: config.addons.prometheusAdapter.enabled ? config.addons.prometheusAdapter.rules : [],
        ...extra,
    };
}
