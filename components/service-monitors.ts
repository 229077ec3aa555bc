// PodMonitors for the services: Prometheus scrapes each service's pods on their container port
// named `metrics` (the seed's `start_http_server(8000)`), so model_requests_total,
// http_requests_total and agent_created_total arrive with the `namespace` and `pod` labels the
// prometheus-adapter's rules map to resources. The caller makes them wait for the CRDs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../config";
import { selectorLabels } from "./service-scaling";

export interface ServiceMonitorsArgs {
    /** The services by name (`services` of the stack's config). */
    readonly services: Readonly<Record<string, ServiceConfig>>;
    /** The services' namespace: each PodMonitor sits next to the pods it selects. */
    readonly namespace: pulumi.Input<string>;
    /** Labels on every PodMonitor: the platform's, plus what the Prometheus's podMonitorSelector needs. */
    readonly labels: Readonly<Record<string, string>>;
    /** What the PodMonitors wait for: the release that installs the prometheus-operator CRDs. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export const podMonitorName = (service: string) => `${service}-metrics`;

/** The PodMonitor's spec: the service's pods (the HPA's own selector), port `metrics`, path /metrics. */
export function podMonitorSpec(service: string) {
    return {
        selector: { matchLabels: selectorLabels(service) },
        podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }],
    };
}

export class ServiceMonitors extends pulumi.ComponentResource {
    public readonly podMonitors: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: ServiceMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:ServiceMonitors", name, {}, opts);
        this.podMonitors = Object.keys(args.services).map(
            (service) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-${service}`,
                    {
                        apiVersion: "monitoring.coreos.com/v1",
                        kind: "PodMonitor",
                        metadata: {
                            name: podMonitorName(service),
                            namespace: args.namespace,
                            labels: { ...args.labels, ...selectorLabels(service) },
                        },
                        spec: podMonitorSpec(service),
                    },
                    { parent: this, dependsOn: [...(args.dependsOn ?? [])] },
                ),
        );
        this.registerOutputs({ podMonitors: this.podMonitors.map((monitor) => monitor.metadata.name) });
    }
}
