// The whole program under mocks: options (through transformations on the root component), the
// outputs contract, names, providers.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { MockRun, PLACEHOLDER } from "../../tools/mock-engine";
import { resource, runStack } from "../helpers/program";

/** The stack outputs other teams read (docs/outputs.md "Stack outputs"): names and secrecy are a contract. */
const OUTPUT_CONTRACT = [
    "clusterName",
    "clusterEndpoint",
    "clusterVersion",
    "kubeconfig",
    "oidcProviderArn",
    "oidcIssuerUrl",
    "vpcId",
    "privateSubnetIds",
    "nodeGroups",
    "namespace",
    "resourceQuota",
    "services",
    // issue 3 (add-ons) and issue 4 (capacity)
    "clusterAutoscalerRoleArn",
    "prometheusUrl",
    "customMetrics",
    "capacity",
    // issue 25 (headroom)
    "headroom",
];

describe("platform program (mocked)", function () {
    let production: MockRun;
    let staging: MockRun;
    before(async () => {
        production = await runStack("production");
        staging = await runStack("staging");
    });

    it("exports every output of the contract, with the kubeconfig secret", () => {
        // Exactly these: a rename or a removal breaks other teams' StackReferences.
        assert.deepEqual(Object.keys(production.outputs).sort(), [...OUTPUT_CONTRACT].sort());
        assert.deepEqual(production.secretOutputs, ["kubeconfig"]);
        assert.deepEqual(production.outputs.customMetrics, [
            "model_requests_per_second",
            "http_requests_per_second",
            "agent_creation_rate",
        ]);
        assert.equal(production.outputs.prometheusUrl, "http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
        assert.equal(production.outputs.clusterName, "berrys-production");
        assert.equal(production.outputs.clusterVersion, "1.34");
        assert.equal(production.outputs.namespace, "berrys-production");
        assert.deepEqual(production.outputs.nodeGroups, [
            {
                name: "default-node-group",
                eksName: `${PLACEHOLDER}berrys-default-node-group-mng.nodeGroupName>`,
                minSize: 3,
                maxSize: 10,
                instanceTypes: ["m6i.xlarge"],
            },
        ]);
        const services = production.outputs.services as Record<string, any>;
        assert.deepEqual(Object.keys(services).sort(), [
            "agent-orchestrator",
            "api-gateway",
            "model-orchestration",
            "web-dashboard",
        ]);
        assert.deepEqual(Object.keys(services["agent-orchestrator"]).sort(), [
            "deployment",
            "hpaName",
            "labels",
            "maxReplicas",
            "maxSurge",
            "metricsPort",
            "minReplicas",
            "pdbName",
            "priorityClassName",
            "resources",
        ]);
        assert.equal((production.outputs.resourceQuota as any).name, "berrys-production-quota");
    });

    it("never registers two resources with the same type and name (the engine would reject it)", () => {
        for (const run of [production, staging]) {
            const seen = new Set<string>();
            for (const registered of run.registered) {
                const key = `${registered.type}::${registered.name}`;
                assert.ok(!seen.has(key), `duplicate ${key}`);
                seen.add(key);
            }
        }
    });

    it("protects the cluster, the KMS key and the namespace in production only", () => {
        const protectedIn = (run: MockRun) =>
            run.declared
                .filter((r) => r.opts.protect)
                .map((r) => r.type)
                .sort();
        assert.deepEqual(protectedIn(production), [
            "aws:kms/key:Key",
            "eks:index:Cluster",
            "kubernetes:core/v1:Namespace",
        ]);
        assert.deepEqual(protectedIn(staging), []);
        assert.equal(resource(production, "eks:index:Cluster", "berrys-cluster-eks").inputs.deletionProtection, true);
    });

    it("a transformation on the root component reaches every child of our own components", async () => {
        const seen: string[] = [];
        const protectAll: pulumi.ResourceTransformation = (args) => {
            seen.push(`${args.type}::${args.name}`);
            return { props: args.props, opts: pulumi.mergeOptions(args.opts, { protect: true }) };
        };
        const run = await runStack("staging", { transformations: [protectAll] });
        assert.deepEqual(seen.sort(), run.declared.map((r) => `${r.type}::${r.name}`).sort());
        for (const type of [
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "eks:index:ManagedNodeGroup",
            "aws:iam/role:Role",
            "kubernetes:core/v1:ResourceQuota",
        ]) {
            assert.ok(
                seen.some((key) => key.startsWith(`${type}::`)),
                `${type} not reached`,
            );
        }
        // Packaged components are single resources here: their own children are out of reach.
        assert.equal(run.registered.length, run.declared.length);
    });

    it("leaves the node group's desired size to cluster-autoscaler after creation", () => {
        const group = resource(production, "eks:index:ManagedNodeGroup", "berrys-default-node-group-mng");
        assert.equal(group.inputs.ignoreScalingChanges, true);
        assert.deepEqual(group.inputs.scalingConfig, { minSize: 3, maxSize: 10, desiredSize: 3 });
        // A generated name from a prefix lets a replacement group come up before the old one goes.
        assert.equal(group.inputs.nodeGroupName, undefined);
    });

    it("puts nodes in the private subnets only, with no public IPs", () => {
        const group = resource(production, "eks:index:ManagedNodeGroup", "berrys-default-node-group-mng");
        assert.deepEqual(group.inputs.subnetIds, production.outputs.privateSubnetIds);
        const cluster = resource(production, "eks:index:Cluster", "berrys-cluster-eks");
        assert.deepEqual(cluster.inputs.privateSubnetIds, production.outputs.privateSubnetIds);
        assert.equal(cluster.inputs.publicSubnetIds, undefined);
        assert.equal(cluster.inputs.nodeAssociatePublicIpAddress, false);
        assert.equal(cluster.inputs.skipDefaultNodeGroup, true);
    });

    it("builds a VPC over 3 availability zones with load-balancer role tags on the subnets", () => {
        const subnets = production.registered.filter((r) => r.type === "aws:ec2/subnet:Subnet");
        const privateSubnets = subnets.filter((r) => r.inputs.tags["kubernetes.io/role/internal-elb"] === "1");
        const publicSubnets = subnets.filter((r) => r.inputs.tags["kubernetes.io/role/elb"] === "1");
        assert.equal(privateSubnets.length, 3);
        assert.equal(publicSubnets.length, 3);
        assert.deepEqual(
            privateSubnets.map((r) => r.inputs.availabilityZoneId),
            ["use1-az1", "use1-az2", "use1-az4"],
        );
        assert.equal(production.registered.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(staging.registered.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 1);
    });

    it("uses an existing VPC and tags its subnets when network.mode is existing", async () => {
        const run = await runStack("staging", {
            configOverrides: {
                "berrys-platform:network": {
                    mode: "existing",
                    vpcId: "vpc-0abc1234",
                    privateSubnetIds: ["subnet-0a0b0c01", "subnet-0a0b0c02"],
                },
            },
        });
        assert.equal(run.registered.filter((r) => r.type === "aws:ec2/vpc:Vpc").length, 0);
        assert.equal(run.outputs.vpcId, "vpc-0abc1234");
        assert.deepEqual(run.outputs.privateSubnetIds, ["subnet-0a0b0c01", "subnet-0a0b0c02"]);
        const tags = run.registered.filter((r) => r.type === "aws:ec2/tag:Tag");
        assert.deepEqual(
            tags.map((t) => [t.inputs.resourceId, t.inputs.key, t.inputs.value]),
            [
                ["subnet-0a0b0c01", "kubernetes.io/role/internal-elb", "1"],
                ["subnet-0a0b0c02", "kubernetes.io/role/internal-elb", "1"],
            ],
        );
    });

    it("creates every Kubernetes object through the cluster's provider (the adopted monitoring namespace through one of the same cluster)", () => {
        const provider = resource(production, "pulumi:providers:kubernetes", "berrys-cluster-k8s");
        const adopting = resource(production, "pulumi:providers:kubernetes", "berrys-addons-namespaces-adopt");
        const kubernetesObjects = production.registered.filter(
            (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"),
        );
        assert.ok(kubernetesObjects.length >= 12);
        for (const object of kubernetesObjects) {
            const expected =
                object.name === "berrys-addons-namespaces-monitoring"
                    ? "berrys-addons-namespaces-adopt"
                    : "berrys-cluster-k8s";
            assert.ok(
                object.provider?.includes(`pulumi:providers:kubernetes::${expected}`),
                `${object.type} ${object.name} uses ${object.provider}`,
            );
        }
        for (const each of [provider, adopting]) {
            assert.match(JSON.stringify(each.inputs.kubeconfig), /berrys-cluster-eks\.kubeconfig/);
        }
    });

    it("logs the api, audit and authenticator control-plane logs and runs Kubernetes 1.34 by default", () => {
        const cluster = resource(production, "eks:index:Cluster", "berrys-cluster-eks");
        assert.deepEqual(cluster.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
        assert.equal(cluster.inputs.version, "1.34");
        assert.equal(cluster.inputs.createOidcProvider, true);
        assert.equal(cluster.inputs.authenticationMode, "API");
    });

    it("installs the EKS Pod Identity agent before any node starts", () => {
        const addon = resource(production, "aws:eks/addon:Addon", "berrys-cluster-pod-identity-agent");
        assert.equal(addon.inputs.addonName, "eks-pod-identity-agent");
        const group = production.declared.find((r) => r.type === "eks:index:ManagedNodeGroup")!;
        const dependsOn = (group.opts.dependsOn ?? []) as pulumi.Resource[];
        assert.ok(dependsOn.some((dependency) => (dependency as any).__name === "berrys-cluster-pod-identity-agent"));
        assert.ok(dependsOn.some((dependency) => (dependency as any).__name === "berrys-cluster-vpc-cni"));
    });
});
