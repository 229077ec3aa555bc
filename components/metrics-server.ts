// metrics-server in kube-system: serves the resource metrics API (metrics.k8s.io) the HPAs' cpu and
// memory targets read. Two replicas on different nodes with a PodDisruptionBudget, so a node drain
// or scale-down never leaves the HPAs blind (the cluster-autoscaler FAQ calls a restart HPA downtime).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_SERVER_CHART } from "../catalog/charts";
import type { AddonsConfig, PlatformConfig } from "../config";
import { configCheck, keyName } from "../config";
import { EVICTABLE_LOCAL_VOLUMES } from "../catalog/platform-pods";
import { chartRelease, releaseArgs, ReleaseSpec, safeToEvictLocalVolumes, spreadOverNodes } from "./helm-release";

export type MetricsServerConfig = AddonsConfig["metricsServer"];

/** The chart's pod selector labels (`metrics-server.selectorLabels`). */
const POD_LABELS = {
    "app.kubernetes.io/name": "metrics-server",
    "app.kubernetes.io/instance": METRICS_SERVER_CHART.release,
};

/**
 * The chart's values. No extra args: on EKS the defaults (InternalIP first, the kubelet's
 * node-status port, serving certs signed by the cluster CA) already work, and `defaultArgs` is a
 * list Helm would replace whole.
 */
export function metricsServerValues(settings: MetricsServerConfig): Record<string, unknown> {
    return {
        replicas: settings.replicas,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        topologySpreadConstraints: spreadOverNodes(POD_LABELS),
        resources: { requests: { ...settings.resources.requests }, limits: { ...settings.resources.limits } },
        // --cert-dir=/tmp is an emptyDir named `tmp` (templates/deployment.yaml) holding only the
        // self-signed serving cert, regenerated at start.
        podAnnotations: safeToEvictLocalVolumes(EVICTABLE_LOCAL_VOLUMES.metricsServer),
        ...VERIFIED_API_SERVICE,
    };
}

/**
 * The API server verifies metrics-server's serving certificate: Helm generates a self-signed one
 * into the Secret `metrics-server` and puts it in the APIService's caBundle, reusing the Secret on
 * upgrades (metrics-server-helm-chart-3.13.1 templates/apiservice.yaml `tls.type: helm`,
 * `tls.helm.lookup`; templates/deployment.yaml mounts it). The key is made in the cluster by Helm,
 * so it never enters the program or Pulumi state. The chart's `apiService.insecureSkipTLSVerify:
 * true` (values.yaml) is turned off. The certificate is reused, never renewed: ten years, and
 * docs/security.md says how to rotate it.
 */
export const VERIFIED_API_SERVICE = {
    tls: { type: "helm", helm: { lookup: true, certDurationDays: 3650 } },
    apiService: { insecureSkipTLSVerify: false },
} as const;

export function metricsServerRelease(settings: MetricsServerConfig): ReleaseSpec {
    return chartRelease(METRICS_SERVER_CHART, settings.chartVersion, metricsServerValues(settings));
}

export interface MetricsServerArgs {
    /** `addons.metricsServer` of the stack's config. */
    readonly settings: MetricsServerConfig;
    /** What the release waits for: the node groups. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export class MetricsServer extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:MetricsServer", name, {}, opts);
        this.release = new k8s.helm.v3.Release(`${name}-release`, releaseArgs(metricsServerRelease(args.settings)), {
            parent: this,
            dependsOn: [...(args.dependsOn ?? [])],
        });
        this.registerOutputs({ releaseName: this.release.name });
    }
}

/** HPAs read Resource metrics (cpu, memory) from metrics.k8s.io, which metrics-server serves here. */
export const metricsServerEnabledCheck = configCheck(
    "metrics-server must be enabled while an HPA scales on a Resource metric: it serves metrics.k8s.io, which those HPAs read.",
    (config: PlatformConfig) => {
        if (config.addons.metricsServer.enabled) return { errors: [], warnings: [] };
        const users = Object.entries(config.services)
            .filter(([, service]) => service.metrics.some((metric) => metric.type === "Resource"))
            .map(([name]) => name);
        return {
            errors:
                users.length === 0
                    ? []
                    : [
                          `${keyName(["addons", "metricsServer", "enabled"])} (false) must be true while HPAs scale on cpu or memory (${users.join(", ")}): they read metrics.k8s.io\n` +
                              "enable it, or scale those services on Pods metrics only",
                      ],
            warnings: [],
        };
    },
);
