// docs/deployer-policy.json, the IAM policy a team attaches to the role that runs `pulumi up`, kept in
// step with what the program creates: every AWS resource type and data source the program registers on
// the fixture stacks (and those @pulumi/eks v4.3.0 creates inside its components) maps to the API calls
// its Terraform AWS provider v6 resource or data source makes (@pulumi/aws 7 bridges it); the policy
// grants exactly their union.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runStack } from "./helpers/program";
import { FIXTURE_STACKS_DIR } from "./helpers/stacks";

/** Every fixture stack: tests/fixtures/stacks/Pulumi.<stack>.yaml. */
const FIXTURE_STACKS = fs
    .readdirSync(FIXTURE_STACKS_DIR)
    .flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []);

const ROOT = path.join(__dirname, "..");
const POLICY = JSON.parse(fs.readFileSync(path.join(ROOT, "docs/deployer-policy.json"), "utf8"));

interface Grant {
    /** The Terraform AWS provider resource or data source the Pulumi type bridges. */
    readonly terraform: string;
    /** Create, read, update and delete (or the data source's read), tags included. */
    readonly actions: readonly string[];
}

const TAGS_EC2 = ["ec2:CreateTags", "ec2:DeleteTags"];
const ROLE_NAMED = ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"];

/** Pulumi type or invoke token to the API calls its Terraform counterpart makes. */
const GRANTS: Record<string, Grant> = {
    "aws:ec2/vpc:Vpc": {
        terraform: "aws_vpc",
        actions: [
            "ec2:CreateVpc",
            "ec2:DescribeVpcs",
            "ec2:DescribeVpcAttribute",
            "ec2:ModifyVpcAttribute",
            "ec2:DeleteVpc",
            "ec2:DescribeRouteTables",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeNetworkAcls",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/subnet:Subnet": {
        terraform: "aws_subnet",
        actions: [
            "ec2:CreateSubnet",
            "ec2:DescribeSubnets",
            "ec2:ModifySubnetAttribute",
            "ec2:DeleteSubnet",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/internetGateway:InternetGateway": {
        terraform: "aws_internet_gateway",
        actions: [
            "ec2:CreateInternetGateway",
            "ec2:AttachInternetGateway",
            "ec2:DescribeInternetGateways",
            "ec2:DetachInternetGateway",
            "ec2:DeleteInternetGateway",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/eip:Eip": {
        terraform: "aws_eip",
        actions: [
            "ec2:AllocateAddress",
            "ec2:DescribeAddresses",
            "ec2:DescribeAddressesAttribute",
            "ec2:DisassociateAddress",
            "ec2:ReleaseAddress",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/natGateway:NatGateway": {
        terraform: "aws_nat_gateway",
        actions: [
            "ec2:CreateNatGateway",
            "ec2:DescribeNatGateways",
            "ec2:DeleteNatGateway",
            "ec2:DescribeNetworkInterfaces",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/routeTable:RouteTable": {
        terraform: "aws_route_table",
        actions: [
            "ec2:CreateRouteTable",
            "ec2:DescribeRouteTables",
            "ec2:CreateRoute",
            "ec2:ReplaceRoute",
            "ec2:DeleteRoute",
            "ec2:DeleteRouteTable",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        terraform: "aws_route_table_association",
        actions: [
            "ec2:AssociateRouteTable",
            "ec2:DescribeRouteTables",
            "ec2:ReplaceRouteTableAssociation",
            "ec2:DisassociateRouteTable",
        ],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        terraform: "aws_security_group",
        actions: [
            "ec2:CreateSecurityGroup",
            "ec2:DescribeSecurityGroups",
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DeleteSecurityGroup",
            ...TAGS_EC2,
        ],
    },
    "aws:ec2/securityGroupRule:SecurityGroupRule": {
        terraform: "aws_security_group_rule",
        actions: [
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSecurityGroupRules",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupEgress",
        ],
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        terraform: "aws_launch_template",
        actions: [
            "ec2:CreateLaunchTemplate",
            "ec2:CreateLaunchTemplateVersion",
            "ec2:DescribeLaunchTemplates",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:ModifyLaunchTemplate",
            "ec2:DeleteLaunchTemplate",
            ...TAGS_EC2,
        ],
    },
    "aws:eks/cluster:Cluster": {
        terraform: "aws_eks_cluster",
        actions: [
            "eks:CreateCluster",
            "eks:DescribeCluster",
            "eks:UpdateClusterConfig",
            "eks:UpdateClusterVersion",
            "eks:AssociateEncryptionConfig",
            "eks:DescribeUpdate",
            "eks:DeleteCluster",
            "eks:TagResource",
            "eks:UntagResource",
            "eks:ListTagsForResource",
            "iam:PassRole",
            "kms:DescribeKey",
            "kms:CreateGrant",
            "iam:CreateServiceLinkedRole",
        ],
    },
    "aws:eks/addon:Addon": {
        terraform: "aws_eks_addon",
        actions: [
            "eks:CreateAddon",
            "eks:DescribeAddon",
            "eks:DescribeAddonVersions",
            "eks:UpdateAddon",
            "eks:DescribeUpdate",
            "eks:DeleteAddon",
            "eks:TagResource",
            "eks:UntagResource",
        ],
    },
    "aws:eks/nodeGroup:NodeGroup": {
        terraform: "aws_eks_node_group",
        actions: [
            "eks:CreateNodegroup",
            "eks:DescribeNodegroup",
            "eks:UpdateNodegroupConfig",
            "eks:UpdateNodegroupVersion",
            "eks:DescribeUpdate",
            "eks:DeleteNodegroup",
            "eks:TagResource",
            "eks:UntagResource",
            "iam:PassRole",
            "iam:CreateServiceLinkedRole",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeSubnets",
        ],
    },
    "aws:eks/accessEntry:AccessEntry": {
        terraform: "aws_eks_access_entry",
        actions: [
            "eks:CreateAccessEntry",
            "eks:DescribeAccessEntry",
            "eks:UpdateAccessEntry",
            "eks:DeleteAccessEntry",
            "eks:TagResource",
            "eks:UntagResource",
        ],
    },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        terraform: "aws_eks_access_policy_association",
        actions: ["eks:AssociateAccessPolicy", "eks:ListAssociatedAccessPolicies", "eks:DisassociateAccessPolicy"],
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        terraform: "aws_eks_pod_identity_association",
        actions: [
            "eks:CreatePodIdentityAssociation",
            "eks:DescribePodIdentityAssociation",
            "eks:UpdatePodIdentityAssociation",
            "eks:DeletePodIdentityAssociation",
            "eks:TagResource",
            "eks:UntagResource",
            "iam:PassRole",
            "iam:GetRole",
        ],
    },
    "aws:iam/role:Role": {
        terraform: "aws_iam_role",
        actions: [
            "iam:CreateRole",
            ...ROLE_NAMED,
            "iam:ListInstanceProfilesForRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:DeleteRole",
        ],
    },
    "aws:iam/rolePolicy:RolePolicy": {
        terraform: "aws_iam_role_policy",
        actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        terraform: "aws_iam_role_policy_attachment",
        actions: ["iam:AttachRolePolicy", "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy"],
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        terraform: "aws_iam_openid_connect_provider",
        actions: [
            "iam:CreateOpenIDConnectProvider",
            "iam:GetOpenIDConnectProvider",
            "iam:AddClientIDToOpenIDConnectProvider",
            "iam:RemoveClientIDFromOpenIDConnectProvider",
            "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:TagOpenIDConnectProvider",
            "iam:UntagOpenIDConnectProvider",
            "iam:DeleteOpenIDConnectProvider",
        ],
    },
    "aws:kms/key:Key": {
        terraform: "aws_kms_key",
        actions: [
            "kms:CreateKey",
            "kms:DescribeKey",
            "kms:GetKeyPolicy",
            "kms:PutKeyPolicy",
            "kms:GetKeyRotationStatus",
            "kms:EnableKeyRotation",
            "kms:UpdateKeyDescription",
            "kms:ListResourceTags",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:ScheduleKeyDeletion",
        ],
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        terraform: "aws_cloudwatch_log_group",
        actions: [
            "logs:CreateLogGroup",
            "logs:DescribeLogGroups",
            "logs:PutRetentionPolicy",
            "logs:DeleteRetentionPolicy",
            "logs:ListTagsForResource",
            "logs:ListTagsLogGroup",
            "logs:TagResource",
            "logs:UntagResource",
            "logs:DeleteLogGroup",
        ],
    },
    "aws:autoscaling/tag:Tag": {
        terraform: "aws_autoscaling_group_tag",
        actions: ["autoscaling:CreateOrUpdateTags", "autoscaling:DescribeTags", "autoscaling:DeleteTags"],
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        terraform: "data aws_availability_zones",
        actions: ["ec2:DescribeAvailabilityZones"],
    },
    "aws:eks/getNodeGroups:getNodeGroups": { terraform: "data aws_eks_node_groups", actions: ["eks:ListNodegroups"] },
    "aws:eks/getNodeGroup:getNodeGroup": { terraform: "data aws_eks_node_group", actions: ["eks:DescribeNodegroup"] },
    "aws:eks/getCluster:getCluster": { terraform: "data aws_eks_cluster", actions: ["eks:DescribeCluster"] },
    "aws:eks/getAccessEntry:getAccessEntry": {
        terraform: "data aws_eks_access_entry",
        actions: ["eks:DescribeAccessEntry"],
    },
    "aws:ec2/getSubnet:getSubnet": { terraform: "data aws_subnet", actions: ["ec2:DescribeSubnets"] },
    "aws:ec2/getSubnets:getSubnets": { terraform: "data aws_subnets", actions: ["ec2:DescribeSubnets"] },
    // STS documents GetCallerIdentity as needing no permission; partition and region are the provider's own.
    "aws:index/getCallerIdentity:getCallerIdentity": { terraform: "data aws_caller_identity", actions: [] },
    "aws:index/getPartition:getPartition": { terraform: "data aws_partition", actions: [] },
    "aws:index/getRegion:getRegion": { terraform: "data aws_region", actions: [] },
};

/**
 * What the remote components create inside, with the options the program gives them (components/
 * eks-cluster.ts, node-group.ts), read in @pulumi/eks v4.3.0: `createCore` (ServiceRole `eksRole`,
 * the cluster security group and its egress rule, aws.eks.Cluster, the kube-proxy aws.eks.Addon,
 * VpcCniAddon, `createAccessEntries`, the aws.iam.OpenIdConnectProvider for createOidcProvider),
 * `createCluster`'s `createNodeGroupSecurityGroup` (skipDefaultSecurityGroups unset), and
 * `createManagedNodeGroup` (an aws.eks.NodeGroup; no launch template of its own as ours is given).
 */
const INSIDE: Record<string, readonly string[]> = {
    "eks:index:Cluster": [
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:eks/cluster:Cluster",
        "aws:eks/addon:Addon",
        "aws:eks/accessEntry:AccessEntry",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:index/getPartition:getPartition",
        "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getRegion:getRegion",
    ],
    "eks:index:ManagedNodeGroup": ["aws:eks/nodeGroup:NodeGroup"],
};

/**
 * Types that make no AWS call: the program's components, Kubernetes objects and their provider, and
 * the TLS provider's keys and certificates (generated locally, kept in the state).
 */
const NOT_AWS = /^(berrys:|kubernetes:|pulumi:providers:kubernetes$|tls:)/;

/** The managed policies the policy lets the deployer attach (`iam:PolicyARN`); pulumi-eks adds the cluster's. */
const PULUMI_EKS_CLUSTER_POLICY = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy";

function statements(): any[] {
    return POLICY.Statement;
}

function policyActions(): Set<string> {
    return new Set(statements().flatMap((statement) => [statement.Action].flat()));
}

async function registeredTypes(): Promise<Map<string, Set<string>>> {
    const found = new Map<string, Set<string>>();
    const note = (type: string, stack: string) => found.set(type, (found.get(type) ?? new Set()).add(stack));
    for (const stack of FIXTURE_STACKS) {
        const run = await runStack(stack);
        run.registered.forEach((resource) => note(resource.type, stack));
        run.calls.forEach((token) => note(token, stack));
    }
    return found;
}

describe("the deployer's IAM policy (docs/deployer-policy.json) and what the program creates", () => {
    it("covers every AWS type and data source the program registers on every fixture stack, with pulumi-eks's inside", async () => {
        const types = await registeredTypes();
        assert.ok(
            types.has("eks:index:Cluster") && types.has("aws:ec2/vpc:Vpc"),
            "the runs registered the cluster and network",
        );
        const granted = policyActions();
        for (const [type, stacks] of types) {
            if (NOT_AWS.test(type)) continue;
            const covered = INSIDE[type] ?? [type];
            for (const inner of covered) {
                assert.ok(
                    GRANTS[inner],
                    `${type} (on ${[...stacks].join(", ")}) has no entry in GRANTS: map it to its Terraform resource's API calls and add them to docs/deployer-policy.json`,
                );
                const missing = GRANTS[inner].actions.filter((action) => !granted.has(action));
                assert.deepEqual(
                    missing,
                    [],
                    `docs/deployer-policy.json lacks what ${inner} (${GRANTS[inner].terraform}) needs`,
                );
            }
        }
    });

    it("grants nothing no mapped type needs: every action, and so every service prefix, is some type's", () => {
        const needed = new Set(Object.values(GRANTS).flatMap((grant) => grant.actions));
        assert.deepEqual(
            [...policyActions()].filter((action) => !needed.has(action)),
            [],
        );
        const prefixes = (actions: Iterable<string>) => new Set([...actions].map((action) => action.split(":")[0]));
        assert.deepEqual([...prefixes(policyActions())].sort(), [...prefixes(needed)].sort());
    });

    it("passes roles only to EKS and EKS Pod Identity, and only the program's roles (all named berrys-*)", async () => {
        const passRole = statements().filter((statement) => [statement.Action].flat().includes("iam:PassRole"));
        assert.equal(passRole.length, 1);
        assert.deepEqual(passRole[0].Condition, {
            StringEquals: { "iam:PassedToService": ["eks.amazonaws.com", "pods.eks.amazonaws.com"] },
        });
        const roleScoped = statements().filter((statement) =>
            [statement.Action]
                .flat()
                .some(
                    (action: string) =>
                        /^iam:.*Role(Policy|Description)?$/.test(action) && action !== "iam:CreateServiceLinkedRole",
                ),
        );
        roleScoped.forEach((statement) =>
            assert.equal(statement.Resource, "arn:*:iam::*:role/berrys-*", statement.Sid),
        );
        for (const stack of FIXTURE_STACKS) {
            const run = await runStack(stack);
            // Auto-named: IAM's name is the resource name plus a suffix; pulumi-eks names its cluster role `${name}-eksRole`.
            for (const resource of run.registered.filter(
                (candidate) => candidate.type === "aws:iam/role:Role" || candidate.type === "eks:index:Cluster",
            )) {
                if (resource.type === "aws:iam/role:Role")
                    assert.equal(resource.inputs.name, undefined, `${stack}: ${resource.name} names its role itself`);
                assert.match(resource.name, /^berrys-/, `${stack}: ${resource.type} ${resource.name}`);
            }
        }
    });

    it("attaches only the managed policies the program attaches, and writes logs only under /aws/eks/", async () => {
        const attach = statements().find((statement) => [statement.Action].flat().includes("iam:AttachRolePolicy"));
        const allowed: string[] = attach.Condition.ArnLike["iam:PolicyARN"];
        const matches = (arn: string) => allowed.some((pattern) => arn === pattern.replace("arn:*:", "arn:aws:"));
        assert.ok(matches(PULUMI_EKS_CLUSTER_POLICY));
        for (const stack of FIXTURE_STACKS) {
            const run = await runStack(stack);
            for (const attachment of run.registered.filter(
                (resource) => resource.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            )) {
                assert.ok(
                    matches(attachment.inputs.policyArn),
                    `${stack}: ${attachment.inputs.policyArn} is not in the policy's iam:PolicyARN list`,
                );
            }
            for (const group of run.registered.filter(
                (resource) => resource.type === "aws:cloudwatch/logGroup:LogGroup",
            )) {
                assert.match(group.inputs.name, /^\/aws\/eks\//);
            }
        }
        const logs = statements().find((statement) => [statement.Action].flat().includes("logs:CreateLogGroup"));
        assert.equal(logs.Resource, "arn:*:logs:*:*:log-group:/aws/eks/*");
    });

    it("docs/operations.md documents the policy and links the file", () => {
        const operations = fs.readFileSync(path.join(ROOT, "docs/operations.md"), "utf8");
        const section = operations.split(/^## /m).find((part) => part.startsWith("The deployer's IAM policy"));
        assert.ok(section, 'docs/operations.md has a section "## The deployer\'s IAM policy"');
        assert.match(section, /\(deployer-policy\.json\)/);
        for (const sid of statements().map((statement) => statement.Sid)) {
            assert.ok(section.includes(`\`${sid}\``), `the section explains statement ${sid}`);
        }
    });
});
