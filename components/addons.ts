// The scaling add-ons, wired together: Prometheus (installed or external), metrics-server,
// prometheus-adapter, cluster-autoscaler and the services' PodMonitors, each its own component.
// Also the pure views of them the rest of the program needs: the Helm releases as `render` prints
// them, and the add-on pods' requests the capacity model subtracts from the nodes.
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { KUBE_PROMETHEUS_STACK_CHART, MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../catalog/charts";
import type { PlatformConfig } from "../config";
import { ClusterAutoscaler, ClusterAutoscalerInput, clusterAutoscalerRelease } from "./cluster-autoscaler";
import { MetricsServer, metricsServerRelease } from "./metrics-server";
import { customMetrics, PrometheusAdapter, prometheusAdapterRelease } from "./prometheus-adapter";
import { ReleaseSpec } from "./helm-release";
import { kubePrometheusStackRelease, MonitoringTarget, monitoringTarget, PrometheusStack } from "./prometheus-stack";
import { eksAddonVersion } from "./kubernetes-version";
import { MonitoringNamespaces } from "./monitoring-namespaces";
import { ServiceMonitors } from "./service-monitors";

/** cluster-autoscaler's input from the stack's config and the Prometheus that scrapes it. */
export function clusterAutoscalerInput(config: PlatformConfig, target: MonitoringTarget): ClusterAutoscalerInput {
    return {
        settings: config.addons.clusterAutoscaler,
        clusterName: config.cluster.name,
        region: config.region,
        kubernetesVersion: config.cluster.version,
        serviceMonitorLabels: target.objectsEnabled ? target.podMonitorLabels : undefined,
        serviceMonitorNamespace: MONITORING_NAMESPACE,
    };
}

/**
 * Every namespace the program or its charts put a ServiceMonitor, PodMonitor or PrometheusRule in:
 * the installed Prometheus reads monitors and rules from these only. kube-prometheus-stack's own
 * monitors and rules (its subcharts' included) and the scaling PrometheusRule go to the monitoring
 * namespace (the chart's `kube-prometheus-stack.namespace`), node-exporter's ServiceMonitor to its own
 * namespace, the services' PodMonitors next to their pods, and cluster-autoscaler's ServiceMonitor
 * where its input says.
 */
export function monitoredNamespaces(config: PlatformConfig): string[] {
    const target = monitoringTarget(config.addons.prometheus);
    return [
        ...new Set([
            KUBE_PROMETHEUS_STACK_CHART.namespace,
            ...(config.addons.prometheus.mode === "install" ? [NODE_EXPORTER_NAMESPACE] : []),
            config.namespace.name,
            clusterAutoscalerInput(config, target).serviceMonitorNamespace,
        ]),
    ].sort();
}

/** Every Helm release the stack installs, in install order, as the components install them. */
export function releaseSpecs(config: PlatformConfig): ReleaseSpec[] {
    const addons = config.addons;
    const target = monitoringTarget(addons.prometheus);
    const specs: ReleaseSpec[] = [];
    if (addons.prometheus.mode === "install") {
        specs.push(kubePrometheusStackRelease(addons.prometheus, monitoredNamespaces(config)));
    }
    if (addons.metricsServer.enabled) {
        specs.push(metricsServerRelease(addons.metricsServer));
    }
    if (addons.prometheusAdapter.enabled) {
        specs.push(prometheusAdapterRelease({ settings: addons.prometheusAdapter, prometheus: target.endpoint }));
    }
    if (addons.clusterAutoscaler.enabled) {
        specs.push(clusterAutoscalerRelease(clusterAutoscalerInput(config, target)));
    }
    return specs;
}

/** The releases as YAML documents (chart, version, namespace and the full values), for `render`. */
export function renderReleases(config: PlatformConfig): string {
    return releaseSpecs(config)
        .map((spec) =>
            YAML.stringify(
                {
                    release: spec.name,
                    chart: spec.chart,
                    repository: spec.repo,
                    version: spec.version,
                    namespace: spec.namespace,
                    values: spec.values,
                },
                { lineWidth: 0 },
            ),
        )
        .join("---\n");
}

export interface ScalingAddonsArgs {
    /** The stack's parsed config: `addons`, plus the cluster, region and services they serve. */
    readonly config: PlatformConfig;
    /** The EKS cluster's name as an output (Pod Identity associations and EKS add-ons wait for the cluster). */
    readonly clusterName: pulumi.Input<string>;
    /** The services' namespace, where their PodMonitors go. */
    readonly servicesNamespace: pulumi.Input<string>;
    /** Labels on every Kubernetes object the platform owns. */
    readonly labels: Readonly<Record<string, string>>;
    readonly tags: Readonly<Record<string, string>>;
    /**
     * The node groups: every add-on's pods need nodes, so each child waits for them (a component's
     * own `dependsOn` does not reach its children).
     */
    readonly nodeGroups: readonly pulumi.Resource[];
    /** The PriorityClasses: Prometheus, its operator and kube-state-metrics name berrys-monitoring. */
    readonly priorityClasses: pulumi.Resource;
    /** The cluster's kubeconfig (secret), for the provider that adopts a live monitoring namespace. */
    readonly kubeconfig: pulumi.Input<string>;
}

/** The scaling add-ons; Kubernetes children use the provider given in the options. */
export class ScalingAddons extends pulumi.ComponentResource {
    /** Namespace of Prometheus, the adapter and the scaling PrometheusRule. */
    public readonly monitoringNamespace: string = MONITORING_NAMESPACE;
    /** Labels a PrometheusRule needs for the Prometheus to load it ({} for the installed one). */
    public readonly ruleLabels: Readonly<Record<string, string>>;
    /** Labels a PodMonitor/ServiceMonitor needs for the Prometheus to select it. */
    public readonly podMonitorLabels: Readonly<Record<string, string>>;
    /** Whether PodMonitors, ServiceMonitors and PrometheusRules may be created (a prometheus-operator runs). */
    public readonly monitoringObjectsEnabled: boolean;
    /**
     * What monitoring objects wait for: the kube-prometheus-stack release (its CRDs); in external
     * mode the prometheus-adapter release, else the monitoring namespace.
     */
    public readonly crdsReady: pulumi.Resource;
    /** The Prometheus URL, with port. */
    public readonly prometheusUrl: string;
    /** The custom metrics the adapter serves. */
    public readonly customMetrics: string[];
    /** cluster-autoscaler's IAM role, or null when it is disabled. */
    public readonly clusterAutoscalerRoleArn: pulumi.Output<string | null>;
    public readonly prometheus: PrometheusStack;
    public readonly metricsServer?: MetricsServer;
    public readonly prometheusAdapter?: PrometheusAdapter;
    public readonly clusterAutoscaler?: ClusterAutoscaler;
    public readonly serviceMonitors?: ServiceMonitors;
    /** The monitoring namespace (and node-exporter's), owned by the program. */
    public readonly namespaces: MonitoringNamespaces;

    constructor(name: string, args: ScalingAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:ScalingAddons", name, {}, opts);
        const addons = args.config.addons;
        this.namespaces = new MonitoringNamespaces(
            `${name}-namespaces`,
            { kubeconfig: args.kubeconfig, nodeExporter: addons.prometheus.mode === "install", labels: args.labels },
            { parent: this },
        );
        this.prometheus = this.createPrometheus(name, args);
        const target = this.prometheus.target;
        if (addons.metricsServer.enabled) {
            this.metricsServer = new MetricsServer(
                `${name}-metrics-server`,
                { settings: addons.metricsServer, dependsOn: [...args.nodeGroups] },
                { parent: this },
            );
        }
        if (addons.prometheusAdapter.enabled) {
            this.prometheusAdapter = this.createPrometheusAdapter(name, args);
        }
        this.crdsReady = this.prometheus.release ?? this.prometheusAdapter?.release ?? this.namespaces.monitoring;
        if (addons.clusterAutoscaler.enabled) {
            this.clusterAutoscaler = this.createClusterAutoscaler(name, args);
        }
        if (target.objectsEnabled) {
            this.serviceMonitors = new ServiceMonitors(
                `${name}-pod-monitors`,
                {
                    services: args.config.services,
                    namespace: args.servicesNamespace,
                    labels: { ...args.labels, ...target.podMonitorLabels },
                    dependsOn: [this.crdsReady],
                },
                { parent: this },
            );
        }

        this.ruleLabels = target.ruleLabels;
        this.podMonitorLabels = target.podMonitorLabels;
        this.monitoringObjectsEnabled = target.objectsEnabled;
        this.prometheusUrl = target.url;
        this.customMetrics = customMetrics(args.config);
        this.clusterAutoscalerRoleArn = this.clusterAutoscaler
            ? this.clusterAutoscaler.roleArn
            : pulumi.output<string | null>(null);
        this.registerOutputs({
            prometheusUrl: this.prometheusUrl,
            customMetrics: this.customMetrics,
            clusterAutoscalerRoleArn: this.clusterAutoscalerRoleArn,
        });
    }

    private createPrometheus(name: string, args: ScalingAddonsArgs): PrometheusStack {
        const config = args.config;
        return new PrometheusStack(
            `${name}-prometheus`,
            {
                prometheus: config.addons.prometheus,
                clusterName: args.clusterName,
                clusterNameValue: config.cluster.name,
                podIdentitySourceArnCondition: config.cluster.podIdentitySourceArnCondition,
                labels: args.labels,
                tags: args.tags,
                ebsCsiDriverVersion: eksAddonVersion(config.cluster.version, "aws-ebs-csi-driver"),
                monitoredNamespaces: monitoredNamespaces(config),
                dependsOn: [...args.nodeGroups, args.priorityClasses, this.namespaces],
            },
            { parent: this },
        );
    }

    private createPrometheusAdapter(name: string, args: ScalingAddonsArgs): PrometheusAdapter {
        const release = this.prometheus.release;
        return new PrometheusAdapter(
            `${name}-prometheus-adapter`,
            {
                settings: args.config.addons.prometheusAdapter,
                prometheus: this.prometheus.target.endpoint,
                dependsOn: [...args.nodeGroups, this.namespaces, ...(release ? [release] : [])],
            },
            { parent: this },
        );
    }

    private createClusterAutoscaler(name: string, args: ScalingAddonsArgs): ClusterAutoscaler {
        const target = this.prometheus.target;
        return new ClusterAutoscaler(
            `${name}-cluster-autoscaler`,
            {
                ...clusterAutoscalerInput(args.config, target),
                clusterNameOutput: args.clusterName,
                podIdentitySourceArnCondition: args.config.cluster.podIdentitySourceArnCondition,
                tags: args.tags,
                // Its ServiceMonitor needs the CRDs and the monitoring namespace.
                dependsOn: [...args.nodeGroups, ...(target.objectsEnabled ? [this.crdsReady] : [])],
            },
            { parent: this },
        );
    }
}
