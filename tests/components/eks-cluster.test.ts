// The EKS control plane as the program declares it: what pulumi-eks v4.3.0 would otherwise default.
import { strict as assert } from "assert";
import { resource, runStack } from "../helpers/program";

describe("the EKS cluster's add-on options", () => {
    it("aws-node logs at INFO, not pulumi-eks's DEBUG, for both the CNI and its plugin", async () => {
        // pulumi-eks v4.3.0 `computeEnv` (nodejs/eks/addons/cni-addon.ts) pushes
        // AWS_VPC_K8S_CNI_LOGLEVEL and AWS_VPC_K8S_PLUGIN_LOG_LEVEL as "DEBUG" when `logLevel` and
        // `pluginLogLevel` are unset; INFO is a level amazon-vpc-cni-k8s documents for both.
        const cluster = resource(await runStack("staging"), "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(cluster.inputs.vpcCniOptions.logLevel, "INFO");
        assert.equal(cluster.inputs.vpcCniOptions.pluginLogLevel, "INFO");
    });

    it("keeps the security group the private-access rules use and the OIDC provider behind oidcProviderArn", async () => {
        const run = await runStack("staging");
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.notEqual(cluster.inputs.skipDefaultSecurityGroups, true);
        assert.equal(cluster.inputs.createOidcProvider, true);
        assert.equal(run.outputs.oidcProviderArn, cluster.state.oidcProviderArn);
    });
});
