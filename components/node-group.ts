// A managed node group whose size cluster-autoscaler owns after creation, on nodes that only
// answer IMDSv2 and only to the node itself (hop limit 1): pods cannot borrow the node's role.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { NodeGroupConfig } from "../config";
import { MANAGED_POLICIES, ManagedPolicyName, PolicyDocument } from "./pod-identity-role";

export interface NodeGroupArgs {
    /** The node group's key in `nodeGroups` (`default-node-group`): the EKS name's prefix. */
    readonly groupName: string;
    readonly settings: NodeGroupConfig;
    readonly cluster: eks.Cluster;
    readonly subnetIds: pulumi.Input<string[]>;
    readonly tags: Readonly<Record<string, string>>;
    /** Pod Identity must be in place before nodes start aws-node. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Managed policies of the node role: the minimum a node needs; no CNI policy (Pod Identity has it). */
export const NODE_ROLE_POLICIES: readonly ManagedPolicyName[] = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"];

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
    return { deviceName, ebs: { volumeSize: settings.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } };
}

/** Scaling settings at creation; `ignoreScalingChanges` leaves desiredSize to cluster-autoscaler afterwards. */
export function scalingConfig(settings: NodeGroupConfig) {
    return { minSize: settings.minSize, maxSize: settings.maxSize, desiredSize: settings.desiredSize };
}

export class NodeGroup extends pulumi.ComponentResource {
    public readonly nodeGroup: eks.ManagedNodeGroup;
    public readonly role: aws.iam.Role;
    /** The EKS node group name (generated from the prefix, so a replacement can start before the old one goes). */
    public readonly nodeGroupName: pulumi.Output<string>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:NodeGroup", name, {}, opts);
        const parent = { parent: this };
        const settings = args.settings;

        this.role = new aws.iam.Role(`${name}-role`, {
            description: `Nodes of ${args.groupName}`,
            assumeRolePolicy: JSON.stringify(NODE_ROLE_TRUST),
            tags: args.tags,
        }, parent);
        const attachments = NODE_ROLE_POLICIES.map((policy) =>
            new aws.iam.RolePolicyAttachment(`${name}-${policy}`, { role: this.role.name, policyArn: MANAGED_POLICIES[policy].arn }, parent));

        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-lt`, {
            namePrefix: `${args.groupName}-`,
            description: `Nodes of ${args.groupName}: IMDSv2 with hop limit 1, encrypted gp3 root volume`,
            metadataOptions: METADATA_OPTIONS,
            blockDeviceMappings: [rootVolume(settings, settings.amiType)],
            tagSpecifications: [
                { resourceType: "instance", tags: { ...args.tags, Name: args.groupName } },
                { resourceType: "volume", tags: args.tags },
            ],
            updateDefaultVersion: true,
            tags: args.tags,
        }, parent);

        this.nodeGroup = new eks.ManagedNodeGroup(`${name}-mng`, {
            cluster: args.cluster,
            nodeGroupNamePrefix: `${args.groupName}-`,
            nodeRole: this.role,
            subnetIds: args.subnetIds,
            instanceTypes: [...settings.instanceTypes],
            capacityType: settings.capacityType,
            amiType: settings.amiType,
            labels: { ...settings.labels, "berrys.io/node-group": args.groupName },
            scalingConfig: scalingConfig(settings),
            // After creation the desired size belongs to cluster-autoscaler: `pulumi up` never resets it.
            ignoreScalingChanges: true,
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            tags: args.tags,
        }, { parent: this, dependsOn: [...attachments, ...(args.dependsOn ?? [])] });

        this.nodeGroupName = this.nodeGroup.nodeGroup.apply((group) => group.nodeGroupName);
        this.registerOutputs({ nodeGroupName: this.nodeGroupName });
    }
}
