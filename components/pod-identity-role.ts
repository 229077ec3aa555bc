// An IAM role that exactly one Kubernetes service account assumes through EKS Pod Identity.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** An IAM policy document, as the program writes them (tests walk these for wildcards). */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Principal?: Record<string, string | readonly string[]>;
    readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/**
 * AWS-managed policies the program attaches, each with the reason. The security tests hold every
 * attachment to this list: a new managed policy needs a reason here first.
 */
export const MANAGED_POLICIES = {
    AmazonEKSWorkerNodePolicy: {
        arn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        reason: "nodes join the cluster and describe their instance (the node role; EKS requires it)",
    },
    AmazonEC2ContainerRegistryPullOnly: {
        arn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        reason: "the kubelet pulls the add-ons' ECR images (pull only, the narrowest ECR policy)",
    },
    AmazonEKS_CNI_Policy: {
        arn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        reason: "the VPC CNI assigns pod IPs; given to the aws-node service account through Pod Identity, never to the node role (EKS best practice)",
    },
    AmazonEBSCSIDriverPolicy: {
        arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
        reason: "the EBS CSI driver creates and attaches Prometheus's volumes; given to its controller's service account through Pod Identity",
    },
} as const;

export type ManagedPolicyName = keyof typeof MANAGED_POLICIES;

/** Where a cluster lives: what a Pod Identity trust policy pins besides the service account. */
export interface ClusterLocation {
    readonly name: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
}

/** `arn:<partition>:eks:<region>:<account>:cluster/<name>`, the ARN EKS gives the cluster. */
export function clusterArn(cluster: ClusterLocation): string {
    return `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.name}`;
}

/**
 * Trust policy that lets EKS Pod Identity hand the role to one service account of one cluster.
 * - `aws:SourceAccount` and the session tags the agent sets: what the EKS user guide's Pod Identity
 *   role page ("Create an IAM role for EKS Pod Identity") and pod-id-abac document. The cluster's
 *   ARN tag (unique per account and region) tells this cluster from a namesake elsewhere.
 * - `aws:SourceArn` (ArnLike `podidentityassociation/<cluster>/*`) only when `sourceArnCondition`:
 *   no AWS page documents a source ARN for `pods.eks.amazonaws.com`, credential delivery was seen
 *   failing with it (awslabs/mountpoint-s3-csi-driver#781), and terraform-aws-eks offers it off by
 *   default. Without credentials aws-node never makes a node Ready, so it is opt-in.
 */
export function podIdentityTrustPolicy(
    cluster: ClusterLocation,
    namespace: string,
    serviceAccount: string,
    sourceArnCondition = false,
): PolicyDocument {
    const sourceArn = `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:podidentityassociation/${cluster.name}/*`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EksPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": cluster.accountId,
                        "aws:RequestTag/eks-cluster-arn": clusterArn(cluster),
                        "aws:RequestTag/eks-cluster-name": cluster.name,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": serviceAccount,
                    },
                    ...(sourceArnCondition ? { ArnLike: { "aws:SourceArn": sourceArn } } : {}),
                },
            },
        ],
    };
}

export interface PodIdentityRoleArgs {
    readonly clusterName: pulumi.Input<string>;
    /** Plain cluster name for the trust policy's condition (known before deploy). */
    readonly clusterNameValue: string;
    /** `cluster.podIdentitySourceArnCondition`: add the opt-in `aws:SourceArn` condition (`podIdentityTrustPolicy`). */
    readonly sourceArnCondition: boolean;
    readonly namespace: string;
    readonly serviceAccount: string;
    /** AWS-managed policies to attach, by name from `MANAGED_POLICIES`. */
    readonly managedPolicies?: readonly ManagedPolicyName[];
    /** An inline permission policy of the program's own. */
    readonly policy?: PolicyDocument;
    readonly tags: Readonly<Record<string, string>>;
}

export class PodIdentityRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly association: aws.eks.PodIdentityAssociation;

    constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:PodIdentityRole", name, {}, opts);
        const parent = { parent: this };
        // The account, region and partition the provider deploys to: where the cluster lives.
        const location = pulumi
            .all([
                aws.getCallerIdentityOutput({}, parent),
                aws.getRegionOutput({}, parent),
                aws.getPartitionOutput({}, parent),
            ])
            .apply(
                ([identity, region, partition]): ClusterLocation => ({
                    name: args.clusterNameValue,
                    accountId: identity.accountId,
                    region: region.region,
                    partition: partition.partition,
                }),
            );
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `EKS Pod Identity role of ${args.namespace}/${args.serviceAccount} in ${args.clusterNameValue}`,
                assumeRolePolicy: location.apply((cluster) =>
                    JSON.stringify(
                        podIdentityTrustPolicy(cluster, args.namespace, args.serviceAccount, args.sourceArnCondition),
                    ),
                ),
                tags: args.tags,
            },
            parent,
        );
        const attachments: pulumi.Resource[] = (args.managedPolicies ?? []).map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy}`,
                    { role: this.role.name, policyArn: MANAGED_POLICIES[policy].arn },
                    parent,
                ),
        );
        if (args.policy) {
            attachments.push(
                new aws.iam.RolePolicy(
                    `${name}-policy`,
                    { role: this.role.id, policy: JSON.stringify(args.policy) },
                    parent,
                ),
            );
        }
        this.association = new aws.eks.PodIdentityAssociation(
            `${name}-association`,
            {
                clusterName: args.clusterName,
                namespace: args.namespace,
                serviceAccount: args.serviceAccount,
                roleArn: this.role.arn,
                tags: args.tags,
            },
            { parent: this, dependsOn: attachments },
        );
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
