// cluster-autoscaler in kube-system: adds nodes to the managed node groups when pods cannot be
// scheduled and removes unneeded ones, with the seed's ClusterAutoscaler settings as flags. Its AWS
// credentials come through EKS Pod Identity, limited to the auto-scaling groups of this cluster.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_CHART } from "../catalog/charts";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from "../catalog/compatibility";
import { keyName } from "../config";
import type { AddonsConfig, PlatformConfig } from "../config";
import { chartRelease, releaseArgs, ReleaseSpec } from "./helm-release";
import { PodIdentityRole, PolicyDocument } from "./pod-identity-role";

export type ClusterAutoscalerConfig = AddonsConfig["clusterAutoscaler"];

/** The image tag for the cluster: the override if given, else the table's row; undefined for an unknown minor. */
export function clusterAutoscalerImageTag(kubernetesMinor: string, override?: string): string | undefined {
    return override ?? CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesMinor];
}

/** The tag EKS puts on the auto-scaling groups of this cluster's managed node groups. */
export const ownedTagKey = (clusterName: string) => `k8s.io/cluster-autoscaler/${clusterName}`;

/** Read-only calls auto-discovery needs (cloudprovider/aws/README.md, recommended policy). */
export const DESCRIBE_ACTIONS = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    "eks:DescribeNodegroup",
] as const;

/** The only calls that change anything: allowed on this cluster's node groups alone. */
export const SCALING_ACTIONS = [
    "autoscaling:SetDesiredCapacity",
    "autoscaling:TerminateInstanceInAutoScalingGroup",
] as const;

/**
 * The autoscaler's permission policy: describe on `*` (these calls take no resource), and the two
 * scaling calls only on auto-scaling groups tagged `k8s.io/cluster-autoscaler/<cluster>: owned`,
 * so it can never resize another cluster's (or anyone else's) groups.
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "DiscoverNodeGroups", Effect: "Allow", Action: [...DESCRIBE_ACTIONS], Resource: "*" },
            {
                Sid: "ScaleThisClustersNodeGroups",
                Effect: "Allow",
                Action: [...SCALING_ACTIONS],
                Resource: "*",
                Condition: { StringEquals: { [`aws:ResourceTag/${ownedTagKey(clusterName)}`]: "owned" } },
            },
        ],
    };
}

/**
 * The chart's `extraArgs` (each key becomes `--<key>=<value>`): the seed's scaleDown/scaleUp
 * settings, plus what the alerts and the node groups need. The chart's own defaults (logtostderr,
 * stderrthreshold, v) stay: Helm merges maps.
 */
export function clusterAutoscalerFlags(settings: ClusterAutoscalerConfig): Record<string, string | boolean> {
    return {
        "scale-down-delay-after-add": settings.scaleDownDelayAfterAdd,
        "scale-down-delay-after-delete": settings.scaleDownDelayAfterDelete,
        "scale-down-delay-after-failure": settings.scaleDownDelayAfterFailure,
        "scale-down-unneeded-time": settings.scaleDownUnneededTime,
        "skip-nodes-with-local-storage": settings.skipNodesWithLocalStorage,
        "skip-nodes-with-system-pods": settings.skipNodesWithSystemPods,
        "balance-similar-node-groups": settings.balanceSimilarNodeGroups,
        "emit-per-nodegroup-metrics": settings.emitPerNodegroupMetrics,
        expander: settings.expander,
    };
}

/** What the release is built from: plain values, known before deploy. */
export interface ClusterAutoscalerInput {
    readonly settings: ClusterAutoscalerConfig;
    readonly clusterName: string;
    readonly region: string;
    /** The cluster's Kubernetes minor (`cluster.version`): picks the image tag. */
    readonly kubernetesVersion: string;
    /** Labels the chart's ServiceMonitor carries so Prometheus selects it; undefined: no ServiceMonitor. */
    readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
    /** Namespace of the ServiceMonitor (the monitoring namespace). */
    readonly serviceMonitorNamespace: string;
}

/** The chart's values. Throws for an unknown minor: `clusterAutoscalerImageCheck` reports it first. */
export function clusterAutoscalerValues(input: ClusterAutoscalerInput): Record<string, unknown> {
    const settings = input.settings;
    const tag = clusterAutoscalerImageTag(input.kubernetesVersion, settings.imageTag);
    if (tag === undefined) {
        throw new Error(`no cluster-autoscaler image tag for Kubernetes ${input.kubernetesVersion}`);
    }
    return {
        cloudProvider: "aws",
        awsRegion: input.region,
        // Without clusterName the chart renders no Deployment at all.
        autoDiscovery: { clusterName: input.clusterName },
        image: { tag },
        // Explicit, so the Pod Identity association names it (the chart would say cluster-autoscaler-aws-cluster-autoscaler).
        rbac: { serviceAccount: { create: true, name: settings.serviceAccountName } },
        extraArgs: clusterAutoscalerFlags(settings),
        replicaCount: 1,
        priorityClassName: "system-cluster-critical",
        resources: { requests: { ...settings.resources.requests }, limits: { ...settings.resources.limits } },
        // The chart's default (maxUnavailable: 1) lets a drain move the single replica; setting
        // minAvailable as well would fail the render (templates/pdb.yaml), so only maxUnavailable.
        podDisruptionBudget: { maxUnavailable: 1 },
        serviceMonitor:
            input.serviceMonitorLabels === undefined
                ? { enabled: false }
                : {
                      enabled: true,
                      namespace: input.serviceMonitorNamespace,
                      selector: serviceMonitorLabels(input.serviceMonitorLabels),
                  },
    };
}

