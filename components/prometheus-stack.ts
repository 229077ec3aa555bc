// The Prometheus the HPAs' custom metrics come from. Mode `install`: kube-prometheus-stack in the
// monitoring namespace, selecting ServiceMonitors, PodMonitors and PrometheusRules from every
// namespace, its data on an encrypted gp3 volume (EBS CSI driver as an EKS add-on with its own
// Pod Identity role, and a StorageClass). Mode `external`: nothing is installed; the component only
// says where that Prometheus is and which labels it selects monitoring objects by.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KUBE_PROMETHEUS_STACK_CHART, MONITORING_NAMESPACE } from "../catalog/charts";
import type { AddonsConfig } from "../config";
import { chartRelease, releaseArgs, ReleaseSpec, safeToEvictLocalVolumes } from "./helm-release";
import { PodIdentityRole } from "./pod-identity-role";

export type PrometheusConfig = AddonsConfig["prometheus"];
export type InstallPrometheusConfig = Extract<PrometheusConfig, { mode: "install" }>;

/**
 * The Prometheus Service the chart creates: `<fullname>-prometheus`, where the fullname is the
 * release name because it contains "kube-prometheus-stack" (and is cut at 26 characters).
 */
export const INSTALLED_PROMETHEUS_URL =
    `http://${KUBE_PROMETHEUS_STACK_CHART.release}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;

/** The EBS CSI driver's controller service account (the EKS add-on's own name for it). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

export const STORAGE_CLASS_NAME = "gp3-encrypted";

/** Encrypted gp3 through the EBS CSI driver, created in the zone of the node the pod lands on. */
export function storageClassSpec() {
    return {
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
    };
}

/** Where the adapter finds Prometheus, split as the chart wants it: `url` without the port. */
export interface PrometheusEndpoint {
    /** Scheme and host, no port: the chart appends `:<port>` itself (a port here gives `:9090:9090`). */
    readonly url: string;
    /** null when the URL has none: the chart then appends no port (http/https defaults). */
    readonly port: number | null;
    /** Path prefix, "" for none. */
    readonly path: string;
}

export function splitPrometheusUrl(url: string): PrometheusEndpoint {
    const match = /^(https?:\/\/[^/:]+)(?::(\d+))?(\/.*)?$/.exec(url);
    if (!match) {
        throw new Error(`not an http(s) URL: ${url}`);
    }
    const path = (match[3] ?? "").replace(/\/+$/, "");
    return { url: match[1], port: match[2] !== undefined ? Number(match[2]) : null, path };
}

/** The Prometheus the platform uses and how monitoring objects must look for it to load them. */
export interface MonitoringTarget {
    /** The full URL, with port: the `prometheusUrl` stack output. */
    readonly url: string;
    readonly endpoint: PrometheusEndpoint;
    /** Labels its ruleSelector needs on a PrometheusRule ({} when it selects all). */
    readonly ruleLabels: Readonly<Record<string, string>>;
    /** Labels its podMonitorSelector/serviceMonitorSelector need ({} when it selects all). */
    readonly podMonitorLabels: Readonly<Record<string, string>>;
    /** Whether PodMonitors, ServiceMonitors and PrometheusRules are created at all. */
    readonly objectsEnabled: boolean;
}

export function monitoringTarget(prometheus: PrometheusConfig): MonitoringTarget {
    if (prometheus.mode === "install") {
        // The *SelectorNilUsesHelmValues: false settings make every selector `{}`: no label needed.
        return { url: INSTALLED_PROMETHEUS_URL, endpoint: splitPrometheusUrl(INSTALLED_PROMETHEUS_URL), ruleLabels: {}, podMonitorLabels: {}, objectsEnabled: true };
    }
    return {
        url: prometheus.url,
        endpoint: splitPrometheusUrl(prometheus.url),
        ruleLabels: { ...prometheus.selectorLabels },
        podMonitorLabels: { ...prometheus.selectorLabels },
        objectsEnabled: prometheus.monitoringObjects,
    };
}

/** The chart's values in install mode. */
export function kubePrometheusStackValues(settings: InstallPrometheusConfig): Record<string, unknown> {
    return {
        prometheus: {
            prometheusSpec: {
                // Select monitors and rules in every namespace without a `release` label
                // (templates/prometheus/prometheus.yaml renders `{}` for each selector).
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                retention: settings.retention,
                replicas: settings.replicas,
                resources: { requests: { ...settings.resources.requests }, limits: { ...settings.resources.limits } },
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: {
                            storageClassName: STORAGE_CLASS_NAME,
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage: settings.storageSize } },
                        },
                    },
                },
                // The data is on the EBS volume; `config-out` is the operator's generated config.
                podMetadata: { annotations: safeToEvictLocalVolumes(["config-out"]) },
            },
        },
        alertmanager: {
            alertmanagerSpec: {
                // prometheus-operator names the emptyDir `alertmanager-<Alertmanager name>-db`:
                // silences and the notification log, which a restart loses anyway.
                podMetadata: { annotations: safeToEvictLocalVolumes([`alertmanager-${KUBE_PROMETHEUS_STACK_CHART.release}-alertmanager-db`, "config-out"]) },
            },
        },
        grafana: settings.grafana
            // Grafana keeps no persistent data here: dashboards come from ConfigMaps through the sidecar.
            ? { enabled: true, podAnnotations: safeToEvictLocalVolumes(["storage", "sc-dashboard-volume", "sc-datasources-volume"]) }
            : { enabled: false },
    };
}

export function kubePrometheusStackRelease(settings: InstallPrometheusConfig): ReleaseSpec {
    // CRDs, the operator, Prometheus with a new EBS volume: more than Helm's 5 minutes on a first install.
    return chartRelease(KUBE_PROMETHEUS_STACK_CHART, settings.chartVersion, kubePrometheusStackValues(settings), 900);
}

export interface PrometheusStackArgs {
    /** `addons.prometheus` of the stack's config. */
    readonly prometheus: PrometheusConfig;
    readonly clusterName: pulumi.Input<string>;
    /** Plain cluster name for the EBS CSI role's trust policy. */
    readonly clusterNameValue: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly tags: Readonly<Record<string, string>>;
    /** What the EBS CSI add-on and the release wait for: the node groups. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export class PrometheusStack extends pulumi.ComponentResource {
    public readonly target: MonitoringTarget;
    /** The kube-prometheus-stack release (its CRDs), or undefined in external mode. */
    public readonly release?: k8s.helm.v3.Release;
    public readonly storageClass?: k8s.storage.v1.StorageClass;
    public readonly ebsCsiDriver?: aws.eks.Addon;

    constructor(name: string, args: PrometheusStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:PrometheusStack", name, {}, opts);
        this.target = monitoringTarget(args.prometheus);
        const prometheus = args.prometheus;
        if (prometheus.mode === "install") {
            const after = [...(args.dependsOn ?? [])];
            const ebsRole = new PodIdentityRole(`${name}-ebs-csi`, {
                clusterName: args.clusterName,
                clusterNameValue: args.clusterNameValue,
                namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
                serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
                managedPolicies: ["AmazonEBSCSIDriverPolicy"],
                tags: args.tags,
            }, { parent: this });
            // The add-on only turns ACTIVE once its pods run, so it waits for the nodes too.
            this.ebsCsiDriver = new aws.eks.Addon(`${name}-ebs-csi-driver`, {
                clusterName: args.clusterName,
                addonName: "aws-ebs-csi-driver",
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "PRESERVE",
                tags: args.tags,
            }, { parent: this, dependsOn: [ebsRole, ...after] });
            this.storageClass = new k8s.storage.v1.StorageClass(`${name}-gp3`, {
                metadata: { name: STORAGE_CLASS_NAME, labels: { ...args.labels } },
                ...storageClassSpec(),
            }, { parent: this });
            this.release = new k8s.helm.v3.Release(`${name}-release`, releaseArgs(kubePrometheusStackRelease(prometheus)), {
                parent: this,
                dependsOn: [this.ebsCsiDriver, this.storageClass, ...after],
            });
        }
        this.registerOutputs({ url: this.target.url, releaseName: this.release?.name });
    }
}
