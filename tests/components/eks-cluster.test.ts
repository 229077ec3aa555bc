// components/eks-cluster.ts: the EKS control plane, its control-plane logs, admin access entries and builders.
import { strict as assert } from "assert";
import { PolicyDocument } from "../../components/pod-identity-role";
import { MOCK_ACCOUNT_ID, MockRun, MOCK_CALLER_ARN, ProgramFailed } from "../../tools/mock-engine";
import { resource, runStack } from "../helpers/program";
import {
    clusterNameOfLogGroup,
    controlPlaneLogGroupName,
    ADMIN_ENTRY_TAG,
    bootstrapAdminErrors,
    callerRole,
    isBootstrapEntry,
    LiveCluster,
    adminAccessEntries,
    CLUSTER_ADMIN_POLICY_ARN,
    eksClusterArgs,
    endpointAccess,
    issuerUrl,
} from "../../components/eks-cluster";
import { parseConfig } from "../../config";
import { LOG_RETENTION_DAYS } from "../../schema/platform";
import { fixtureStack, stackConfig } from "../helpers/stacks";
import * as pulumi from "@pulumi/pulumi";

// The EKS control plane as the program declares it: what pulumi-eks v4.3.0 would otherwise default.
describe("the EKS cluster's add-on options", () => {
    it("aws-node logs at INFO, not pulumi-eks's DEBUG, for both the CNI and its plugin", async () => {
        // pulumi-eks v4.3.0 `computeEnv` (nodejs/eks/addons/cni-addon.ts) pushes
        // AWS_VPC_K8S_CNI_LOGLEVEL and AWS_VPC_K8S_PLUGIN_LOG_LEVEL as "DEBUG" when `logLevel` and
        // `pluginLogLevel` are unset. The component's schema (provider/cmd/pulumi-resource-eks/schema.json,
        // eks:index:VpcCniOptions) has no pluginLogLevel, and `mergeConfigurationValues` lays
        // configurationValues.env over the computed env, so the plugin's level goes there.
        const options = resource(await runStack("staging"), "eks:index:Cluster", "berrys-cluster-eks").inputs
            .vpcCniOptions;
        assert.equal(options.logLevel, "INFO");
        assert.equal(options.configurationValues.env.AWS_VPC_K8S_PLUGIN_LOG_LEVEL, "INFO");
        assert.equal(options.pluginLogLevel, undefined, "not in eks:index:VpcCniOptions: the provider would drop it");
    });

    it("keeps the security group the private-access rules use and the OIDC provider behind oidcProviderArn", async () => {
        const run = await runStack("staging");
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.notEqual(cluster.inputs.skipDefaultSecurityGroups, true);
        assert.equal(cluster.inputs.createOidcProvider, true);
        assert.equal(run.outputs.oidcProviderArn, cluster.state.oidcProviderArn);
    });
});

describe("the Pod Identity roles' trust", () => {
    const podIdentityConditions = (run: MockRun) =>
        run.registered
            .filter(
                (r) =>
                    r.type === "aws:iam/role:Role" &&
                    String(r.inputs.assumeRolePolicy).includes("pods.eks.amazonaws.com"),
            )
            .map((role) => ({
                role: role.name,
                condition: (JSON.parse(role.inputs.assumeRolePolicy) as PolicyDocument).Statement[0].Condition!,
            }));

    it("cluster.podIdentitySourceArnCondition: true adds aws:SourceArn to every role (the VPC CNI's, cluster-autoscaler's, the EBS CSI driver's)", async () => {
        const cluster = fixtureStack("staging").projectConfig.cluster as Record<string, unknown>;
        const run = await runStack("staging", {
            configOverrides: { "berrys-platform:cluster": { ...cluster, podIdentitySourceArnCondition: true } },
        });
        const conditions = podIdentityConditions(run);
        assert.ok(conditions.length >= 3, conditions.map((c) => c.role).join(", "));
        for (const { role, condition } of conditions) {
            assert.deepEqual(
                condition.ArnLike,
                { "aws:SourceArn": `arn:aws:eks:us-east-1:${MOCK_ACCOUNT_ID}:podidentityassociation/berrys-staging/*` },
                role,
            );
            assert.equal(condition.StringEquals["aws:SourceAccount"], MOCK_ACCOUNT_ID, role);
        }
    });

    it("by default no role carries it, so a first deploy does not hang on aws-node's credentials", async () => {
        for (const { role, condition } of podIdentityConditions(await runStack("staging"))) {
            assert.equal(condition.ArnLike, undefined, role);
        }
    });
});

