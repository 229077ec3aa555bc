// The namespaces the monitoring add-ons run in, owned by the program: `monitoring` under Pod
// Security `baseline` (adopted where an earlier Helm install created it), and node-exporter's own
// namespace, `privileged`, for its hostNetwork, hostPID and hostPath volumes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../catalog/charts";
import { podSecurityLabels } from "./namespace-guardrails";

export interface MonitoringNamespacesArgs {
    /** The cluster's kubeconfig, for the provider that adopts a live `monitoring` namespace. */
    readonly kubeconfig: pulumi.Input<string>;
    /** Whether node-exporter is installed (kube-prometheus-stack in install mode): its namespace too. */
    readonly nodeExporter: boolean;
    readonly labels: Readonly<Record<string, string>>;
}

/** `monitoring`: baseline enforced (no host namespaces, host paths or privileged containers), restricted warned and audited. */
export function monitoringNamespaceLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
    return { ...labels, ...podSecurityLabels("baseline") };
}

/** node-exporter's namespace: it needs the host's network, PIDs and filesystem, which only `privileged` admits. */
export function nodeExporterNamespaceLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
    return {
        ...labels,
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/enforce-version": "latest",
    };
}

export class MonitoringNamespaces extends pulumi.ComponentResource {
    public readonly monitoring: k8s.core.v1.Namespace;
    public readonly nodeExporter?: k8s.core.v1.Namespace;

    constructor(name: string, args: MonitoringNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:MonitoringNamespaces", name, {}, opts);
        // Stacks deployed before held a `monitoring` namespace Helm created (createNamespace). Since
        // pulumi-kubernetes 4.x creating an object that exists is an error unless the provider sets
        // `upsertExistingObjects` (provider.d.ts, 4.34.2): this provider does, for this namespace only,
        // so the first run applies the labels to the live namespace instead of failing. The namespace
        // holds Prometheus's volumes: `retainOnDelete` keeps it through a destroy, a replacement or a
        // rename, the case the upsert default guards against.
        const adopting = new k8s.Provider(
            `${name}-adopt`,
            {
                kubeconfig: args.kubeconfig,
                enableServerSideApply: true,
                upsertExistingObjects: true,
            },
            { parent: this },
        );
        this.monitoring = new k8s.core.v1.Namespace(
            `${name}-monitoring`,
            {
                metadata: { name: MONITORING_NAMESPACE, labels: monitoringNamespaceLabels(args.labels) },
            },
            { parent: this, provider: adopting, retainOnDelete: true },
        );
        if (args.nodeExporter) {
            this.nodeExporter = new k8s.core.v1.Namespace(
                `${name}-node-exporter`,
                {
                    metadata: { name: NODE_EXPORTER_NAMESPACE, labels: nodeExporterNamespaceLabels(args.labels) },
                },
                { parent: this },
            );
        }
        this.registerOutputs({
            monitoring: this.monitoring.metadata.name,
            nodeExporter: this.nodeExporter?.metadata.name,
        });
    }
}