/**
 * The ServiceMonitor's labels (cluster-autoscaler-chart-9.59.0 templates/servicemonitor.yaml renders
 * `serviceMonitor.selector` as its metadata.labels). The chart's default for that map (values.yaml
 * `serviceMonitor.selector`) is `{release: prometheus-operator}` and Helm merges maps, so `{}` keeps that label, which a second Prometheus
 * selecting `release: prometheus-operator` would match; nor can the program delete it with null
 * (pulumi-kubernetes drops nulls from Release values, pulumi/pulumi-kubernetes#3811). So `release`
 * is always set: to this chart's own release, the Helm convention, unless the Prometheus's selector
 * labels name a `release` themselves.
 */
export function serviceMonitorLabels(selectorLabels: Readonly<Record<string, string>>): Record<string, string> {
    return { release: CLUSTER_AUTOSCALER_CHART.release, ...selectorLabels };
}

export function clusterAutoscalerRelease(input: ClusterAutoscalerInput): ReleaseSpec {
    return chartRelease(CLUSTER_AUTOSCALER_CHART, input.settings.chartVersion, clusterAutoscalerValues(input));
}

/**
 * Config check: the cluster's Kubernetes minor must have a row in the image tag table (unless
 * `imageTag` overrides it); an override for another minor is only a warning.
 */
/** The minor of a `v1.34.5` tag, as a number (34). */
function minorOf(tag: string): number {
    return Number(tag.split(".")[1]);
}

export function clusterAutoscalerImageCheck(config: PlatformConfig): { errors: string[]; warnings: string[] } {
    const settings = config.addons.clusterAutoscaler;
    const minor = config.cluster.version;
    const errors: string[] = [];
    const warnings: string[] = [];
    if (!settings.enabled) {
        return { errors, warnings };
    }
    if (settings.imageTag === undefined && CLUSTER_AUTOSCALER_IMAGE_TAGS[minor] === undefined) {
        errors.push(
            `${keyName(["cluster", "version"])} (${minor}) must be a Kubernetes minor cluster-autoscaler has an image tag for ` +
                `(${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")})\n` +
                `add the newest v${minor}.x to CLUSTER_AUTOSCALER_IMAGE_TAGS in catalog/compatibility.ts, ` +
                `or set ${keyName(["addons", "clusterAutoscaler", "imageTag"])}`,
        );
    }
    if (settings.imageTag !== undefined && minorOf(settings.imageTag) > minorOf(`v${minor}`)) {
        errors.push(
            `${keyName(["addons", "clusterAutoscaler", "imageTag"])} (${settings.imageTag}) must not be newer than the cluster's minor (${minor}): ` +
                "it may call APIs the control plane does not serve\nuse a v" +
                minor +
                ".x tag",
        );
    } else if (settings.imageTag !== undefined && !settings.imageTag.startsWith(`v${minor}.`)) {
        warnings.push(
            `${keyName(["addons", "clusterAutoscaler", "imageTag"])} (${settings.imageTag}) is not a release for Kubernetes ${minor}: ` +
                "cluster-autoscaler is only tested against its own minor; use a v" +
                minor +
                ".x tag",
        );
    }
    return { errors, warnings };
}
clusterAutoscalerImageCheck.doc =
    'cluster-autoscaler must have an image tag for the cluster\'s Kubernetes minor (its releases follow the minors: kubernetes/autoscaler cluster-autoscaler/README.md, "Releases").';

export interface ClusterAutoscalerArgs extends ClusterAutoscalerInput {
    /** The EKS cluster's name as an output, so the Pod Identity association waits for the cluster. */
    readonly clusterNameOutput: pulumi.Input<string>;
    /** `cluster.podIdentitySourceArnCondition` (pod-identity-role.ts `podIdentityTrustPolicy`). */
    readonly podIdentitySourceArnCondition: boolean;
    readonly tags: Readonly<Record<string, string>>;
    /** What the release waits for: the node groups (its pod needs a node) and, for the ServiceMonitor, the CRDs. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export class ClusterAutoscaler extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    public readonly role: PodIdentityRole;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:ClusterAutoscaler", name, {}, opts);
        const spec = clusterAutoscalerRelease(args);
        this.role = new PodIdentityRole(
            `${name}-identity`,
            {
                clusterName: args.clusterNameOutput,
                clusterNameValue: args.clusterName,
                sourceArnCondition: args.podIdentitySourceArnCondition,
                namespace: CLUSTER_AUTOSCALER_CHART.namespace,
                serviceAccount: args.settings.serviceAccountName,
                policy: clusterAutoscalerPolicy(args.clusterName),
                tags: args.tags,
            },
            { parent: this },
        );
        // Pod Identity injects credentials when the pod is created: the association comes first.
        this.release = new k8s.helm.v3.Release(`${name}-release`, releaseArgs(spec), {
            parent: this,
            dependsOn: [this.role, ...(args.dependsOn ?? [])],
        });
        this.roleArn = this.role.roleArn;
        this.registerOutputs({ roleArn: this.roleArn, releaseName: this.release.name });
    }
}