// Issue 9 item 8: the control-plane log group. EKS creates `/aws/eks/<cluster>/cluster` on its first
// write with no retention ("Never expire") and does not delete it with the cluster; the program
// creates it first, with berrys-platform:cluster.logRetentionDays, and the EKS cluster waits for it.
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("control-plane log group (issue 9 item 8)", () => {
    it("is named as EKS names it, /aws/eks/<cluster>/cluster, and the name maps back to the cluster", () => {
        // EKS user guide (awsdocs/amazon-eks-user-guide 4d52b4d, "Send control plane logs to CloudWatch
        // Logs"): "/aws/eks/my-cluster/cluster".
        assert.equal(controlPlaneLogGroupName("berrys-production"), "/aws/eks/berrys-production/cluster");
        assert.equal(clusterNameOfLogGroup("/aws/eks/berrys-production/cluster"), "berrys-production");
        assert.throws(() => clusterNameOfLogGroup("/aws/lambda/x"), /not an EKS control-plane log group name/);
    });

    for (const stack of ["production", "staging"]) {
        it(`${stack}: creates the log group with 90 days' retention by default`, async () => {
            const run = await runStack(stack);
            const group = resource(run, LOG_GROUP, "berrys-cluster-control-plane-logs");
            assert.equal(group.inputs.name, `/aws/eks/berrys-${stack}/cluster`);
            assert.equal(group.inputs.retentionInDays, 90);
        });
    }

    it("the EKS cluster waits for the log group: its name is the log group's output", async () => {
        // @pulumi/eks v4.3.0 registers the aws.eks.Cluster inside its component (nodejs/eks/cluster/
        // cluster.ts `createCore`, `name: args.name`) with only the service roles in its dependsOn: a
        // dependsOn on the eks.Cluster component does not order that inner resource. An input does:
        // the component, and so the cluster, cannot be created before the log group's name resolves.
        const run = await runStack("production");
        const declared = run.declared.find((d) => d.type === "eks:index:Cluster" && d.name === "berrys-cluster-eks");
        assert.ok(declared);
        const name = declared.props.name as pulumi.Output<string>;
        assert.ok(
            pulumi.Output.isInstance(name),
            "the cluster's name must be an output of the log group, not a plain string",
        );
        const dependencies = await (name as unknown as { resources(): Promise<Set<pulumi.Resource>> }).resources();
        const groups = [...dependencies].filter((dependency) => dependency instanceof pulumi.CustomResource);
        assert.equal(groups.length, 1);
        assert.match(
            await urnOf(groups[0] as pulumi.CustomResource),
            /\$aws:cloudwatch\/logGroup:LogGroup::berrys-cluster-control-plane-logs$/,
        );
        assert.equal(resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.name, "berrys-production");
    });

    it("with no log types there is no log group, and the name is plain", async () => {
        const file = fixtureStack("staging");
        const run = await runStack("staging", {
            configOverrides: { "berrys-platform:cluster": { ...(file.projectConfig.cluster as object), logTypes: [] } },
        });
        assert.equal(run.registered.filter((r) => r.type === LOG_GROUP).length, 0);
        assert.equal(resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.name, "berrys-staging");
    });

    it("accepts only the retention periods CloudWatch Logs allows", () => {
        // CloudWatch Logs API reference, PutRetentionPolicy, retentionInDays: "Valid values are: 1, 3, 5,
        // 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653."
        assert.deepEqual(
            [...LOG_RETENTION_DAYS],
            [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
        );
        const file = fixtureStack("production");
        for (const [days, ok] of [
            [365, true],
            [3653, true],
            [0, false],
            [100, false],
            [3654, false],
        ] as const) {
            const raw = structuredClone(file.projectConfig) as Record<string, any>;
            raw.cluster.logRetentionDays = days;
            const result = parseConfig(raw, file.context);
            assert.equal(result.ok, ok, String(days));
            if (!result.ok) {
                assert.equal(result.errors.length, 1);
                assert.match(
                    result.errors[0],
                    new RegExp(
                        `^berrys-platform:cluster\\.logRetentionDays \\(${days}\\) must be a retention CloudWatch Logs allows: 1, 3, 5`,
                    ),
                );
            }
        }
    });
});

function urnOf(resource: pulumi.CustomResource): Promise<string> {
    return new Promise((resolve) =>
        resource.urn.apply((urn) => {
            resolve(urn);
            return urn;
        }),
    );
}

// cluster.adminRoleArns and EKS's bootstrap access entry. pulumi-eks v4.3.0 `createCore`
// (nodejs/eks/cluster/cluster.ts) creates the cluster with accessConfig.bootstrapClusterCreatorAdminPermissions:
// true, so EKS makes an access entry for the creator itself "during cluster creation time" (EKS API,
// AccessConfigResponse); the program's entry for the same principal then fails with
// ResourceInUseException. Only that principal is refused: before the cluster exists it is the deployer,
// afterwards whoever holds the bootstrap entry, so a second admin role or a rotated CI role may deploy.
const CALLER = "arn:aws:sts::123456789012:assumed-role/ci-deployer/github-actions-1234";
const CI_ROLE = "arn:aws:iam::123456789012:role/ci-deployer";
const CREATED = "2026-06-01T09:00:00Z";

/** A live cluster created at CREATED whose listed admins have these entries. */
const liveCluster = (adminEntries: LiveCluster["adminEntries"]): LiveCluster => ({
    createdAt: CREATED,
    version: "1.34",
    supportType: "EXTENDED",
    adminEntries,
});

describe("EKS's bootstrap access entry and cluster.adminRoleArns", () => {
    it("reads the role behind an assumed-role ARN; a user has none", () => {
        assert.deepEqual(callerRole(CALLER), { partition: "aws", accountId: "123456789012", roleName: "ci-deployer" });
        assert.deepEqual(callerRole("arn:aws-us-gov:sts::123456789012:assumed-role/ci/s"), {
            partition: "aws-us-gov",
            accountId: "123456789012",
            roleName: "ci",
        });
        assert.equal(callerRole("arn:aws:iam::123456789012:user/alice"), undefined);
    });

    it("before the cluster exists: refuses the deployer's role (it will create the cluster), with or without a path", () => {
        const arns = [
            "arn:aws:iam::123456789012:role/platform-admins",
            CI_ROLE,
            "arn:aws:iam::123456789012:role/teams/ci-deployer",
            "arn:aws:iam::210987654321:role/ci-deployer",
        ];
        const errors = bootstrapAdminErrors(arns, CALLER, undefined);
        assert.deepEqual(
            errors.map((error) => error.split(" must ")[0]),
            [
                "berrys-platform:cluster.adminRoleArns.1 (arn:aws:iam::123456789012:role/ci-deployer)",
                "berrys-platform:cluster.adminRoleArns.2 (arn:aws:iam::123456789012:role/teams/ci-deployer)",
            ],
        );
        assert.match(
            errors[0],
            /must not be the role creating the cluster \(arn:aws:sts::123456789012:assumed-role\/ci-deployer\/github-actions-1234\)\n.*remove it from the list$/,
        );
        assert.deepEqual(bootstrapAdminErrors(arns, "arn:aws:iam::123456789012:user/alice", undefined), []);
    });

    it("on a live cluster: a listed deployer without the bootstrap entry may deploy (a second admin, a rotated CI role)", () => {
        // Its entry is this stack's (tagged), or it has none yet: either way nothing collides.
        assert.deepEqual(bootstrapAdminErrors([CI_ROLE], CALLER, liveCluster({})), []);
        assert.deepEqual(
            bootstrapAdminErrors(
                [CI_ROLE],
                CALLER,
                liveCluster({
                    [CI_ROLE]: {
                        createdAt: "2026-06-01T09:00:30Z",
                        tags: { [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" },
                    },
                }),
            ),
            [],
        );
    });

    it("on a live cluster: refuses only the untagged entry made with the cluster, whoever deploys", () => {
        const bootstrap = "arn:aws:iam::123456789012:role/old-ci";
        const errors = bootstrapAdminErrors(
            [CI_ROLE, bootstrap],
            CALLER,
            liveCluster({ [bootstrap]: { createdAt: "2026-06-01T09:00:02Z", tags: {} } }),
        );
        assert.equal(errors.length, 1);
        assert.match(
            errors[0],
            /^berrys-platform:cluster\.adminRoleArns\.1 \(arn:aws:iam::123456789012:role\/old-ci\) must not list the holder of EKS's bootstrap access entry \(made with the cluster at 2026-06-01T09:00:02Z\)\n/,
        );
        assert.ok(errors[0].split("\n")[0].length <= 200);
    });

    it("tells the bootstrap entry by its tag first, then by its creation time against the cluster's", () => {
        assert.equal(isBootstrapEntry({ createdAt: "2026-06-01T09:00:02Z", tags: {} }, CREATED), true);
        assert.equal(
            isBootstrapEntry(
                { createdAt: "2026-06-01T09:00:02Z", tags: { [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" } },
                CREATED,
            ),
            false,
        );
        // An untagged entry made once the cluster was ACTIVE: this stack's from before it tagged them.
        assert.equal(isBootstrapEntry({ createdAt: "2026-06-01T09:12:40Z", tags: {} }, CREATED), false);
    });

    it("stops preview before any resource when the stack lists the deployer's role and no cluster exists yet (the mock's caller)", async () => {
        assert.equal(MOCK_CALLER_ARN, "arn:aws:sts::123456789012:assumed-role/berrys-deployer/pulumi");
        const cluster = {
            ...(fixtureStack("staging").projectConfig.cluster as object),
            adminRoleArns: ["arn:aws:iam::123456789012:role/berrys-deployer"],
        };
        await assert.rejects(
            runStack("staging", { configOverrides: { "berrys-platform:cluster": cluster } }),
            (failure: unknown) => {
                assert.ok(failure instanceof ProgramFailed);
                assert.match(
                    failure.message,
                    /berrys-platform:cluster\.adminRoleArns\.0 \(arn:aws:iam::123456789012:role\/berrys-deployer\) must not be the role creating the cluster/,
                );
                assert.equal(failure.registered.length, 0);
                return true;
            },
        );
    });

    it("deploys a live cluster whose listed deployer holds this stack's tagged entry, and tags every admin entry", async () => {
        const deployer = "arn:aws:iam::123456789012:role/berrys-deployer";
        const cluster = { ...(fixtureStack("staging").projectConfig.cluster as object), adminRoleArns: [deployer] };
        const run = await runStack("staging", {
            configOverrides: { "berrys-platform:cluster": cluster },
            callOverrides: (token, inputs) => {
                if (token === "aws:eks/getCluster:getCluster") {
                    return {
                        name: inputs.name,
                        createdAt: CREATED,
                        version: "1.34",
                        upgradePolicies: [{ supportType: "EXTENDED" }],
                    };
                }
                if (token === "aws:eks/getAccessEntry:getAccessEntry") {
                    return {
                        principalArn: inputs.principalArn,
                        createdAt: "2026-06-01T09:14:00Z",
                        tags: { [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" },
                    };
                }
                return undefined;
            },
        });
        const entries = resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.accessEntries;
        assert.equal(entries["admin-0"].principalArn, deployer);
        assert.equal(entries["admin-0"].tags[ADMIN_ENTRY_TAG], "cluster.adminRoleArns");
    });
});

describe("the cluster's spec builders", () => {
    it("keeps the API endpoint private unless CIDRs are listed, and private access always on", () => {
        assert.deepEqual(endpointAccess([]), {
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
            publicAccessCidrs: undefined,
        });
        assert.deepEqual(endpointAccess(["203.0.113.0/24"]), {
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
        });
    });

    it("gives each admin role cluster-admin through an access entry scoped to the cluster, tagged as the stack's", () => {
        assert.deepEqual(
            adminAccessEntries(["arn:aws:iam::123456789012:role/platform"], { "berrys.io/stack": "staging" }),
            {
                "admin-0": {
                    principalArn: "arn:aws:iam::123456789012:role/platform",
                    tags: { "berrys.io/stack": "staging", "berrys.io/access-entry": "cluster.adminRoleArns" },
                    accessPolicies: {
                        admin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: "cluster" } },
                    },
                },
            },
        );
    });

    it("the pulumi-eks cluster: no default node group, no CoreDNS inside it, add-ons at the pinned versions, API authentication", () => {
        const cluster = stackConfig("production").cluster;
        const args = eksClusterArgs({ cluster, vpcId: "vpc-0a", privateSubnetIds: ["subnet-0a"], tags: {} }, "n", "k");
        assert.equal(args.skipDefaultNodeGroup, true);
        assert.deepEqual(args.corednsAddonOptions, { enabled: false });
        assert.equal(typeof args.kubeProxyAddonOptions?.version, "string");
        assert.equal(typeof args.vpcCniOptions?.addonVersion, "string");
        assert.equal(args.vpcCniOptions?.enableNetworkPolicy, true);
        assert.equal(args.authenticationMode, "API");
        assert.equal(args.deletionProtection, cluster.protect);
        assert.deepEqual([args.name, args.encryptionConfigKeyArn], ["n", "k"]);
    });

    it("the OIDC issuer as a URL, whether EKS reports it with the scheme or without", () => {
        assert.equal(
            issuerUrl("oidc.eks.us-east-1.amazonaws.com/id/ABC"),
            "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        );
        assert.equal(
            issuerUrl("https://oidc.eks.us-east-1.amazonaws.com/id/ABC"),
            "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        );
    });
});
