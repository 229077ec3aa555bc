// The EKS control plane as the program declares it: what pulumi-eks v4.3.0 would otherwise default.
import { strict as assert } from "assert";
import { PolicyDocument } from "../../components/pod-identity-role";
import { MOCK_ACCOUNT_ID, MockRun } from "../../tools/mock-engine";
import { readStackFile } from "../../tools/stack-files";
import { resource, runStack } from "../helpers/program";

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
        const cluster = readStackFile("staging").projectConfig.cluster as Record<string, unknown>;
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
