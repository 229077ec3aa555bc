// A managed node group whose size cluster-autoscaler owns after creation, on nodes that only
// answer IMDSv2 and only to the node itself (hop limit 1): pods cannot borrow the node's role.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { nodeTemplateTaintTags } from "../capacity/taints";
import { configCheck, keyName, ROOT_NAME } from "../config";
import type { ConfigCheck, NodeGroupConfig, PlatformConfig } from "../config";
import { updateConfig, updateConfigTransform } from "./node-update";
import { MANAGED_POLICIES, ManagedPolicyName, PolicyDocument } from "./pod-identity-role";

export interface NodeGroupArgs {
    /** The node group's key in `nodeGroups` (`default-node-group`): the EKS name's prefix. */
    readonly groupName: string;
    readonly settings: NodeGroupConfig;
    readonly cluster: eks.Cluster;
    /**
     * The cluster's Kubernetes minor (`cluster.version`). Passed as the node group's `version`: with
     * a launch template pulumi-eks leaves it unset, and the node group would never follow an upgrade.
     */
    readonly kubernetesVersion: string;
    readonly subnetIds: pulumi.Input<string[]>;
    readonly tags: Readonly<Record<string, string>>;
    /** The group's live desired size (`readLiveScaling`); undefined before it exists. */
    readonly live?: LiveScaling;
    /** Pod Identity must be in place before nodes start aws-node. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Managed policies of the node role: the minimum a node needs; no CNI policy (Pod Identity has it). */
export const NODE_ROLE_POLICIES: readonly ManagedPolicyName[] = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
];

export const NODE_ROLE_TRUST: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** Instance metadata settings: IMDSv2 only, one network hop (containers are a hop away). */
export const METADATA_OPTIONS = {
    httpEndpoint: "enabled",
    httpTokens: "required",
    httpPutResponseHopLimit: 1,
    instanceMetadataTags: "disabled",
} as const;

/** The launch template's root volume: encrypted gp3 of the configured size. */
export function rootVolume(settings: NodeGroupConfig, amiType: string) {
    // Bottlerocket keeps containers on its second volume; AL2023 on the root volume.
    const deviceName = amiType.startsWith("BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda";
    return {
        deviceName,
        ebs: { volumeSize: settings.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
    };
}

/** What EKS reports for a node group now: the desired size cluster-autoscaler last set. */
export interface LiveScaling {
    readonly desiredSize: number;
    /** This run replaces the group (a ForceNew field changed: node-group-replacement.ts `forceNewChanges`). */
    readonly replaced?: boolean;
}

/** The node group's scaling inputs for one run. */
export interface ScalingPlan {
    readonly scalingConfig: { readonly minSize: number; readonly maxSize: number; readonly desiredSize: number };
    /**
     * true: `pulumi up` leaves the desired size to cluster-autoscaler (pulumi-eks v4.3.0
     * `createManagedNodeGroup` puts `ignoreChanges: ["scalingConfig.desiredSize"]` on the
     * aws.eks.NodeGroup). false only for a run whose new minSize/maxSize the live desired size lies
     * outside of.
     */
    readonly ignoreScalingChanges: boolean;
}

/**
 * The scaling inputs for a node group given its live desired size (undefined: not created yet, so
 * `desiredSize` from the config is the creation size). EKS refuses an UpdateNodegroupConfig whose
 * desired size lies outside min..max ("InvalidParameterException: Minimum capacity 5 can't be greater
 * than desired size 3"), and with the desired size ignored the update carries the old one. So when a
 * new minSize (or maxSize) excludes the live size, this run sends the live size moved into the new
 * range, and only this run: EKS adds (or removes) exactly the nodes the new bound demands. A run
 * that replaces the group sends the live size (moved into min..max) too, not ignored: with
 * `refresh: always` the engine would already carry it over (tests/components/node-group-replacement.test.ts
 * pins how), but a run without refresh would start the new group at the size last sent.
 */
export function scalingPlan(
    settings: Pick<NodeGroupConfig, "minSize" | "maxSize" | "desiredSize">,
    live?: LiveScaling,
): ScalingPlan {
    const { minSize, maxSize } = settings;
    // A replacement starts with the live size, never the creation size, refresh or not.
    const inRange =
        live !== undefined && live.desiredSize >= minSize && live.desiredSize <= maxSize && live.replaced !== true;
    if (live === undefined || inRange) {
        return { scalingConfig: { minSize, maxSize, desiredSize: settings.desiredSize }, ignoreScalingChanges: true };
    }
    return {
        scalingConfig: { minSize, maxSize, desiredSize: Math.min(maxSize, Math.max(minSize, live.desiredSize)) },
        ignoreScalingChanges: false,
    };
}

/**
 * The EKS names `nodeGroupNamePrefix: "<group>-"` yields: the AWS provider appends
 * terraform-plugin-sdk's `id.PrefixedUniqueId` suffix, an 18-digit UTC timestamp and an 8-digit hex
 * counter (26 characters; helper/id/id.go). The exact shape keeps `default-` from matching `default-spot-...`.
 */
export function generatedNodeGroupName(groupName: string): RegExp {
    // Group names are DNS labels (schema/common.ts): no regular-expression metacharacters.
    return new RegExp(`^${groupName}-\\d{18}[0-9a-f]{8}$`);
}

/** Characters the AWS provider appends to a `*NamePrefix` (id.PrefixedUniqueId, as above). */
export const GENERATED_SUFFIX_LENGTH = 26;
/** Characters Pulumi's auto-naming appends to a logical name: "-" and 7 random hex digits. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** EKS CreateNodegroup: nodegroupName is at most 63 characters. IAM CreateRole: RoleName at most 64. */
export const NAME_LIMITS = { nodeGroup: 63, iamRole: 64 } as const;

/** The node role's logical name the root component gives group `group` (Platform names the group, NodeGroup its role). */
export function nodeRoleName(group: string): string {
    return `${ROOT_NAME}-${group}-role`;
}

/**
 * A node group key that makes names AWS refuses once the generated suffixes are added: the EKS
 * node group `<group>-` + 26 characters, and the node role `nodeRoleName(group)` + Pulumi's 8.
 * (The launch template's `<group>-` + 26 stays far below EC2's 128.)
 */
export const nodeGroupNameCheck: ConfigCheck = configCheck(
    "A node group key must leave room for the suffixes AWS names get: EKS CreateNodegroup allows 63 characters, IAM CreateRole 64.",
    (config: PlatformConfig) => {
        const errors: string[] = [];
        for (const group of Object.keys(config.nodeGroups)) {
            const nodeGroup = group.length + 1 + GENERATED_SUFFIX_LENGTH;
            const role = nodeRoleName(group).length + AUTONAME_SUFFIX_LENGTH;
            const limit = Math.min(
                NAME_LIMITS.nodeGroup - 1 - GENERATED_SUFFIX_LENGTH,
                NAME_LIMITS.iamRole - AUTONAME_SUFFIX_LENGTH - nodeRoleName("").length,
            );
            if (nodeGroup > NAME_LIMITS.nodeGroup || role > NAME_LIMITS.iamRole) {
                errors.push(
                    `${keyName(["nodeGroups", group])} (${group.length} characters) must be at most ${limit} characters: the names EKS and IAM derive ` +
                        `would be ${nodeGroup} (of ${NAME_LIMITS.nodeGroup}) and ${role} (of ${NAME_LIMITS.iamRole})\n` +
                        `use a shorter key: EKS adds ${GENERATED_SUFFIX_LENGTH} characters to "${group}-", Pulumi ${AUTONAME_SUFFIX_LENGTH} to "${nodeRoleName(group)}"`,
                );
            }
        }
        return { errors, warnings: [] };
    },
);

/**
 * The cluster needs a node at creation: cluster-autoscaler, CoreDNS and metrics-server run on the
 * nodes, so with every group's desiredSize 0 nothing ever runs that could add one.
 */
export const firstNodeCheck: ConfigCheck = configCheck(
    "At least one node group must start with a node (desiredSize >= 1): cluster-autoscaler itself runs on one.",
    (config: PlatformConfig) => {
        const groups = Object.entries(config.nodeGroups);
        if (groups.some(([, group]) => group.desiredSize >= 1)) return { errors: [], warnings: [] };
        const [name] = groups[0];
        return {
            errors: [
                `${keyName(["nodeGroups", name, "desiredSize"])} (0) must be >= 1 in at least one node group: ` +
                    "cluster-autoscaler needs a node to run on before it can add one\nset desiredSize (and minSize) to 1 or more",
            ],
            warnings: [],
        };
    },
);

/** The newest live EKS node group for each configured group, from the cluster's list of node groups. */
export function matchLiveNodeGroups(
    groupNames: readonly string[],
    eksNames: readonly string[],
): Record<string, string> {
    const matched: Record<string, string> = {};
    for (const group of groupNames) {
        // During a replacement both exist; the suffix starts with a timestamp, so the newest sorts last.
        const names = eksNames.filter((name) => generatedNodeGroupName(group).test(name)).sort();
        if (names.length > 0) {
            matched[group] = names[names.length - 1];
        }
    }
    return matched;
}

export { isNotFound } from "./eks-cluster";

/** The pulumi-eks managed node group's arguments, given its role and launch template. */
export function managedNodeGroupArgs(
    args: NodeGroupArgs,
    nodeRole: aws.iam.Role,
    launchTemplate: Pick<aws.ec2.LaunchTemplate, "id" | "latestVersion">,
): eks.ManagedNodeGroupArgs {
    const settings = args.settings;
    return {
        cluster: args.cluster,
        nodeGroupNamePrefix: `${args.groupName}-`,
        nodeRole,
        subnetIds: args.subnetIds,
        instanceTypes: [...settings.instanceTypes],
        capacityType: settings.capacityType,
        amiType: settings.amiType,
        // pulumi-eks v4.3.0 `createManagedNodeGroup` defaults `version` to the cluster's only without a
        // launch template: set it, so raising cluster.version rolls the nodes to the new minor's AMI
        // after the control plane.
        version: args.kubernetesVersion,
        labels: { ...settings.labels, "berrys.io/node-group": args.groupName },
        // EKS's spelling; pulumi-eks v4.3.0 `createManagedNodeGroup` spreads its args, `taints`
        // included, into the aws.eks.NodeGroup as they are. Left out when empty, so existing groups see no diff.
        ...(settings.taints.length > 0 ? { taints: settings.taints.map((taint) => ({ ...taint })) } : {}),
        // After creation the desired size belongs to cluster-autoscaler: `pulumi up` never resets
        // it, except to move it into a new minSize..maxSize (scalingPlan).
        ...scalingPlan(settings, args.live),
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        tags: args.tags,
    };
}

export class NodeGroup extends pulumi.ComponentResource {
    public readonly nodeGroup: eks.ManagedNodeGroup;
    public readonly role: aws.iam.Role;
    /** The EKS node group name (generated from the prefix, so a replacement can start before the old one goes). */
    public readonly nodeGroupName: pulumi.Output<string>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:NodeGroup", name, {}, opts);
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Nodes of ${args.groupName}`,
                assumeRolePolicy: JSON.stringify(NODE_ROLE_TRUST),
                tags: args.tags,
            },
            { parent: this },
        );
        const attachments = NODE_ROLE_POLICIES.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy}`,
                    { role: this.role.name, policyArn: MANAGED_POLICIES[policy].arn },
                    { parent: this },
                ),
        );
        const launchTemplate = this.createLaunchTemplate(name, args);
        this.nodeGroup = new eks.ManagedNodeGroup(
            `${name}-mng`,
            managedNodeGroupArgs(args, this.role, launchTemplate),
            {
                parent: this,
                dependsOn: [...attachments, ...(args.dependsOn ?? [])],
                transforms: [updateConfigTransform(updateConfig(args.settings))],
            },
        );
        this.nodeGroupName = this.nodeGroup.nodeGroup.apply((group) => group.nodeGroupName);
        this.createTaintTags(name, args.settings);
        this.registerOutputs({ nodeGroupName: this.nodeGroupName });
    }

    private createLaunchTemplate(name: string, args: NodeGroupArgs): aws.ec2.LaunchTemplate {
        return new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                namePrefix: `${args.groupName}-`,
                description: `Nodes of ${args.groupName}: IMDSv2 with hop limit 1, encrypted gp3 root volume`,
                metadataOptions: METADATA_OPTIONS,
                blockDeviceMappings: [rootVolume(args.settings, args.settings.amiType)],
                tagSpecifications: [
                    { resourceType: "instance", tags: { ...args.tags, Name: args.groupName } },
                    { resourceType: "volume", tags: args.tags },
                ],
                updateDefaultVersion: true,
                tags: args.tags,
            },
            { parent: this },
        );
    }

    /**
     * EKS does not copy the node group's taints to its auto-scaling group: tag it, so that
     * cluster-autoscaler knows them while the group has no node (capacity/taints.ts).
     */
    private createTaintTags(name: string, settings: NodeGroupConfig): void {
        const autoScalingGroupName = this.nodeGroup.nodeGroup.apply((group) =>
            pulumi.output(group.resources).apply((resources) => resources[0].autoscalingGroups[0].name),
        );
        for (const [key, value] of Object.entries(nodeTemplateTaintTags(settings.taints))) {
            new aws.autoscaling.Tag(
                `${name}-taint-${key.slice(key.lastIndexOf("taint/") + 6).replace(/[^A-Za-z0-9-]/g, "-")}`,
                {
                    autoscalingGroupName: autoScalingGroupName,
                    tag: { key, value, propagateAtLaunch: false },
                },
                { parent: this },
            );
        }
    }
}
